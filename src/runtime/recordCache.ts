import type { Zone } from "../backends/backend";
import { zoneKey } from "../backends/backend";
import type { DnsRecord } from "../client/types";

/** How long a finished listing keeps answering reads of its zone. */
export const LIST_REUSE_WINDOW_MS = 2000;

interface Entry {
  generation: number;
  inflight?: Promise<DnsRecord[]>;
  value?: DnsRecord[];
  at?: number;
}

/**
 * Coalesces reads of one zone (a domain, in an organization on Yandex 360): a listing returns the
 * whole zone, so reads that arrive while one is in flight, or shortly after, share it. A refresh of
 * 200 records costs one listing (one paged walk on Yandex 360), not 200.
 * Every mutation through the provider calls {@link invalidate}, so a read never sees a zone older
 * than the provider's own last change.
 */
export class DomainRecordCache {
  private readonly entries = new Map<string, Entry>();
  /** Listings actually made, and reads answered from a shared one. */
  readonly counters = { lists: 0, shared: 0 };

  constructor(
    private readonly listRecords: (zone: Zone) => Promise<DnsRecord[]>,
    private readonly windowMs = LIST_REUSE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The zone's records; `fresh` forces a new list (reconciling a mutation whose outcome is unknown). */
  list(zone: Zone, options: { fresh?: boolean } = {}): Promise<DnsRecord[]> {
    const entry = this.entry(zone);
    if (!options.fresh) {
      if (entry.inflight) {
        this.counters.shared++;
        return entry.inflight;
      }
      if (entry.value && entry.at !== undefined && this.now() - entry.at <= this.windowMs) {
        this.counters.shared++;
        return Promise.resolve(entry.value);
      }
    }
    const generation = entry.generation;
    this.counters.lists++;
    const pending = this.listRecords(zone).then((records) => {
      // A mutation during the list may not be in it: keep the result only if none happened.
      if (entry.generation === generation) {
        entry.value = records;
        entry.at = this.now();
      }
      return records;
    });
    entry.inflight = pending;
    const clear = () => {
      if (entry.inflight === pending) entry.inflight = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }

  /** Forget what is known about the zone: called after every mutation, whatever its outcome. */
  invalidate(zone: Zone): void {
    const entry = this.entry(zone);
    entry.generation++;
    entry.value = undefined;
    entry.at = undefined;
    entry.inflight = undefined;
  }

  private entry(zone: Zone): Entry {
    const key = zoneKey(zone);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { generation: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

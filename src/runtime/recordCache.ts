import type { PddRecord } from "../client/types";

/** How long a finished `dns/list` keeps answering reads of its domain. */
export const LIST_REUSE_WINDOW_MS = 2000;

interface Entry {
  generation: number;
  inflight?: Promise<PddRecord[]>;
  value?: PddRecord[];
  at?: number;
}

/**
 * Coalesces reads of one domain: `dns/list` returns the whole zone, so reads that arrive while a
 * list is in flight, or shortly after, share it. A refresh of 200 records costs one list, not 200.
 * Every mutation through the provider calls {@link invalidate}, so a read never sees a zone older
 * than the provider's own last change.
 */
export class DomainRecordCache {
  private readonly entries = new Map<string, Entry>();
  /** `dns/list` calls actually made, and reads answered from a shared one. */
  readonly counters = { lists: 0, shared: 0 };

  constructor(
    private readonly listRecords: (domain: string) => Promise<PddRecord[]>,
    private readonly windowMs = LIST_REUSE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The domain's records; `fresh` forces a new list (reconciling a mutation whose outcome is unknown). */
  list(domain: string, options: { fresh?: boolean } = {}): Promise<PddRecord[]> {
    const entry = this.entry(domain);
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
    const pending = this.listRecords(domain).then((records) => {
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

  /** Forget what is known about the domain: called after every mutation, whatever its outcome. */
  invalidate(domain: string): void {
    const entry = this.entry(domain);
    entry.generation++;
    entry.value = undefined;
    entry.at = undefined;
    entry.inflight = undefined;
  }

  private entry(domain: string): Entry {
    const key = domain.toLowerCase();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { generation: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

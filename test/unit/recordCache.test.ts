import type { Zone } from "../../src/backends/backend";
import type { DnsRecord } from "../../src/client/types";
import { DomainRecordCache, LIST_REUSE_WINDOW_MS } from "../../src/runtime/recordCache";

function record(recordId: number, domain = "example.com"): DnsRecord {
  return {
    recordId,
    domain,
    type: "A",
    subdomain: "www",
    fqdn: `www.${domain}`,
    content: "203.0.113.10",
    ttl: 300,
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A listing the test controls: each call is recorded with its zone and answered when the test
 * resolves or rejects it, so "in flight" is a state the test holds open.
 */
class FakeLister {
  readonly calls: Array<{ zone: Zone; answer: Deferred<DnsRecord[]> }> = [];
  readonly list = (zone: Zone): Promise<DnsRecord[]> => {
    const answer = deferred<DnsRecord[]>();
    this.calls.push({ zone: { ...zone }, answer });
    return answer.promise;
  };
  answer(index: number, records: DnsRecord[]): void {
    this.calls[index]!.answer.resolve(records);
  }
  fail(index: number, error: unknown): void {
    this.calls[index]!.answer.reject(error);
  }
}

/** A clock the test moves by hand. */
class Clock {
  t = 1_000_000;
  readonly now = () => this.t;
}

/** Lets settled promises run their callbacks (the cache's bookkeeping happens in `then`). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const zone: Zone = { domain: "example.com" };

function setup(windowMs = 2000) {
  const lister = new FakeLister();
  const clock = new Clock();
  const cache = new DomainRecordCache(lister.list, windowMs, clock.now);
  return { lister, clock, cache };
}

describe("DomainRecordCache", () => {
  it("keeps a listing for two seconds by default", () => {
    expect(LIST_REUSE_WINDOW_MS).toBe(2000);
  });

  it("coalesces concurrent reads of one zone into one listing", async () => {
    const { lister, cache } = setup();
    const reads = [cache.list(zone), cache.list(zone), cache.list({ domain: "example.com" })];
    expect(lister.calls).toHaveLength(1);
    expect(cache.counters).toEqual({ lists: 1, shared: 2 });

    const records = [record(1), record(2)];
    lister.answer(0, records);
    const results = await Promise.all(reads);
    for (const result of results) expect(result).toBe(records);
    expect(lister.calls).toHaveLength(1);
  });

  it("passes the zone to the listing", async () => {
    const { lister, cache } = setup();
    void cache.list({ domain: "example.com", orgId: 7 });
    expect(lister.calls.map((c) => c.zone)).toEqual([{ domain: "example.com", orgId: 7 }]);
  });

  it("answers from a finished listing within the window, inclusive, and lists again after it", async () => {
    const { lister, clock, cache } = setup(2000);
    const first = cache.list(zone);
    const records = [record(1)];
    lister.answer(0, records);
    await first;
    await settle();

    clock.t += 1000;
    expect(await cache.list(zone)).toBe(records);
    clock.t += 1000; // exactly the window after the listing finished
    expect(await cache.list(zone)).toBe(records);
    expect(lister.calls).toHaveLength(1);
    expect(cache.counters).toEqual({ lists: 1, shared: 2 });

    clock.t += 1; // one millisecond past the window
    const again = cache.list(zone);
    expect(lister.calls).toHaveLength(2);
    const newer = [record(1), record(3)];
    lister.answer(1, newer);
    expect(await again).toBe(newer);
    expect(cache.counters).toEqual({ lists: 2, shared: 2 });
  });

  it("measures the window from when the listing finished, not when it started", async () => {
    const { lister, clock, cache } = setup(2000);
    const first = cache.list(zone);
    clock.t += 5000; // a slow listing
    lister.answer(0, [record(1)]);
    await first;
    clock.t += 2000;
    await cache.list(zone);
    expect(lister.calls).toHaveLength(1);
  });

  it("with a zero window, shares only a listing in flight", async () => {
    const { lister, clock, cache } = setup(0);
    const a = cache.list(zone);
    const b = cache.list(zone);
    lister.answer(0, [record(1)]);
    await Promise.all([a, b]);
    clock.t += 1;
    void cache.list(zone);
    expect(lister.calls).toHaveLength(2);
    expect(cache.counters).toEqual({ lists: 2, shared: 1 });
  });

  it("lists afresh when asked, even with a listing in flight or a recent one", async () => {
    const { lister, cache } = setup();
    const shared = cache.list(zone);
    const fresh = cache.list(zone, { fresh: true });
    expect(lister.calls).toHaveLength(2);
    lister.answer(0, [record(1)]);
    const newest = [record(1), record(2)];
    lister.answer(1, newest);
    expect(await fresh).toBe(newest);
    await shared;
    await settle();

    // A recent listing does not stop a fresh one either.
    const again = cache.list(zone, { fresh: true });
    expect(lister.calls).toHaveLength(3);
    lister.answer(2, []);
    expect(await again).toEqual([]);
    expect(cache.counters).toEqual({ lists: 3, shared: 0 });
  });

  it("lets later reads share a fresh listing in flight and keeps its result", async () => {
    const { lister, cache } = setup();
    const fresh = cache.list(zone, { fresh: true });
    const follower = cache.list(zone);
    expect(lister.calls).toHaveLength(1);
    const records = [record(9)];
    lister.answer(0, records);
    expect(await follower).toBe(records);
    await fresh;
    await settle();
    expect(await cache.list(zone)).toBe(records);
    expect(cache.counters).toEqual({ lists: 1, shared: 2 });
  });

  it("forgets a finished listing when the zone is invalidated", async () => {
    const { lister, cache } = setup();
    const first = cache.list(zone);
    lister.answer(0, [record(1)]);
    await first;
    cache.invalidate(zone);
    const second = cache.list(zone);
    expect(lister.calls).toHaveLength(2);
    const after = [record(1), record(2)];
    lister.answer(1, after);
    expect(await second).toBe(after);
    expect(cache.counters).toEqual({ lists: 2, shared: 0 });
  });

  it.each([
    ["before", [0, 1]],
    ["after", [1, 0]],
  ])(
    "does not keep a listing that was in flight when the zone changed (it finishes %s the newer one)",
    async (_order, order) => {
      const { lister, cache } = setup();
      const before = cache.list(zone);
      // A mutation lands while the listing is on the wire: the listing may not include it.
      cache.invalidate(zone);

      // A read after the mutation does not share the older listing.
      const after = cache.list(zone);
      expect(lister.calls).toHaveLength(2);

      const stale = [record(1)];
      const current = [record(1), record(2)];
      for (const index of order) {
        lister.answer(index, index === 0 ? stale : current);
        await settle();
      }
      expect(await before).toBe(stale); // its own caller still gets its answer
      expect(await after).toBe(current);

      // What is kept is the listing made after the change, whichever finished last.
      expect(await cache.list(zone)).toBe(current);
      expect(lister.calls).toHaveLength(2);
      expect(cache.counters).toEqual({ lists: 2, shared: 1 });
    },
  );

  it("keeps nothing from a listing overtaken by a change even when nobody lists again", async () => {
    const { lister, cache } = setup();
    const before = cache.list(zone);
    cache.invalidate(zone);
    lister.answer(0, [record(1)]);
    await before;
    await settle();
    void cache.list(zone);
    expect(lister.calls).toHaveLength(2);
    expect(cache.counters).toEqual({ lists: 2, shared: 0 });
  });

  it("does not cache a failed listing: readers in flight share the failure, the next read lists again", async () => {
    const { lister, cache } = setup();
    const a = cache.list(zone);
    const b = cache.list(zone);
    const error = new Error("temporarily unavailable");
    lister.fail(0, error);
    await expect(a).rejects.toBe(error);
    await expect(b).rejects.toBe(error);
    await settle();

    const retry = cache.list(zone);
    expect(lister.calls).toHaveLength(2);
    const records = [record(1)];
    lister.answer(1, records);
    expect(await retry).toBe(records);
    expect(cache.counters).toEqual({ lists: 2, shared: 1 });
  });

  it("keeps the zones apart: other domains and the same domain in another organization", async () => {
    const { lister, cache } = setup();
    const zones: Zone[] = [
      { domain: "example.com" },
      { domain: "example.com", orgId: 1 },
      { domain: "example.com", orgId: 2 },
      { domain: "example.org", orgId: 1 },
    ];
    const reads = zones.map((z) => cache.list(z));
    expect(lister.calls.map((c) => c.zone)).toEqual(zones);
    zones.forEach((z, i) => lister.answer(i, [record(i, z.domain)]));
    const results = await Promise.all(reads);
    expect(results.map((r) => r[0]!.recordId)).toEqual([0, 1, 2, 3]);
    await settle();

    // Each zone answers from its own listing.
    const again = await Promise.all(zones.map((z) => cache.list(z)));
    expect(again.map((r) => r[0]!.recordId)).toEqual([0, 1, 2, 3]);
    expect(cache.counters).toEqual({ lists: 4, shared: 4 });

    // Invalidating one leaves the others.
    cache.invalidate({ domain: "example.com", orgId: 1 });
    for (const z of zones) void cache.list(z);
    expect(lister.calls.map((c) => c.zone)).toEqual([...zones, { domain: "example.com", orgId: 1 }]);
  });

  it("takes the domain in any letter case as one zone", async () => {
    const { lister, cache } = setup();
    const a = cache.list({ domain: "Example.COM", orgId: 5 });
    const b = cache.list({ domain: "example.com", orgId: 5 });
    expect(lister.calls).toHaveLength(1);
    lister.answer(0, [record(1)]);
    await Promise.all([a, b]);
    cache.invalidate({ domain: "EXAMPLE.com", orgId: 5 });
    void cache.list({ domain: "example.com", orgId: 5 });
    expect(lister.calls).toHaveLength(2);
  });

  it("counts each listing made and each read answered from a shared one", async () => {
    const { lister, clock, cache } = setup(100);
    expect(cache.counters).toEqual({ lists: 0, shared: 0 });
    const reads = Array.from({ length: 200 }, () => cache.list(zone));
    lister.answer(0, [record(1)]);
    await Promise.all(reads);
    expect(cache.counters).toEqual({ lists: 1, shared: 199 });
    clock.t += 101;
    void cache.list(zone);
    void cache.list(zone, { fresh: true });
    expect(cache.counters).toEqual({ lists: 3, shared: 199 });
  });
});

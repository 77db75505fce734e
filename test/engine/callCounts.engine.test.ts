import { benchBackend } from "../../bench/backends";
import type { BenchBackend } from "../../bench/backends";
import { engineDriver, runWorkload } from "../../bench/workload";
import type { PhaseMeasure, PhaseName } from "../../bench/workload";
import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import { getProgramFolder } from "../harness";
import type { ProviderHost, Props } from "../harness";
import { TOKEN, captureProgram, configuredHost, inputsOf } from "./support";

/**
 * Guards the API-call budget that `npm run bench` measures at scale (docs/performance.md): the exact
 * requests each phase sends the service when the engine drives a dozen records through the SDK's
 * provider host, 16 operations in flight, on each backend. Counts only, no timings, so it is stable
 * in CI.
 */
const DOMAIN = "example.com";
const N = 12;
const PARALLEL = 16;

/**
 * The emulator's Yandex 360 face serves at most this many DNS records a page here, so a listing
 * takes several pages: the 12 records and the domain's own MX, 2 NS and SPF TXT (Yandex 360 does not
 * list SOA) are 16 records, ⌈16 / 5⌉ = 4 pages, read in 5 requests (page 1 is read again last, so
 * concurrent deletes cannot make the walk skip a record).
 */
const Y360_MAX_PER_PAGE = 5;
const Y360_LISTED = N + 4;
const Y360_PAGES = 4;
const Y360_LIST_CALLS = Y360_PAGES + 1;

type Expected = Record<PhaseName, { calls: Record<string, number>; actions: Record<string, number> }>;

/** Per phase: the requests the service must see, and what the engine must conclude. */
function expected(backend: BenchBackend, listCalls: number): Expected {
  const { add, list, edit, del } = backend.labels;
  return {
    create: { calls: { [add]: N }, actions: { create: N } },
    // Check and Diff of an unchanged program never touch the service.
    preview: { calls: {}, actions: { same: N } },
    // Every Read of the domain shares one listing of the zone (on Yandex 360, one walk of its pages).
    refresh: { calls: { [list]: listCalls }, actions: { same: N } },
    // 10% of 12 rounds down to 1: one edit, in place; the rest are unchanged.
    update: { calls: { [edit]: 1 }, actions: { update: 1, same: N - 1 } },
    // The edit invalidated the shared listing, so the next refresh lists again, once.
    "refresh-2": { calls: { [list]: listCalls }, actions: { same: N } },
    delete: { calls: { [del]: N }, actions: { delete: N } },
  };
}

const CASES = [
  { name: "PDD", backend: benchBackend("pdd"), listCalls: 1, listed: undefined },
  {
    name: `Yandex 360 (${Y360_MAX_PER_PAGE} records a DNS page)`,
    backend: benchBackend("yandex360", Y360_MAX_PER_PAGE),
    listCalls: Y360_LIST_CALLS,
    listed: Y360_LISTED,
  },
];

describe.each(CASES)("API calls per phase through the SDK's provider host: $name", (c) => {
  const EXPECTED = expected(c.backend, c.listCalls);
  let emulator: PddEmulator;
  let host: ProviderHost;
  let template: Props;
  let phases: PhaseMeasure[];

  beforeAll(async () => {
    const cwd = getProgramFolder();
    emulator = await startEmulator({ ...c.backend.emulator, token: TOKEN, domains: [DOMAIN] });
    const resources = await captureProgram(
      cwd,
      `new pdd.PddDnsRecord("r0", { domain: "${DOMAIN}", type: "A", subdomain: "r0", content: "10.0.0.0", ttl: 3600 });`,
      { "pdd:token": TOKEN },
    );
    template = inputsOf(resources, "r0");
    host = await configuredHost(cwd, emulator.url, { config: c.backend.config });
    const seeded = emulator.records(DOMAIN).length;
    ({ phases } = await runWorkload(engineDriver(host), template, {
      emulator,
      backend: c.backend,
      domain: DOMAIN,
      n: N,
      parallel: PARALLEL,
    }));
    // The run leaves the zone as it found it.
    expect(emulator.records(DOMAIN)).toHaveLength(seeded);
  });

  afterAll(async () => {
    await host?.close();
    await emulator?.close();
  });

  const phase = (name: PhaseName): PhaseMeasure => {
    const found = phases.find((p) => p.phase === name);
    if (!found) throw new Error(`phase ${name} did not run`);
    return found;
  };

  it.each(Object.keys(EXPECTED) as PhaseName[])("%s: exactly the ideal API calls", (name) => {
    const measured = phase(name);
    expect({ calls: measured.calls, actions: measured.actions }).toEqual(EXPECTED[name]);
    expect(measured.totalCalls).toBe(Object.values(EXPECTED[name].calls).reduce((a, b) => a + b, 0));
    // The bench's own ideal agrees with the counts written out above.
    expect(measured.ideal).toEqual(EXPECTED[name].calls);
  });

  if (c.listed !== undefined) {
    it("a refresh lists the whole zone, page by page", () => {
      expect(phase("refresh").listed).toBe(c.listed);
      expect(phase("refresh-2").listed).toBe(c.listed);
    });
  }

  it("reuses keep-alive connections: at most one per request in flight, over the whole run", () => {
    const opened = phases.reduce((sum, p) => sum + p.connections, 0);
    expect(opened).toBeGreaterThan(0);
    // The edit, the deletes and both listings go over the sockets the creates opened.
    expect(opened).toBeLessThanOrEqual(PARALLEL);
  });
});

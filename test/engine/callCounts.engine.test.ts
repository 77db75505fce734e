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
 * provider host, 16 operations in flight. Counts only, no timings, so it is stable in CI.
 */
const DOMAIN = "example.com";
const N = 12;
const PARALLEL = 16;

/** Per phase: the requests the service must see, and what the engine must conclude. */
const EXPECTED: Record<PhaseName, { calls: Record<string, number>; actions: Record<string, number> }> = {
  create: { calls: { "dns/add": N }, actions: { create: N } },
  // Check and Diff of an unchanged program never touch the service.
  preview: { calls: {}, actions: { same: N } },
  // Every Read of the domain shares one zone listing.
  refresh: { calls: { "dns/list": 1 }, actions: { same: N } },
  // 10% of 12 rounds down to 1: one edit, in place; the rest are unchanged.
  update: { calls: { "dns/edit": 1 }, actions: { update: 1, same: N - 1 } },
  // The edit invalidated the shared listing, so the next refresh lists again, once.
  "refresh-2": { calls: { "dns/list": 1 }, actions: { same: N } },
  delete: { calls: { "dns/del": N }, actions: { delete: N } },
};

describe("API calls per phase through the SDK's provider host", () => {
  let emulator: PddEmulator;
  let host: ProviderHost;
  let template: Props;
  let phases: PhaseMeasure[];

  beforeAll(async () => {
    const cwd = getProgramFolder();
    emulator = await startEmulator({ token: TOKEN, domains: [DOMAIN] });
    const resources = await captureProgram(
      cwd,
      `new pdd.PddDnsRecord("r0", { domain: "${DOMAIN}", type: "A", subdomain: "r0", content: "10.0.0.0", ttl: 3600 });`,
      { "pdd:token": TOKEN },
    );
    template = inputsOf(resources, "r0");
    host = await configuredHost(cwd, emulator.url);
    const seeded = emulator.records(DOMAIN).length;
    ({ phases } = await runWorkload(engineDriver(host), template, {
      emulator,
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
  });

  it("reuses keep-alive connections: at most one per request in flight, over the whole run", () => {
    const opened = phases.reduce((sum, p) => sum + p.connections, 0);
    expect(opened).toBeGreaterThan(0);
    // The edit, the deletes and both listings go over the sockets the creates opened.
    expect(opened).toBeLessThanOrEqual(PARALLEL);
  });
});

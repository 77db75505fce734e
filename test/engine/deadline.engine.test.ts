/**
 * `pdd:operationTimeoutMs`: against an endpoint that accepts connections and never answers, every
 * provider operation ends at its overall deadline, whatever the per-request timeout, with a message
 * that names the endpoint, the elapsed time and the setting. The elapsed times are printed with
 * PDD_TEST_VERBOSE=1; the assertion is only that each operation ended, within the deadline plus a
 * wide margin.
 */
import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import { engineCreate, engineDelete, engineRefresh, engineUpdate, getProgramFolder, urn } from "../harness";
import type { CapturedResource, ProviderHost, Props, ResourceState } from "../harness";
import { note } from "../helpers/note";
import { DNS_TYPE, TOKEN, captureProgram, configuredHost, inputsOf } from "./support";

const DEADLINE_MS = 1500;
/** Generous: the host, the emulator and jest share two cores. */
const MARGIN_MS = 4000;
const ORG = 1234567;

const PROGRAM = `
new pdd.PddDnsRecord("www", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.10" });
new pdd.PddDnsRecord("www-changed", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.11" });
`;

describe.each([
  ["pdd", {}],
  ["yandex360", { "pdd:api": "yandex360", "pdd:orgId": String(ORG) }],
] as const)("operation deadline on %s", (api, apiConfig) => {
  let emulator: PddEmulator;
  let host: ProviderHost;
  let resources: Map<string, CapturedResource>;
  let state: ResourceState;
  const timings: string[] = [];

  beforeAll(async () => {
    const cwd = getProgramFolder();
    emulator = await startEmulator({ token: TOKEN, orgIds: [ORG] });
    resources = await captureProgram(cwd, PROGRAM, { "pdd:token": TOKEN });
    host = await configuredHost(cwd, emulator.url, {
      config: {
        ...apiConfig,
        "pdd:requestTimeoutMs": "60000",
        "pdd:operationTimeoutMs": String(DEADLINE_MS),
      },
    });
    state = await engineCreate(host, urn(DNS_TYPE, "www"), inputsOf(resources, "www"));
    // From here every request hangs far longer than the deadline and the per-request timeout allows.
    emulator.setFaults({ rate: 1, kinds: { hang: 1 }, hangMs: 120_000, seed: 3 });
  });

  afterAll(async () => {
    note(`[deadline ${api}] ${timings.join(", ")}`);
    await host?.close();
    await emulator?.close();
  });

  const bounded = async (name: string, operation: () => Promise<unknown>) => {
    const started = Date.now();
    const failure = await operation().then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    timings.push(`${name} ${elapsed} ms`);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain("pdd:operationTimeoutMs");
    expect(message).toContain(emulator.url);
    expect(message).toMatch(/\d+ ms elapsed/);
    expect(message).not.toContain(TOKEN);
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  };

  it("a create ends at the deadline", async () => {
    await bounded("create", () =>
      engineCreate(host, urn(DNS_TYPE, "www2"), { ...inputsOf(resources, "www"), subdomain: "www2" }),
    );
  });

  it("an update ends at the deadline", async () => {
    await bounded("update", () => engineUpdate(host, state, inputsOf(resources, "www-changed") as Props));
  });

  it("a refresh ends at the deadline", async () => {
    await bounded("refresh", () => engineRefresh(host, state));
  });

  it("a delete ends at the deadline", async () => {
    await bounded("delete", () => engineDelete(host, state));
  });
});

describe("timeouts are validated at preview", () => {
  it.each(["pdd:requestTimeoutMs", "pdd:operationTimeoutMs"])(
    "a bad %s fails Check, naming the setting, before any request",
    async (setting) => {
      const cwd = getProgramFolder();
      const emulator = await startEmulator({ token: TOKEN });
      const resources = await captureProgram(cwd, PROGRAM, { "pdd:token": TOKEN });
      const host = await configuredHost(cwd, emulator.url, { config: { [setting]: "abc" } });
      try {
        const failure = await host.check(urn(DNS_TYPE, "www"), {}, inputsOf(resources, "www")).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(Error);
        expect((failure as Error).message).toContain(setting);
        expect((failure as Error).message).toContain('"abc"');
        expect(emulator.stats().requests.total).toBe(0);
      } finally {
        await host.close();
        await emulator.close();
      }
    },
  );
});

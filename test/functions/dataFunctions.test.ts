/**
 * getPddDomains and getPddDkim run in the program's process; these tests run them against the
 * emulator over real HTTP, configured through the environment as a CI job would configure them.
 */
import * as pulumi from "@pulumi/pulumi";
import { Yandex360ApiError } from "../../src/client/errors";
import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import { dkimRecordValue, getPddDkim, getPddDkimOutput } from "../../src/functions/getPddDkim";
import { getPddDomains, getPddDomainsOutput } from "../../src/functions/getPddDomains";
import { FUNCTION_TOKENS, configuredApi } from "../../src/functions/support";

const TOKEN = "functions-token-3f9a";
const ORG = 1234567;
const OTHER_ORG = 7654321;
const SETTINGS = ["PDD_TOKEN", "PDD_ENDPOINT", "PDD_API", "YANDEX360_ORG_ID", "YANDEX360_OAUTH_TOKEN"];

const domainNames = (n: number, suffix = "example") =>
  Array.from({ length: n }, (_, i) => `d${String(i).padStart(2, "0")}.${suffix}`);

let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(SETTINGS.map((k) => [k, process.env[k]]));
  for (const k of SETTINGS) delete process.env[k];
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

function configure(emulator: PddEmulator, env: Record<string, string>): void {
  Object.assign(process.env, { PDD_TOKEN: TOKEN, PDD_ENDPOINT: emulator.url, ...env });
}

describe("getPddDomains", () => {
  it.each([0, 1, 20, 21, 45])("walks every PDD page for %i domains: ceil(n / 20) calls", async (n) => {
    const emulator = await startEmulator({
      token: TOKEN,
      domains: domainNames(n),
      seedDefaultRecords: false,
    });
    try {
      configure(emulator, {});
      const result = await getPddDomains();
      expect(result.total).toBe(n);
      expect(result.domains.map((d) => d.name).sort()).toEqual(domainNames(n));
      expect(result.orgId).toBeUndefined();
      if (n > 0) expect(result.domains[0]).toEqual(expect.objectContaining({ status: "added", aliases: [] }));
      expect(result.domains.every((d) => d.verified === undefined)).toBe(true);
      expect(emulator.stats().requests.byEndpoint["domain/domains"]).toBe(Math.max(1, Math.ceil(n / 20)));
    } finally {
      await emulator.close();
    }
  });

  it.each([0, 1, 10, 11, 45])("walks every Yandex 360 page for %i domains: ceil(n / 10) calls", async (n) => {
    const emulator = await startEmulator({
      token: TOKEN,
      orgIds: [ORG],
      domains: domainNames(n),
      seedDefaultRecords: false,
    });
    try {
      configure(emulator, { YANDEX360_ORG_ID: String(ORG) });
      const result = await getPddDomains();
      expect(result.total).toBe(n);
      expect(result.orgId).toBe(ORG);
      expect(result.domains.map((d) => d.name).sort()).toEqual(domainNames(n));
      for (const d of result.domains) {
        expect(typeof d.verified).toBe("boolean");
        expect(typeof d.master).toBe("boolean");
        // PDD-only fields are absent on Yandex 360.
        expect(d.status).toBeUndefined();
        expect(d.aliases).toBeUndefined();
      }
      expect(emulator.stats().requests.byEndpoint["y360/domains/list"]).toBe(Math.max(1, Math.ceil(n / 10)));
      expect(emulator.stats().requests.byEndpoint["domain/domains"] ?? 0).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it("lists another organization through orgId, names every organization when it cannot choose, refuses orgId on PDD", async () => {
    const emulator = await startEmulator({
      token: TOKEN,
      orgIds: [ORG, OTHER_ORG],
      domains: ["main.example", { name: "other.example", orgId: OTHER_ORG }],
    });
    try {
      configure(emulator, { YANDEX360_ORG_ID: String(ORG) });
      expect((await getPddDomains()).domains.map((d) => d.name)).toEqual(["main.example"]);
      const other = await getPddDomains({ orgId: OTHER_ORG });
      expect(other).toEqual(expect.objectContaining({ orgId: OTHER_ORG, total: 1 }));
      expect(other.domains.map((d) => d.name)).toEqual(["other.example"]);

      delete process.env.YANDEX360_ORG_ID;
      process.env.PDD_API = "yandex360";
      const ambiguous = (await getPddDomains().catch((e: Error) => e)) as Error;
      expect(ambiguous.message).toMatch(/^getPddDomains: .*2 organizations/);
      expect(ambiguous.message).toContain(String(OTHER_ORG));
      expect(ambiguous.message).toContain("pdd:orgId");

      process.env.PDD_API = "pdd";
      const onPdd = (await getPddDomains({ orgId: ORG }).catch((e: Error) => e)) as Error;
      expect(onPdd.message).toContain("orgId applies only to the Yandex 360 backend");
    } finally {
      await emulator.close();
    }
  });

  it("refuses a Yandex 360 page size over 10 before any request", async () => {
    const emulator = await startEmulator({ token: TOKEN, orgIds: [ORG] });
    try {
      configure(emulator, { YANDEX360_ORG_ID: String(ORG) });
      const err = (await getPddDomains({ pageSize: 11 }).catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/pageSize must be a whole number from 1 to 10/);
      expect(emulator.stats().requests.total).toBe(0);
    } finally {
      await emulator.close();
    }
  });
});

describe("getPddDkim", () => {
  it("splits a bare key or a whole DKIM value into the key and the TXT value", () => {
    expect(dkimRecordValue("MIGfMA0 GCSq")).toEqual({
      publicKey: "MIGfMA0GCSq",
      recordValue: "v=DKIM1; k=rsa; t=s; p=MIGfMA0GCSq",
    });
    expect(dkimRecordValue("v=DKIM1; k=rsa; p=MIGfAB")).toEqual({
      publicKey: "MIGfAB",
      recordValue: "v=DKIM1; k=rsa; p=MIGfAB",
    });
    expect(dkimRecordValue("")).toEqual({ publicKey: "", recordValue: "" });
  });

  it("returns the key the service holds, as the TXT record that publishes it", async () => {
    const emulator = await startEmulator({ token: TOKEN, orgIds: [ORG], domains: ["example.com"] });
    try {
      configure(emulator, { YANDEX360_ORG_ID: String(ORG) });
      const served = (await (
        await fetch(`${emulator.url}/directory/v1/org/${ORG}/domains/example.com/dkim`, {
          headers: { Authorization: `OAuth ${TOKEN}` },
        })
      ).json()) as { enabled: boolean; publicKey: string };
      const dkim = await getPddDkim({ domain: "Example.COM" });
      expect(dkim).toEqual({
        domain: "example.com",
        enabled: served.enabled,
        publicKey: served.publicKey,
        selector: "mail",
        recordName: "mail._domainkey",
        recordValue: `v=DKIM1; k=rsa; t=s; p=${served.publicKey}`,
      });
      expect(served.publicKey.length).toBeGreaterThan(100);
      expect(emulator.stats().requests.byEndpoint["y360/dkim"]).toBe(2);
    } finally {
      await emulator.close();
    }
  });

  it("fails clearly on PDD, for a bad domain, and for a domain outside the organization", async () => {
    const emulator = await startEmulator({ token: TOKEN, orgIds: [ORG], domains: ["example.com"] });
    try {
      configure(emulator, {});
      const onPdd = (await getPddDkim({ domain: "example.com" }).catch((e: Error) => e)) as Error;
      expect(onPdd.message).toMatch(/^getPddDkim: .*pdd:api/);
      process.env.YANDEX360_ORG_ID = String(ORG);
      const bad = (await getPddDkim({ domain: "not a domain" }).catch((e: Error) => e)) as Error;
      expect(bad.message).toContain("domain must be a domain name");
      const missing = (await getPddDkim({ domain: "missing.example" }).catch((e: Error) => e)) as Error;
      expect(missing.message).toContain("missing.example");
      // The package's typed error, named after the function.
      expect(missing).toBeInstanceOf(Yandex360ApiError);
      expect((missing as Yandex360ApiError).code).toBe("not_found");
      expect(missing.message).toMatch(/^getPddDkim: /);
      expect(missing.message).not.toContain(TOKEN);
    } finally {
      await emulator.close();
    }
  });
});

describe("under Pulumi's mocks", () => {
  const calls: { token: string; inputs: Record<string, unknown>; afterCreate: boolean }[] = [];
  let created = false;

  beforeAll(async () => {
    pulumi.runtime.setAllConfig({ "pdd:api": "yandex360", "pdd:orgId": String(ORG), "pdd:token": TOKEN });
    await pulumi.runtime.setMocks({
      newResource: async (args) => {
        await new Promise((r) => setTimeout(r, 50));
        created = true;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      // The documented way to unit-test a program: answer the functions' tokens with canned results.
      call: (args) => {
        calls.push({ token: args.token, inputs: args.inputs, afterCreate: created });
        if (args.token === FUNCTION_TOKENS.getPddDkim) {
          return {
            domain: args.inputs.domain,
            enabled: true,
            publicKey: "KEY",
            selector: "mail",
            recordName: "mail._domainkey",
            recordValue: "v=DKIM1; k=rsa; t=s; p=KEY",
          };
        }
        return { total: 1, domains: [{ name: "example.com" }] };
      },
    });
  });

  afterAll(() => pulumi.runtime.setAllConfig({}));

  const resolve = <T>(output: pulumi.Output<T>) =>
    new Promise<T>((done) => output.apply((v) => (done(v), v)));

  it("answers the functions from the mocks' call, with no network, and reads the stack config", async () => {
    expect(configuredApi()).toBe("yandex360");
    expect(await resolve(getPddDkimOutput({ domain: pulumi.output("example.com") }).recordValue)).toBe(
      "v=DKIM1; k=rsa; t=s; p=KEY",
    );
    expect((await getPddDomains({ orgId: 5 })).domains).toEqual([{ name: "example.com" }]);
    expect(calls.map((c) => [c.token, c.inputs])).toEqual([
      [FUNCTION_TOKENS.getPddDkim, { domain: "example.com" }],
      [FUNCTION_TOKENS.getPddDomains, { orgId: 5 }],
    ]);
  });

  it("the Output variants wait for dependsOn", async () => {
    calls.length = 0;
    class Zone extends pulumi.CustomResource {
      constructor(name: string) {
        super("test:index:Zone", name, {});
      }
    }
    const zone = new Zone("zone");
    const domains = getPddDomainsOutput({}, { dependsOn: [zone] });
    expect((await resolve(domains)).total).toBe(1);
    expect(calls).toEqual([
      expect.objectContaining({ token: FUNCTION_TOKENS.getPddDomains, afterCreate: true }),
    ]);
  });
});

import { PddClient } from "../../src/client";
import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import {
  engineCreate,
  engineDelete,
  engineRefresh,
  engineUpdate,
  getProgramFolder,
  repoRoot,
  urn,
} from "../harness";
import type { CapturedResource, ProviderHost, Props, ResourceState } from "../harness";
import {
  DNS_TYPE,
  TOKEN,
  captureProgram,
  configuredHost,
  inputsOf,
  withoutProvider,
  expectTokenAbsent,
} from "./support";

const DOMAIN = "example.com";

/** Per record type: the first program, an in-place change, and a type change (replace). */
const CASES: Record<string, { initial: Props; changed: Props }> = {
  A: {
    initial: { subdomain: "www", content: "203.0.113.10", ttl: 3600 },
    changed: { content: "203.0.113.11", ttl: 600 },
  },
  AAAA: {
    initial: { subdomain: "v6", content: "2001:db8::10" },
    changed: { content: "2001:db8::11", ttl: 900 },
  },
  CNAME: {
    initial: { subdomain: "docs", content: "docs.example.net" },
    changed: { content: "pages.example.net." },
  },
  MX: { initial: { content: "mx2.example.net", priority: 20 }, changed: { priority: 30, subdomain: "mail" } },
  NS: {
    initial: { subdomain: "delegated", content: "ns1.example.net" },
    changed: { content: "ns2.example.net" },
  },
  TXT: {
    initial: { subdomain: "_dmarc", content: "v=DMARC1; p=none" },
    changed: { content: "v=DMARC1; p=reject" },
  },
  SRV: {
    initial: { subdomain: "_sip._tcp", target: "sip.example.net", priority: 10, weight: 5, port: 5060 },
    changed: { port: 5061, weight: 7 },
  },
  SOA: {
    // The service seeds every domain with an SOA; a program takes it over rather than adding another.
    initial: {
      content: "dns1.yandex.net",
      adminMail: "hostmaster@example.com",
      refresh: 7200,
      adoptExisting: true,
    },
    changed: { refresh: 3600, expire: 604800 },
  },
};

/** What the outputs hold after the in-place change: normalized as the service stores it. */
const EXPECTED_CHANGES: Record<string, Props> = {
  A: { content: "203.0.113.11", ttl: 600 },
  AAAA: { content: "2001:db8::11", ttl: 900 },
  CNAME: { content: "pages.example.net." },
  MX: { priority: 30, subdomain: "mail", fqdn: "mail.example.com" },
  NS: { content: "ns2.example.net." },
  TXT: { content: "v=DMARC1; p=reject" },
  SRV: { port: 5061, weight: 7, target: "sip.example.net." },
  SOA: { refresh: 3600, expire: 604800, adminMail: "hostmaster@example.com" },
};

/** A record of another type, for the replace step. */
function replacementFor(type: string): Props {
  return type === "TXT"
    ? { domain: DOMAIN, type: "A", subdomain: "replaced", content: "192.0.2.99" }
    : { domain: DOMAIN, type: "TXT", subdomain: "replaced", content: `was-${type}` };
}

function programFor(cases: typeof CASES): string {
  const lines: string[] = [];
  for (const [type, { initial, changed }] of Object.entries(cases)) {
    const base = { domain: DOMAIN, type, ...initial };
    lines.push(`new pdd.PddDnsRecord(${JSON.stringify(`${type}-initial`)}, ${JSON.stringify(base)});`);
    lines.push(
      `new pdd.PddDnsRecord(${JSON.stringify(`${type}-changed`)}, ${JSON.stringify({ ...base, ...changed })});`,
    );
    lines.push(
      `new pdd.PddDnsRecord(${JSON.stringify(`${type}-replaced`)}, ${JSON.stringify(replacementFor(type))});`,
    );
  }
  return lines.join("\n");
}

const NORMALIZATION_PROGRAM = `
const base = { domain: "example.com", type: "A", content: "203.0.113.50" };
new pdd.PddDnsRecord("norm", { ...base, subdomain: "Norm.Example.COM." });
new pdd.PddDnsRecord("norm-relative", { ...base, subdomain: "norm" });
new pdd.PddDnsRecord("norm-fqdn-nodot", { ...base, subdomain: "norm.example.com" });
new pdd.PddDnsRecord("norm-upper-domain", { ...base, domain: "EXAMPLE.com.", subdomain: "NORM" });
new pdd.PddDnsRecord("norm-adopt", { ...base, subdomain: "norm", adoptExisting: true });
new pdd.PddDnsRecord("v6", { domain: "example.com", type: "AAAA", subdomain: "six", content: "2001:DB8:0:0::50" });
new pdd.PddDnsRecord("v6-short", { domain: "example.com", type: "AAAA", subdomain: "six", content: "2001:db8::50" });
new pdd.PddDnsRecord("alias", { domain: "example.com", type: "CNAME", subdomain: "alias", content: "Target.Example.NET" });
new pdd.PddDnsRecord("alias-dot", { domain: "example.com", type: "CNAME", subdomain: "ALIAS.example.com.", content: "target.example.net." });
new pdd.PddDnsRecord("spf", { domain: "example.com", type: "TXT", subdomain: "@", content: "v=spf1 include:_spf.example.net ~all" });
new pdd.PddDnsRecord("spf-apex-name", { domain: "example.com", type: "TXT", subdomain: "example.com", content: "v=spf1 include:_spf.example.net ~all", priority: "" });
new pdd.PddDnsRecord("dup-a", { domain: "example.com", type: "TXT", subdomain: "_dup", content: "dup-value" });
new pdd.PddDnsRecord("dup-b", { domain: "example.com", type: "TXT", subdomain: "_dup", content: "dup-value", ttl: 900 });
new pdd.PddDnsRecord("dup-b-adopt", { domain: "example.com", type: "TXT", subdomain: "_dup", content: "dup-value", ttl: 900, adoptExisting: true });
new pdd.PddDnsRecord("lost", { domain: "example.com", type: "TXT", subdomain: "lost", content: "lost-response" });
new pdd.PddDnsRecord("truncated", { domain: "example.com", type: "TXT", subdomain: "cut", content: "truncated-response" });
new pdd.PddDnsRecord("bulk", { domain: "example.com", type: "TXT", subdomain: "bulk", content: "bulk-0" });
`;

describe("PddDnsRecord through the SDK's provider host (program folder with the packed package)", () => {
  let emulator: PddEmulator;
  let host: ProviderHost;
  let client: PddClient;
  let cwd: string;
  let resources: Map<string, CapturedResource>;
  const errors: string[] = [];
  const states: Props[] = [];

  const rawRecords = () => emulator.records(DOMAIN);
  const recordIds = () => rawRecords().map((r) => Number(r.record_id));
  const news = (name: string) => inputsOf(resources, name);
  const create = async (name: string, inputs = news(name)) => {
    const state = await engineCreate(host, urn(DNS_TYPE, name), inputs);
    states.push(state.outputs);
    return state;
  };

  beforeAll(async () => {
    cwd = getProgramFolder();
    emulator = await startEmulator({ token: TOKEN, domains: [DOMAIN, "example.org"] });
    client = new PddClient({ token: TOKEN, endpoint: emulator.url });
    resources = await captureProgram(cwd, programFor(CASES) + NORMALIZATION_PROGRAM, { "pdd:token": TOKEN });
    host = await configuredHost(cwd, emulator.url);
  });

  afterAll(async () => {
    await host?.close();
    await client?.close();
    await emulator?.close();
  });

  it("captures a small, identical __provider for every record, without the token", () => {
    const providers = new Set([...resources.values()].map((r) => String(r.inputs.__provider)));
    expect(providers.size).toBe(1);
    const [provider] = [...providers];
    expect(Buffer.byteLength(provider!)).toBeLessThanOrEqual(3 * 1024);
    expect(provider).not.toContain(TOKEN);
    expect([...resources.values()].every((r) => r.type === DNS_TYPE)).toBe(true);
  });

  describe.each(Object.keys(CASES))("%s record", (type) => {
    it("create → read → no diff → in-place update keeps recordId → type change replaces → delete twice", async () => {
      const created = await create(`${type}-initial`);
      const recordId = created.outputs.recordId as number;
      expect(created.id).toBe(`${DOMAIN}/${recordId}`);
      expect(typeof created.outputs.fqdn).toBe("string");
      expect(recordIds()).toContain(recordId);
      const raw = rawRecords().find((r) => Number(r.record_id) === recordId)!;
      expect(raw.type).toBe(type);

      const refreshed = (await engineRefresh(host, created)) as ResourceState;
      expect(refreshed).toBeDefined();
      expect(withoutProvider(refreshed.outputs)).toEqual(withoutProvider(created.outputs));

      const same = await engineUpdate(host, refreshed, news(`${type}-initial`));
      expect(same.action).toBe("same");

      const updated = await engineUpdate(host, same.state, news(`${type}-changed`));
      expect(updated.action).toBe("update");
      expect(updated.state.outputs.recordId).toBe(recordId);
      const after = rawRecords().find((r) => Number(r.record_id) === recordId)!;
      // The service now holds the changed values, as the outputs report them.
      const changedOutputs = withoutProvider(updated.state.outputs);
      expect(changedOutputs).toEqual(expect.objectContaining(EXPECTED_CHANGES[type]));
      if ("content" in EXPECTED_CHANGES[type]!) expect(after.content).toBe(EXPECTED_CHANGES[type]!.content);
      // Running the changed program again is no change.
      expect((await engineUpdate(host, updated.state, news(`${type}-changed`))).action).toBe("same");

      const replaced = await engineUpdate(host, updated.state, news(`${type}-replaced`));
      expect(replaced.action).toBe("replace");
      expect(replaced.diff.replaces).toEqual(["type"]);
      const newId = replaced.state.outputs.recordId as number;
      expect(newId).not.toBe(recordId);
      expect(recordIds()).not.toContain(recordId);
      expect(recordIds()).toContain(newId);

      await engineDelete(host, replaced.state);
      expect(recordIds()).not.toContain(newId);
      await expect(engineDelete(host, replaced.state)).resolves.toBeUndefined();
    });

    it("reports a record deleted out of band as gone, so refresh drops it", async () => {
      const created = await create(`${type}-initial`);
      await client.deleteRecord(DOMAIN, created.outputs.recordId as number);
      await new Promise((r) => setTimeout(r, 2100)); // past the shared-list window
      expect(await engineRefresh(host, created)).toBeUndefined();
      await expect(engineDelete(host, created)).resolves.toBeUndefined();
    });
  });

  it("treats spelling-only differences as no change", async () => {
    const norm = await create("norm");
    expect(norm.outputs.subdomain).toBe("norm");
    expect(norm.outputs.fqdn).toBe("norm.example.com");
    for (const variant of ["norm-relative", "norm-fqdn-nodot", "norm-upper-domain", "norm-adopt"]) {
      expect([variant, (await engineUpdate(host, norm, news(variant))).action]).toEqual([variant, "same"]);
    }
    const v6 = await create("v6");
    expect(v6.outputs.content).toBe("2001:db8::50");
    expect((await engineUpdate(host, v6, news("v6-short"))).action).toBe("same");
    const alias = await create("alias");
    expect(alias.outputs.content).toBe("target.example.net.");
    expect((await engineUpdate(host, alias, news("alias-dot"))).action).toBe("same");
    const spf = await create("spf");
    expect((await engineUpdate(host, spf, news("spf-apex-name"))).action).toBe("same");
    for (const state of [norm, v6, alias, spf]) await engineDelete(host, state);
  });

  it("refuses a duplicate without adoptExisting, naming it and the existing record; adopts with it", async () => {
    const first = await create("dup-a");
    const before = rawRecords().length;
    const failure = await engineCreate(host, urn(DNS_TYPE, "dup-b"), news("dup-b")).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    errors.push(message);
    expect(message).toContain("adoptExisting");
    expect(message).toContain(String(first.outputs.recordId));
    expect(rawRecords().length).toBe(before);

    const adopted = await create("dup-b-adopt");
    expect(adopted.outputs.recordId).toBe(first.outputs.recordId);
    expect(adopted.outputs.ttl).toBe(900);
    expect(rawRecords().filter((r) => r.content === "dup-value")).toHaveLength(1);
    await engineDelete(host, adopted);
  });

  it.each([
    ["lost", "lost_response", "lost-response"],
    ["truncated", "truncated", "truncated-response"],
  ] as const)(
    "a %s add response leaves exactly one record, recorded in state",
    async (name, kind, content) => {
      emulator.resetStats();
      emulator.setFaults({ rate: 1, kinds: { [kind]: 1 }, endpoints: ["dns/add"], seed: 7 });
      try {
        const state = await create(name);
        const matching = rawRecords().filter((r) => r.content === content);
        expect(matching).toHaveLength(1);
        expect(Number(matching[0]!.record_id)).toBe(state.outputs.recordId);
        const stats = emulator.stats();
        expect(stats.requests.byEndpoint["dns/add"]).toBe(1);
        expect(stats.faults[kind]).toBe(1);
        emulator.setFaults(undefined);
        await engineDelete(host, state);
        expect(rawRecords().filter((r) => r.content === content)).toHaveLength(0);
      } finally {
        emulator.setFaults(undefined);
      }
    },
  );

  it("refreshing many records of one domain shares one dns/list", async () => {
    const template = news("bulk");
    const created: ResourceState[] = [];
    for (let i = 0; i < 24; i++) {
      created.push(
        await engineCreate(host, urn(DNS_TYPE, `bulk-${i}`), { ...template, content: `bulk-${i}` }),
      );
    }
    const fresh = await configuredHost(cwd, emulator.url);
    try {
      emulator.resetStats();
      const queue = [...created];
      const refreshed: (ResourceState | undefined)[] = [];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let s = queue.shift(); s; s = queue.shift()) refreshed.push(await engineRefresh(fresh, s));
        }),
      );
      expect(refreshed.filter(Boolean)).toHaveLength(24);
      expect(emulator.stats().requests.byEndpoint["dns/list"]).toBe(1);
      emulator.resetStats();
      await Promise.all(created.map((s) => engineDelete(fresh, s)));
      expect(emulator.stats().requests.byEndpoint["dns/del"]).toBe(24);
      expect(emulator.stats().requests.byEndpoint["dns/list"] ?? 0).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("reads an existing record by id alone, as PddDnsRecord.get does", async () => {
    const state = await create("spf");
    const got = await host.read(state.id, urn(DNS_TYPE, "got"), { __provider: news("spf").__provider });
    expect(got.id).toBe(state.id);
    expect(withoutProvider(got.properties)).toEqual(withoutProvider(state.outputs));
    await engineDelete(host, state);
    const bad = await host
      .read("not-an-id", urn(DNS_TYPE, "got"), { __provider: news("spf").__provider })
      .catch((e: Error) => e);
    expect((bad as Error).message).toContain("<domain>/<recordId>");
  });

  it("a wrong token fails with a message naming the setting, never the token", async () => {
    const wrong = "wrong-token-0f8e2b";
    const bad = await configuredHost(cwd, emulator.url, { token: wrong });
    try {
      const failure = (await engineCreate(bad, urn(DNS_TYPE, "A-initial"), news("A-initial")).catch(
        (e: Error) => e,
      )) as Error;
      expect(failure).toBeInstanceOf(Error);
      expect(failure.message).toMatch(/pdd:token/);
      expect(failure.message).toMatch(/PDD_TOKEN/);
      expect(failure.message).not.toContain(wrong);
      expect(bad.logs().join("\n")).not.toContain(wrong);
      errors.push(failure.message);
    } finally {
      await bad.close();
    }
  });

  it("refuses an http endpoint that is not loopback, before any request", async () => {
    const remote = await configuredHost(cwd, "http://pdd.example.com");
    try {
      emulator.resetStats();
      const failure = (await remote
        .check(urn(DNS_TYPE, "x"), {}, news("A-initial"))
        .catch((e: Error) => e)) as Error;
      expect(failure).toBeInstanceOf(Error);
      expect(failure.message).toMatch(/https/i);
      expect(failure.message).toContain("pdd.example.com");
      expect(emulator.stats().requests.total).toBe(0);
      errors.push(failure.message);
    } finally {
      await remote.close();
    }
  });

  it("works from PDD_TOKEN and PDD_ENDPOINT alone, without stack config", async () => {
    const envHost = await configuredHost(cwd, undefined, {
      token: "",
      env: { PDD_TOKEN: TOKEN, PDD_ENDPOINT: emulator.url },
    });
    try {
      const state = await engineCreate(envHost, urn(DNS_TYPE, "TXT-initial"), news("TXT-initial"));
      expect(recordIds()).toContain(state.outputs.recordId);
      await engineDelete(envHost, state);
      expect(recordIds()).not.toContain(state.outputs.recordId);
    } finally {
      await envHost.close();
    }
  });

  it("never lets the token into __provider, outputs, errors or the host's logs", () => {
    expectTokenAbsent(host, { states, errors, resources });
    expect(states.length).toBeGreaterThan(10);
  });
});

describe("PddDnsRecord with the provider host at the repository root (the root Pulumi.yaml case)", () => {
  it("creates, reads and deletes a record", async () => {
    const emulator = await startEmulator({ token: TOKEN, domains: [DOMAIN] });
    const resources = await captureProgram(
      repoRoot,
      `new pdd.PddDnsRecord("root", { domain: "example.com", type: "A", subdomain: "root", content: "198.51.100.7" });`,
    );
    const host = await configuredHost(repoRoot, emulator.url);
    try {
      const provider = String(inputsOf(resources, "root").__provider);
      expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(3 * 1024);
      const state = await engineCreate(host, urn(DNS_TYPE, "root"), inputsOf(resources, "root"));
      expect(emulator.records(DOMAIN).some((r) => r.content === "198.51.100.7")).toBe(true);
      const read = await engineRefresh(host, state);
      expect(withoutProvider(read?.outputs)).toEqual(withoutProvider(state.outputs));
      await engineDelete(host, state);
      expect(emulator.records(DOMAIN).some((r) => r.content === "198.51.100.7")).toBe(false);
    } finally {
      await host.close();
      await emulator.close();
    }
  });
});

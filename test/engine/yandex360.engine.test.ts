import { Yandex360Client } from "../../src/client";
import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import { engineCreate, engineDelete, engineRefresh, engineUpdate, getProgramFolder, urn } from "../harness";
import type { CapturedResource, ProviderHost, Props, ResourceState } from "../harness";
import {
  DNS_TYPE,
  IMPORT_CHECK_TYPE,
  LOGO_TYPE,
  TOKEN,
  captureProgram,
  configuredHost,
  expectTokenAbsent,
  inputsOf,
  withoutProvider,
} from "./support";

const DOMAIN = "example.com";
const ORG = 1234567;
const OTHER_ORG = 7654321;
const OTHER_DOMAIN = "second.example";

/** Per record type on Yandex 360: the first program and an in-place change (a replacement for CAA). */
const CASES: Record<string, { initial: Props; changed: Props; expected: Props }> = {
  A: {
    initial: { subdomain: "www", content: "203.0.113.10", ttl: 3600 },
    changed: { content: "203.0.113.11", ttl: 600 },
    expected: { content: "203.0.113.11", ttl: 600 },
  },
  AAAA: {
    initial: { subdomain: "v6", content: "2001:DB8:0:0::10" },
    changed: { content: "2001:db8::11", ttl: 900 },
    expected: { content: "2001:db8::11", ttl: 900 },
  },
  CNAME: {
    initial: { subdomain: "docs", content: "docs.example.net" },
    changed: { content: "Pages.Example.net." },
    expected: { content: "pages.example.net." },
  },
  MX: {
    initial: { content: "mx2.example.net", priority: 20 },
    changed: { priority: 30, subdomain: "mail" },
    expected: { priority: 30, subdomain: "mail", fqdn: "mail.example.com" },
  },
  NS: {
    initial: { subdomain: "delegated", content: "ns1.example.net" },
    changed: { content: "ns2.example.net" },
    expected: { content: "ns2.example.net." },
  },
  TXT: {
    // A backslash: the service doubles it in answers, the backend undoes that.
    initial: { subdomain: "_dkim-test", content: "v=DKIM1; k=rsa\\; p=MIGf" },
    changed: { content: "v=DKIM1; k=rsa\\; p=MIGg" },
    expected: { content: "v=DKIM1; k=rsa\\; p=MIGg" },
  },
  SRV: {
    initial: { subdomain: "_sip._tcp", target: "sip.example.net", priority: 10, weight: 5, port: 5060 },
    changed: { port: 5061, weight: 7 },
    expected: { port: 5061, weight: 7, target: "sip.example.net." },
  },
  CAA: {
    initial: { subdomain: "@", tag: "issue", content: "letsencrypt.org" },
    changed: { content: "pki.goog", flag: 128 },
    expected: { content: "pki.goog", flag: 128, tag: "issue" },
  },
};

function programFor(): string {
  const lines: string[] = [];
  for (const [type, { initial, changed }] of Object.entries(CASES)) {
    const base = { domain: DOMAIN, type, ...initial };
    lines.push(`new pdd.PddDnsRecord(${JSON.stringify(`${type}-initial`)}, ${JSON.stringify(base)});`);
    lines.push(
      `new pdd.PddDnsRecord(${JSON.stringify(`${type}-changed`)}, ${JSON.stringify({ ...base, ...changed })});`,
    );
  }
  return lines.join("\n");
}

const EXTRA_PROGRAM = `
new pdd.PddDnsRecord("soa", { domain: "example.com", type: "SOA", content: "dns1.yandex.net", adminMail: "hostmaster@example.com" });
new pdd.PddDnsRecord("mx-default", { domain: "example.com", type: "MX", content: "mx.yandex.net", priority: 10 });
new pdd.PddDnsRecord("mx-adopt", { domain: "example.com", type: "MX", content: "mx.yandex.net", priority: 10, ttl: 3600, adoptExisting: true });
new pdd.PddDnsRecord("lost", { domain: "example.com", type: "TXT", subdomain: "lost", content: "lost-response" });
new pdd.PddDnsRecord("bulk", { domain: "example.com", type: "TXT", subdomain: "bulk", content: "bulk-0" });
new pdd.PddDnsRecord("other-org", { domain: "${OTHER_DOMAIN}", orgId: ${OTHER_ORG}, type: "A", subdomain: "www", content: "198.51.100.20" });
new pdd.PddDnsRecord("other-org-moved", { domain: "${OTHER_DOMAIN}", orgId: ${ORG}, type: "A", subdomain: "www", content: "198.51.100.20" });
new pdd.PddDomainLogo("logo", { domain: "example.com", contentBase64: "R0lGODlhAQABAAAAACw=" });
new pdd.PddImportCheck("import", { domain: "example.com", server: "127.0.0.1", method: "imap", port: 1143 });
`;

const yandex360Config = (emulator: PddEmulator, extra: Props = {}): Props => ({
  "pdd:api": "yandex360",
  "pdd:orgId": String(ORG),
  ...extra,
  "pdd:endpoint": emulator.url,
});

describe("PddDnsRecord on Yandex 360, through the SDK's provider host and the emulator's Yandex 360 face", () => {
  let emulator: PddEmulator;
  let host: ProviderHost;
  let client: Yandex360Client;
  let cwd: string;
  let resources: Map<string, CapturedResource>;
  const errors: string[] = [];
  const states: Props[] = [];

  const rawRecords = (domain = DOMAIN) => emulator.records(domain);
  const recordIds = (domain = DOMAIN) => rawRecords(domain).map((r) => Number(r.record_id));
  const news = (name: string) => inputsOf(resources, name);
  const create = async (name: string, inputs = news(name), on = host) => {
    const state = await engineCreate(on, urn(DNS_TYPE, name), inputs);
    states.push(state.outputs);
    return state;
  };
  const calls = (label: string) => emulator.stats().requests.byEndpoint[label] ?? 0;
  const failureOf = async (promise: Promise<unknown>): Promise<Error> => {
    const failure = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(Error);
    errors.push((failure as Error).message);
    return failure as Error;
  };

  beforeAll(async () => {
    cwd = getProgramFolder();
    emulator = await startEmulator({
      token: TOKEN,
      orgIds: [ORG, OTHER_ORG],
      domains: [DOMAIN, { name: OTHER_DOMAIN, orgId: OTHER_ORG }],
    });
    client = new Yandex360Client({ token: TOKEN, endpoint: emulator.url });
    resources = await captureProgram(cwd, programFor() + EXTRA_PROGRAM, { "pdd:token": TOKEN });
    host = await configuredHost(cwd, emulator.url, { config: yandex360Config(emulator) });
  });

  afterAll(async () => {
    await host?.close();
    await client?.close();
    await emulator?.close();
  });

  describe.each(Object.keys(CASES))("%s record", (type) => {
    it("create → read → no diff → change → no diff → delete twice", async () => {
      const created = await create(`${type}-initial`);
      const recordId = created.outputs.recordId as number;
      expect(created.id).toBe(`${DOMAIN}/${recordId}`);
      expect(created.outputs.orgId).toBe(ORG);
      expect(rawRecords().find((r) => Number(r.record_id) === recordId)?.type).toBe(type);

      const refreshed = (await engineRefresh(host, created)) as ResourceState;
      expect(withoutProvider(refreshed.outputs)).toEqual(withoutProvider(created.outputs));
      expect((await engineUpdate(host, refreshed, news(`${type}-initial`))).action).toBe("same");

      const changed = await engineUpdate(host, refreshed, news(`${type}-changed`));
      expect(withoutProvider(changed.state.outputs)).toEqual(expect.objectContaining(CASES[type]!.expected));
      if (type === "CAA") {
        // CAA cannot be edited in place: planned as a replacement at diff, old record deleted first.
        expect(changed.action).toBe("replace");
        expect(changed.diff.deleteBeforeReplace).toBe(true);
        expect(changed.diff.replaces).toEqual(expect.arrayContaining(["content", "flag"]));
        expect(recordIds()).not.toContain(recordId);
        expect(rawRecords().filter((r) => r.type === "CAA")).toHaveLength(1);
      } else {
        expect(changed.action).toBe("update");
        expect(changed.state.outputs.recordId).toBe(recordId);
      }
      const after = await engineRefresh(host, changed.state);
      expect(withoutProvider(after?.outputs)).toEqual(withoutProvider(changed.state.outputs));
      expect((await engineUpdate(host, after!, news(`${type}-changed`))).action).toBe("same");

      const finalId = changed.state.outputs.recordId as number;
      await engineDelete(host, changed.state);
      expect(recordIds()).not.toContain(finalId);
      await expect(engineDelete(host, changed.state)).resolves.toBeUndefined();
    });
  });

  it("reports a record deleted out of band as gone", async () => {
    const created = await create("A-initial");
    await client.deleteRecord(ORG, DOMAIN, created.outputs.recordId as number);
    await new Promise((r) => setTimeout(r, 2100)); // past the shared-list window
    expect(await engineRefresh(host, created)).toBeUndefined();
    await expect(engineDelete(host, created)).resolves.toBeUndefined();
  });

  it("refuses SOA on Yandex 360, and the logo and import check, at check with no API call", async () => {
    emulator.resetStats();
    const soa = await host.check(urn(DNS_TYPE, "soa"), {}, news("soa"));
    expect(soa.failures.map((f) => f.property)).toEqual(["type"]);
    expect(soa.failures[0]!.reason).toMatch(/SOA.*Yandex 360.*pdd:api/);
    for (const [type, name] of [
      [LOGO_TYPE, "logo"],
      [IMPORT_CHECK_TYPE, "import"],
    ] as const) {
      const failure = await failureOf(host.check(urn(type, name), {}, news(name)));
      expect(failure.message).toContain("pdd:api");
      expect(failure.message).toContain("Yandex 360 has no API");
    }
    expect(emulator.stats().requests.total).toBe(0);
  });

  it("refuses CAA and orgId on the pdd backend at check, naming the type and the backend", async () => {
    const pddHost = await configuredHost(cwd, emulator.url);
    try {
      emulator.resetStats();
      const caa = await pddHost.check(urn(DNS_TYPE, "caa"), {}, news("CAA-initial"));
      expect(caa.failures[0]).toEqual({
        property: "type",
        reason: expect.stringMatching(/CAA.*PDD.*pdd:api/),
      });
      const org = await pddHost.check(urn(DNS_TYPE, "other-org"), {}, news("other-org"));
      expect(org.failures.map((f) => f.property)).toEqual(["orgId"]);
      expect(emulator.stats().requests.total).toBe(0);
    } finally {
      await pddHost.close();
    }
  });

  it("refuses a duplicate without adoptExisting and adopts the identical record with it", async () => {
    const existing = rawRecords().find((r) => r.type === "MX" && r.subdomain === "@")!;
    const before = rawRecords().length;
    const failure = await failureOf(engineCreate(host, urn(DNS_TYPE, "mx-default"), news("mx-default")));
    expect(failure.message).toContain("adoptExisting");
    expect(failure.message).toContain(String(existing.record_id));
    expect(rawRecords()).toHaveLength(before);

    const adopted = await create("mx-adopt");
    expect(adopted.outputs.recordId).toBe(Number(existing.record_id));
    expect(adopted.outputs.ttl).toBe(3600);
    expect(rawRecords().filter((r) => r.type === "MX" && r.subdomain === "@")).toHaveLength(1);
  });

  it("a lost create answer leaves exactly one record, recorded in state", async () => {
    emulator.resetStats();
    emulator.setFaults({ rate: 1, kinds: { lost_response: 1 }, endpoints: ["y360/dns/create"], seed: 7 });
    try {
      const state = await create("lost");
      const matching = rawRecords().filter((r) => r.content === "lost-response");
      expect(matching).toHaveLength(1);
      expect(Number(matching[0]!.record_id)).toBe(state.outputs.recordId);
      expect(calls("y360/dns/create")).toBe(1);
      expect(emulator.stats().faults.lost_response).toBe(1);
      emulator.setFaults(undefined);
      await engineDelete(host, state);
      expect(rawRecords().filter((r) => r.content === "lost-response")).toHaveLength(0);
    } finally {
      emulator.setFaults(undefined);
    }
  });

  it("refreshing many records costs one paged walk of the zone: ⌈records / page size⌉ + 1 listings", async () => {
    const pageSize = 10;
    const paged = await startEmulator({ token: TOKEN, orgIds: [ORG], yandex360DnsMaxPerPage: pageSize });
    const pagedHost = await configuredHost(cwd, paged.url, { config: yandex360Config(paged) });
    try {
      const created: ResourceState[] = [];
      for (let i = 0; i < 24; i++) {
        created.push(await create(`bulk-${i}`, { ...news("bulk"), content: `bulk-${i}` }, pagedHost));
      }
      const listed = paged.records(DOMAIN).filter((r) => r.type !== "SOA").length;
      const fresh = await configuredHost(cwd, paged.url, { config: yandex360Config(paged) });
      try {
        paged.resetStats();
        const queue = [...created];
        const refreshed: (ResourceState | undefined)[] = [];
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            for (let s = queue.shift(); s; s = queue.shift()) refreshed.push(await engineRefresh(fresh, s));
          }),
        );
        expect(refreshed.filter(Boolean)).toHaveLength(24);
        // Page 1, the last page back to page 2, page 1 again (see Yandex360Client.listRecords).
        expect(paged.stats().requests.byEndpoint["y360/dns/list"]).toBe(Math.ceil(listed / pageSize) + 1);
        paged.resetStats();
        await Promise.all(created.map((s) => engineDelete(fresh, s)));
        expect(paged.stats().requests.byEndpoint["y360/dns/delete"]).toBe(24);
        expect(paged.stats().requests.byEndpoint["y360/dns/list"] ?? 0).toBe(0);
      } finally {
        await fresh.close();
      }
    } finally {
      await pagedHost.close();
      await paged.close();
    }
  });

  it("manages a second organization's domain through the orgId input, and a new orgId replaces", async () => {
    const state = await create("other-org");
    expect(state.outputs.orgId).toBe(OTHER_ORG);
    expect(recordIds(OTHER_DOMAIN)).toContain(state.outputs.recordId);
    const read = await engineRefresh(host, state);
    expect(withoutProvider(read?.outputs)).toEqual(withoutProvider(state.outputs));
    expect((await engineUpdate(host, read!, news("other-org"))).action).toBe("same");
    const diff = await host.diff(state.id, state.urn, state.outputs, news("other-org-moved"));
    expect(diff.replaces).toContain("orgId");
    await engineDelete(host, state);
    expect(recordIds(OTHER_DOMAIN)).not.toContain(state.outputs.recordId);
  });

  it("a foreign organization fails with the service's 403, naming pdd:orgId, and changes nothing", async () => {
    const foreign = await configuredHost(cwd, emulator.url, {
      config: yandex360Config(emulator, { "pdd:orgId": "999" }),
    });
    try {
      const before = rawRecords().length;
      const failure = await failureOf(engineCreate(foreign, urn(DNS_TYPE, "A-initial"), news("A-initial")));
      expect(failure.message).toContain("pdd:orgId");
      expect(failure.message).toContain("999");
      expect(rawRecords()).toHaveLength(before);
    } finally {
      await foreign.close();
    }
  });

  it("a wrong token fails naming the token settings and scopes, never the token", async () => {
    const wrong = "wrong-oauth-token-77aa";
    const bad = await configuredHost(cwd, emulator.url, { token: wrong, config: yandex360Config(emulator) });
    try {
      const failure = await failureOf(engineCreate(bad, urn(DNS_TYPE, "A-initial"), news("A-initial")));
      expect(failure.message).toMatch(/pdd:token/);
      expect(failure.message).toMatch(/YANDEX360_OAUTH_TOKEN/);
      expect(failure.message).toMatch(/directory:manage_dns/);
      expect(failure.message).not.toContain(wrong);
      expect(bad.logs().join("\n")).not.toContain(wrong);
    } finally {
      await bad.close();
    }
  });

  it("works from YANDEX360_OAUTH_TOKEN and YANDEX360_ORG_ID alone (the backend follows from the org id)", async () => {
    const envHost = await configuredHost(cwd, undefined, {
      token: "",
      env: { YANDEX360_OAUTH_TOKEN: TOKEN, YANDEX360_ORG_ID: String(ORG), PDD_ENDPOINT: emulator.url },
    });
    try {
      emulator.resetStats();
      const state = await create("TXT-initial", news("TXT-initial"), envHost);
      expect(state.outputs.orgId).toBe(ORG);
      expect(calls("y360/dns/create")).toBe(1);
      expect(calls("dns/add")).toBe(0);
      await engineDelete(envHost, state);
      expect(recordIds()).not.toContain(state.outputs.recordId);
    } finally {
      await envHost.close();
    }
  });

  it("discovers the organization when the token's user has exactly one, and lists them when there are several", async () => {
    const single = await startEmulator({ token: TOKEN, orgIds: [OTHER_ORG], domains: [DOMAIN] });
    const discovering = await configuredHost(cwd, single.url, { config: { "pdd:api": "yandex360" } });
    try {
      const state = await create("A-initial", news("A-initial"), discovering);
      expect(state.outputs.orgId).toBe(OTHER_ORG);
      expect(single.stats().requests.byEndpoint["y360/org/list"]).toBe(1);
      await engineDelete(discovering, state);
    } finally {
      await discovering.close();
      await single.close();
    }
    const ambiguous = await configuredHost(cwd, emulator.url, { config: { "pdd:api": "yandex360" } });
    try {
      const failure = await failureOf(engineCreate(ambiguous, urn(DNS_TYPE, "A-initial"), news("A-initial")));
      expect(failure.message).toContain(String(ORG));
      expect(failure.message).toContain(String(OTHER_ORG));
      expect(failure.message).toContain("pdd:orgId");
    } finally {
      await ambiguous.close();
    }
  });

  it("refuses a non-integer pdd:orgId at check, before any request", async () => {
    const badOrg = await configuredHost(cwd, emulator.url, {
      config: yandex360Config(emulator, { "pdd:orgId": "acme" }),
    });
    try {
      emulator.resetStats();
      const failure = await failureOf(badOrg.check(urn(DNS_TYPE, "A-initial"), {}, news("A-initial")));
      expect(failure.message).toContain("pdd:orgId");
      expect(emulator.stats().requests.total).toBe(0);
    } finally {
      await badOrg.close();
    }
  });

  it("never lets the token into __provider, outputs, errors or the host's logs", () => {
    expectTokenAbsent(host, { states, errors, resources });
    expect(states.length).toBeGreaterThan(10);
  });
});

/**
 * Yandex360Client's behaviour against pdd-emulator's Yandex 360 face (src/emulator/yandex360.ts)
 * over real HTTP: every record type round-trips through create, list, edit and delete; listings
 * page; a foreign organization and a missing domain are refused the way the live service does.
 */
import { isYandex360ApiError, Yandex360ApiError, Yandex360Client } from "../../src/client";
import type { AddRecordParams, DnsRecord } from "../../src/client";
import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import { FAST_RETRY, rejectionOf } from "./support";

const TOKEN = "emulator-y360-token-4Kp";
const ORG = 1234567;
const OTHER_ORG = 7654321;
const FOREIGN_ORG = 3287461283;
const ZONE = "example.com";
const OTHER_ZONE = "second.example";

/** One record per type, as a resource would ask for it. */
const CASES: Array<Omit<AddRecordParams, "domain">> = [
  { type: "A", subdomain: "www", content: "192.0.2.10", ttl: 3600 },
  { type: "AAAA", subdomain: "v6", content: "2001:db8::10", ttl: 900 },
  { type: "CNAME", subdomain: "docs", content: "docs.example.net.", ttl: 600 },
  { type: "NS", subdomain: "delegated", content: "ns1.example.net.", ttl: 600 },
  { type: "MX", subdomain: "mail", content: "mx1.example.net.", priority: 20, ttl: 21600 },
  { type: "TXT", subdomain: "_dmarc", content: "v=DMARC1; p=none", ttl: 300 },
  { type: "TXT", subdomain: "bs", content: "a\\b \\\\ c", ttl: 300 },
  {
    type: "SRV",
    subdomain: "_sip._tcp",
    target: "sip.example.net.",
    priority: 10,
    weight: 60,
    port: 5060,
    ttl: 600,
  },
  { type: "CAA", subdomain: "@", content: "letsencrypt.org", flag: 0, tag: "issue", ttl: 600 },
  { type: "CAA", subdomain: "@", content: "mailto:security@example.com", flag: 128, tag: "iodef", ttl: 600 },
];

describe("Yandex360Client against the emulator's Yandex 360 face", () => {
  let emulator: PddEmulator;
  let client: Yandex360Client;

  beforeEach(async () => {
    emulator = await startEmulator({
      port: 0,
      token: TOKEN,
      orgIds: [ORG, OTHER_ORG],
      domains: [ZONE, { name: OTHER_ZONE, orgId: OTHER_ORG }],
    });
    client = new Yandex360Client({ token: TOKEN, endpoint: emulator.url, retry: FAST_RETRY });
  });

  afterEach(async () => {
    await client.close();
    await emulator.close();
  });

  const byId = (records: DnsRecord[], id: number) => records.find((r) => r.recordId === id);

  test("a fresh zone lists with unique ids and no SOA", async () => {
    const records = await client.listRecords(ORG, ZONE);
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => r.recordId)).size).toBe(records.length);
    for (const r of records) {
      expect(r.domain).toBe(ZONE);
      expect(r.type).not.toBe("SOA");
    }
  });

  test.each(CASES.map((c) => [`${c.type} ${c.subdomain} ${c.tag ?? ""}`.trim(), c] as const))(
    "%s: create → list → delete round-trips every field",
    async (_label, params) => {
      const added = await client.addRecord(ORG, { domain: ZONE, ...params });
      const fqdn = params.subdomain === "@" ? ZONE : `${params.subdomain}.${ZONE}`;
      const expected: Partial<DnsRecord> = {
        domain: ZONE,
        type: params.type,
        subdomain: params.subdomain,
        fqdn,
        content: params.type === "SRV" ? params.target : params.content,
        ttl: params.ttl,
      };
      if (params.type === "MX") expected.priority = params.priority;
      if (params.type === "SRV") Object.assign(expected, { priority: 10, weight: 60, port: 5060 });
      if (params.type === "CAA") Object.assign(expected, { flag: params.flag, tag: params.tag });
      expect(added).toMatchObject(expected);

      const listed = byId(await client.listRecords(ORG, ZONE), added.recordId);
      expect(listed).toEqual(added);

      await client.deleteRecord(ORG, ZONE, added.recordId);
      expect(byId(await client.listRecords(ORG, ZONE), added.recordId)).toBeUndefined();
      const again = await rejectionOf(client.deleteRecord(ORG, ZONE, added.recordId));
      expect(isYandex360ApiError(again, "not_found")).toBe(true);
    },
  );

  test.each(CASES.filter((c) => c.type !== "CAA").map((c) => [`${c.type} ${c.subdomain}`, c] as const))(
    "%s: edit in place keeps the id and changes the fields",
    async (_label, params) => {
      const added = await client.addRecord(ORG, { domain: ZONE, ...params });
      const edited = await client.editRecord(ORG, {
        ...params,
        domain: ZONE,
        recordId: added.recordId,
        type: params.type,
        ttl: 1800,
        ...(params.type === "MX" ? { priority: 30 } : {}),
        ...(params.type === "SRV" ? { port: 5061 } : {}),
      });
      expect(edited.recordId).toBe(added.recordId);
      expect(edited.ttl).toBe(1800);
      if (params.type === "MX") expect(edited.priority).toBe(30);
      if (params.type === "SRV") expect(edited.port).toBe(5061);
      expect(byId(await client.listRecords(ORG, ZONE), added.recordId)).toEqual(edited);
    },
  );

  test("a CAA edit in place is refused (invalid_argument): replace it instead", async () => {
    const caa = await client.addRecord(ORG, { domain: ZONE, ...CASES.find((c) => c.type === "CAA")! });
    const err = await rejectionOf(
      client.editRecord(ORG, {
        domain: ZONE,
        recordId: caa.recordId,
        type: "CAA",
        content: "pki.goog",
        tag: "issue",
      }),
    );
    expect(isYandex360ApiError(err, "invalid_argument")).toBe(true);
    expect((err as Yandex360ApiError).outcomeUnknown).toBe(false);
  });

  test("hundreds of records list in one call at 1000 a page, without duplicates", async () => {
    const before = (await client.listRecords(ORG, ZONE)).length;
    const count = 240;
    for (let i = 0; i < count; i++) {
      await client.addRecord(ORG, {
        domain: ZONE,
        type: "TXT",
        subdomain: `p${i}`,
        content: `v${i}`,
        ttl: 300,
      });
    }
    const all = await client.listRecords(ORG, ZONE);
    expect(all).toHaveLength(before + count);
    expect(new Set(all.map((r) => r.recordId)).size).toBe(all.length);
    // One listing before the records were added, one after: each a single page.
    expect(client.stats().byEndpoint["dns/list"]).toBe(2);
  });

  test("a served maximum of 50 a page costs ⌈N/50⌉ + 1 calls (page 1 is read again last)", async () => {
    await emulator.close();
    emulator = await startEmulator({
      port: 0,
      token: TOKEN,
      orgIds: [ORG],
      domains: [ZONE],
      yandex360DnsMaxPerPage: 50,
      seedDefaultRecords: false,
    });
    await client.close();
    client = new Yandex360Client({ token: TOKEN, endpoint: emulator.url, retry: FAST_RETRY });
    for (let i = 0; i < 120; i++) {
      await client.addRecord(ORG, { domain: ZONE, type: "A", subdomain: `h${i}`, content: `192.0.2.${i}` });
    }
    const records = await client.listRecords(ORG, ZONE);
    expect(records).toHaveLength(120);
    expect(client.stats().byEndpoint["dns/list"]).toBe(Math.ceil(120 / 50) + 1);
  });

  test("a foreign organization is 403 permission_denied naming pdd:orgId", async () => {
    const err = await rejectionOf(client.listRecords(FOREIGN_ORG, ZONE));
    expect(err).toBeInstanceOf(Yandex360ApiError);
    expect(err).toMatchObject({ code: "permission_denied", status: 403, grpcCode: 7, setting: "pdd:orgId" });
    expect(err.message).toContain(String(FOREIGN_ORG));
    expect(err.message).toContain("pdd:orgId");
  });

  test("a domain of another organization, or none, is 404 not_found naming the domain", async () => {
    const err = await rejectionOf(client.listRecords(ORG, OTHER_ZONE));
    expect(err).toMatchObject({ code: "not_found", status: 404 });
    expect(err.message).toContain(`"${OTHER_ZONE}" is not in organization ${ORG}`);
    await expect(client.listRecords(ORG, "missing.example")).rejects.toMatchObject({ code: "not_found" });
    await expect(client.listRecords(OTHER_ORG, OTHER_ZONE)).resolves.toBeDefined();
  });

  test("a wrong token is 401 unauthenticated naming the token settings", async () => {
    const stranger = new Yandex360Client({
      token: "not-the-token",
      endpoint: emulator.url,
      retry: FAST_RETRY,
    });
    try {
      const err = await rejectionOf(stranger.listOrganizations());
      expect(err).toMatchObject({ code: "unauthenticated", setting: "pdd:token" });
    } finally {
      await stranger.close();
    }
  });

  test("organizations, domains and DKIM", async () => {
    const orgs = await client.listOrganizations();
    expect(orgs.map((o) => o.id).sort()).toEqual([ORG, OTHER_ORG].sort());
    const domains = await client.listDomains(ORG);
    expect(domains.map((d) => d.name)).toEqual([ZONE]);
    const dkim = await client.getDkim(ORG, ZONE);
    expect(typeof dkim.enabled).toBe("boolean");
    expect(dkim.publicKey).toMatch(/^[A-Za-z0-9+/=]+$/);
  });
});

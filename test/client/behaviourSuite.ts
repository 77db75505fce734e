/**
 * The client's end-to-end behaviour against a stateful PDD-compatible server. Any server factory
 * with the `startEmulator` signature plugs in: `clientBehaviourSuite(startEmulator, "emulator")`.
 * Not a test file itself (jest only runs `*.test.ts`); test files call it.
 */
import { PddApiError, PddClient } from "../../src/client";
import type { PddRecord } from "../../src/client";
import { FAST_RETRY, rejectionOf } from "./support";

export interface BehaviourServer {
  url: string;
  close(): Promise<void>;
}

export interface BehaviourServerOptions {
  port: number;
  token: string;
  domains: string[];
}

export type StartServer = (options: BehaviourServerOptions) => Promise<BehaviourServer>;

const TOKEN = "behaviour-token-5xK";
const DOMAIN = "example.com";
const DOMAINS = [DOMAIN, "example.net", "example.org"];

/** A complete 1×1 PNG, so servers that check image signatures accept it. */
const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

export function clientBehaviourSuite(startServer: StartServer, label = "a PDD-compatible server"): void {
  describe(`PddClient behaviour against ${label}`, () => {
    let server: BehaviourServer;
    let client: PddClient;

    beforeEach(async () => {
      server = await startServer({ port: 0, token: TOKEN, domains: DOMAINS });
      client = new PddClient({ token: TOKEN, endpoint: server.url, retry: FAST_RETRY });
    });

    afterEach(async () => {
      await client.close();
      await server.close();
    });

    const byId = (records: PddRecord[], id: number) => records.find((r) => r.recordId === id);

    test("dns/list returns valid records of the domain with unique ids", async () => {
      const records = await client.listRecords(DOMAIN);
      for (const r of records) expect(r.domain).toBe(DOMAIN);
      expect(new Set(records.map((r) => r.recordId)).size).toBe(records.length);
    });

    test("add → list → edit → list → delete → list", async () => {
      const before = await client.listRecords(DOMAIN);
      const added = await client.addRecord({
        domain: DOMAIN,
        type: "A",
        subdomain: "www",
        content: "192.0.2.10",
        ttl: 3600,
      });
      expect(added).toMatchObject({
        domain: DOMAIN,
        type: "A",
        subdomain: "www",
        fqdn: `www.${DOMAIN}`,
        content: "192.0.2.10",
        ttl: 3600,
      });
      expect(added.priority).toBeUndefined();
      expect(byId(before, added.recordId)).toBeUndefined();

      const afterAdd = await client.listRecords(DOMAIN);
      expect(afterAdd).toHaveLength(before.length + 1);
      expect(byId(afterAdd, added.recordId)).toEqual(added);

      const edited = await client.editRecord({
        domain: DOMAIN,
        recordId: added.recordId,
        content: "192.0.2.11",
        ttl: 900,
      });
      expect(edited).toMatchObject({
        recordId: added.recordId,
        type: "A",
        subdomain: "www",
        content: "192.0.2.11",
        ttl: 900,
      });
      const afterEdit = await client.listRecords(DOMAIN);
      expect(afterEdit).toHaveLength(before.length + 1);
      expect(byId(afterEdit, added.recordId)).toEqual(edited);

      await client.deleteRecord(DOMAIN, added.recordId);
      const afterDelete = await client.listRecords(DOMAIN);
      expect(byId(afterDelete, added.recordId)).toBeUndefined();
      expect(afterDelete.map((r) => r.recordId).sort()).toEqual(before.map((r) => r.recordId).sort());
    });

    test("adding an identical record again → record_exists, and no second record", async () => {
      const params = { domain: DOMAIN, type: "TXT" as const, subdomain: "_dup", content: "v=dup1", ttl: 300 };
      const first = await client.addRecord(params);
      const err = await rejectionOf(client.addRecord(params));
      expect(err).toBeInstanceOf(PddApiError);
      expect((err as PddApiError).code).toBe("record_exists");
      const matching = (await client.listRecords(DOMAIN)).filter((r) => r.subdomain === "_dup");
      expect(matching.map((r) => r.recordId)).toEqual([first.recordId]);
    });

    test("deleting or editing a record that is gone → bad_record_id", async () => {
      const added = await client.addRecord({
        domain: DOMAIN,
        type: "TXT",
        subdomain: "_gone",
        content: "bye",
      });
      await client.deleteRecord(DOMAIN, added.recordId);
      const del = await rejectionOf(client.deleteRecord(DOMAIN, added.recordId));
      expect(del).toMatchObject({ name: "PddApiError", code: "bad_record_id", endpoint: "dns/del" });
      const edit = await rejectionOf(
        client.editRecord({ domain: DOMAIN, recordId: added.recordId, content: "x" }),
      );
      expect(edit).toMatchObject({ name: "PddApiError", code: "bad_record_id", endpoint: "dns/edit" });
    });

    test("a domain that is not on the account → no_such_domain", async () => {
      const err = await rejectionOf(client.listRecords("not-on-this-account.example"));
      expect(err).toBeInstanceOf(PddApiError);
      expect((err as PddApiError).code).toBe("no_such_domain");
    });

    test("MX keeps its priority; SRV keeps priority, weight, port and target", async () => {
      const mx = await client.addRecord({
        domain: DOMAIN,
        type: "MX",
        subdomain: "mail",
        content: "mx2.example.net.",
        priority: 20,
      });
      expect(mx).toMatchObject({ type: "MX", subdomain: "mail", priority: 20 });
      expect(mx.content).toMatch(/^mx2\.example\.net\.?$/);

      const srv = await client.addRecord({
        domain: DOMAIN,
        type: "SRV",
        subdomain: "_sip._tcp",
        target: "sip.example.com.",
        priority: 10,
        weight: 5,
        port: 5060,
        ttl: 600,
      });
      expect(srv).toMatchObject({ type: "SRV", subdomain: "_sip._tcp", priority: 10, weight: 5, port: 5060 });
      expect(srv.content).toMatch(/^sip\.example\.com\.?$/);

      const listed = await client.listRecords(DOMAIN);
      expect(byId(listed, mx.recordId)).toEqual(mx);
      expect(byId(listed, srv.recordId)).toEqual(srv);
    });

    test("domain/domains pages through the account's domains", async () => {
      const first = await client.listDomains({ page: 1, onPage: 2 });
      expect(first).toMatchObject({ page: 1, onPage: 2, total: DOMAINS.length });
      expect(first.domains).toHaveLength(2);
      const second = await client.listDomains({ page: 2, onPage: 2 });
      expect(second).toMatchObject({ page: 2, onPage: 2, total: DOMAINS.length });
      expect(second.domains).toHaveLength(1);
      const names = [...first.domains, ...second.domains].map((d) => d.name).sort();
      expect(names).toEqual([...DOMAINS].sort());
      for (const d of [...first.domains, ...second.domains]) {
        expect(typeof d.nsDelegated).toBe("boolean");
        expect(Number.isInteger(d.emailsMaxCount)).toBe(true);
      }
    });

    test("logo: set → check → delete → check", async () => {
      await expect(client.checkLogo(DOMAIN)).resolves.toEqual({});
      await client.setLogo(DOMAIN, PNG_1X1, "image/png");
      const set = await client.checkLogo(DOMAIN);
      expect(set.logoUrl).toMatch(/^https?:\/\//);
      const listed = (await client.listDomains({ onPage: 20 })).domains.find((d) => d.name === DOMAIN);
      expect(listed).toMatchObject({ logoEnabled: true, logoUrl: set.logoUrl });
      await client.deleteLogo(DOMAIN);
      await expect(client.checkLogo(DOMAIN)).resolves.toEqual({});
    });

    test("a wrong token is refused with a token error that does not echo the token", async () => {
      const other = new PddClient({
        token: "not-the-right-token",
        endpoint: server.url,
        retry: { retries: 0 },
      });
      try {
        const err = await rejectionOf(other.listRecords(DOMAIN));
        expect(err).toBeInstanceOf(PddApiError);
        expect(["bad_token", "no_auth"]).toContain((err as PddApiError).code);
        expect(err.message).toContain("pdd:token");
        expect(err.message).not.toContain("not-the-right-token");
      } finally {
        await other.close();
      }
    });

    test("stats() counts every request by endpoint", async () => {
      for (let i = 0; i < 5; i++) await client.listRecords(DOMAIN);
      expect(client.stats()).toMatchObject({ requests: 5, retries: 0, byEndpoint: { "dns/list": 5 } });
    });
  });
}

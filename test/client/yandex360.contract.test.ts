/**
 * Contract tests of the Yandex 360 client against the public example bodies in
 * /shared/fixtures/yandex360-public (read in place, never copied into the repository). Each body is
 * served verbatim from a loopback server, and the test checks what the client made of it, and that
 * the requests it sends have the shape working third-party clients send.
 *
 * The DOC files carry placeholder values and STUB files are hand-written (see the fixtures' README):
 * they test shape (fields, envelopes, omitted zeros, escapes), not the live service's behaviour.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import { PddResponseValidationError, Yandex360ApiError, Yandex360Client } from "../../src/client";
import type { DnsRecord } from "../../src/client";
import type { ReceivedRequest, Reply, ReplayServer } from "../helpers/replayServer";
import { startReplayServer } from "../helpers/replayServer";
import { FAST_RETRY, rejectionOf } from "./support";

const fixturesDir = path.resolve(__dirname, "../../../shared/fixtures/yandex360-public");
const fixturesAvailable = fs.existsSync(fixturesDir) && fs.statSync(fixturesDir).isDirectory();

/**
 * `describe` when the fixtures exist; otherwise a skipped block with one placeholder test and a
 * console warning, so a missing folder shows up in the output instead of passing silently.
 */
function describeIfFixtures(name: string, fn: () => void): void {
  if (fixturesAvailable) {
    describe(name, fn);
    return;
  }
  describe.skip(`${name} [SKIPPED: yandex360-public fixtures folder not found]`, () => {
    console.warn(
      `[fixtures] ${fixturesDir} does not exist, so "${name}" is skipped. ` +
        "Check out the shared fixtures beside the repository (CI always has them).",
    );
    test(`needs ${fixturesDir}`, () => {
      expect(fs.existsSync(fixturesDir)).toBe(true);
    });
  });
}

/** A fixture file's text, exactly as stored. */
function fixtureText(file: string): string {
  return fs.readFileSync(path.join(fixturesDir, file), "utf8");
}

function fixtureJson(file: string): unknown {
  return JSON.parse(fixtureText(file));
}

const TOKEN = "y360-contract-token-9Zq";
const ORG = 123456;
const ZONE = "example.com";
const REQUEST_ID = "5f0c6d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";

/** A body served byte for byte, with the live gateway's headers (reference section 6). */
function served(body: string, status = 200, headers: Record<string, string> = {}): Reply {
  return {
    kind: "text",
    status,
    body,
    contentType: "application/json",
    headers: { server: "api360", "x-request-id": REQUEST_ID, ...headers },
  };
}

function jsonBodyOf(req: ReceivedRequest): unknown {
  return JSON.parse(req.rawBody.toString("utf8"));
}

describeIfFixtures("Yandex360Client against the public Yandex 360 example bodies", () => {
  let server: ReplayServer;
  let client: Yandex360Client;

  beforeEach(async () => {
    server = await startReplayServer();
    client = new Yandex360Client({ token: TOKEN, endpoint: server.url, retry: FAST_RETRY });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  function expectAuthHeaders(req: ReceivedRequest): void {
    expect(req.headers.authorization).toBe(`OAuth ${TOKEN}`);
    expect(req.headers.accept).toBe("application/json");
    expect(req.headers.pddtoken).toBeUndefined();
  }

  describe("DNS listing", () => {
    test("doc-dns-list: the DOC record (all 15 fields) maps by its type; one page, one call", async () => {
      server.enqueue(served(fixtureText("doc-dns-list.json")));
      const records = await client.listRecords(ORG, ZONE);
      expect(records).toEqual([
        {
          recordId: 0,
          domain: ZONE,
          type: "A",
          subdomain: "example",
          fqdn: "example.example.com",
          content: "example",
          ttl: 0,
        },
      ]);
      expect(server.requests).toHaveLength(1);
      const [req] = server.requests;
      expect(req.method).toBe("GET");
      expect(req.path).toBe(`/directory/v1/org/${ORG}/domains/${ZONE}/dns`);
      expect(req.query).toEqual({ page: "1", perPage: "1000" });
      expect(req.rawBody.length).toBe(0);
      expectAuthHeaders(req);
    });

    test("stub-octodns-records: every type, omitted zeros, trailing dots, doubled backslashes, CAA", async () => {
      // The file is the records array; the envelope around it has every counter omitted (zero values).
      server.enqueue(served(`{"records":${fixtureText("stub-octodns-records.json")}}`));
      const records = await client.listRecords(ORG, ZONE);
      const byId = new Map(records.map((r) => [r.recordId, r]));
      expect(records.map((r) => r.recordId)).toEqual([1, 4, 10, 11, 12, 13, 14, 15, 16, 17, 19]);
      expect(server.requests).toHaveLength(1);

      const expected: DnsRecord[] = [
        {
          recordId: 1,
          domain: ZONE,
          type: "A",
          subdomain: "a",
          fqdn: "a.example.com",
          content: "127.0.0.1",
          ttl: 600,
        },
        {
          recordId: 4,
          domain: ZONE,
          type: "AAAA",
          subdomain: "aaaa",
          fqdn: "aaaa.example.com",
          content: "2001:0db8:11a3:09d7:1f34:8a2e:07a0:765d",
          ttl: 300,
        },
        {
          recordId: 10,
          domain: ZONE,
          type: "CNAME",
          subdomain: "cname",
          fqdn: "cname.example.com",
          content: "example.com.",
          ttl: 600,
        },
        {
          recordId: 12,
          domain: ZONE,
          type: "MX",
          subdomain: "@",
          fqdn: "example.com",
          content: "mx.yandex.net.",
          ttl: 21600,
          priority: 10,
        },
        {
          recordId: 16,
          domain: ZONE,
          type: "SRV",
          subdomain: "_service._tcp",
          fqdn: "_service._tcp.example.com",
          content: "backend.example.com.",
          ttl: 600,
          priority: 10,
          weight: 70,
          port: 8080,
        },
        {
          recordId: 17,
          domain: ZONE,
          type: "NS",
          subdomain: "ns",
          fqdn: "ns.example.com",
          content: "ns1.example.com.",
          ttl: 600,
        },
        {
          recordId: 19,
          domain: ZONE,
          type: "CAA",
          subdomain: "caa",
          fqdn: "caa.example.com",
          content: "ca.example.net",
          ttl: 600,
          flag: 0,
          tag: "issue",
        },
      ];
      for (const e of expected) expect(byId.get(e.recordId)).toEqual(e);

      expect(byId.get(11)).toMatchObject({ type: "CNAME", content: "domain.mail.yandex.net.", ttl: 21600 });
      expect(byId.get(13)).toMatchObject({ type: "TXT", subdomain: "txt", content: "Hello world" });
      expect(byId.get(15)).toMatchObject({
        type: "TXT",
        subdomain: "@",
        fqdn: "example.com",
        content: "v=spf1 redirect=_spf.yandex.net",
      });
      // The file holds `k=rsa\\\\;` (JSON), i.e. two backslashes the service doubled: one is left.
      const dkim = byId.get(14) as DnsRecord;
      expect(fixtureText("stub-octodns-records.json")).toContain("k=rsa\\\\\\\\;");
      expect(dkim.subdomain).toBe("mail._domainkey");
      expect(dkim.content.startsWith("v=DKIM1; k=rsa\\; t=s; p=MIGfMA0G")).toBe(true);
      expect(dkim.content).not.toContain("\\\\");
      // Types that carry no priority/weight/port/CAA fields do not get them.
      for (const r of records.filter((x) => ["A", "AAAA", "CNAME", "NS", "TXT"].includes(x.type))) {
        expect(Object.keys(r).sort()).toEqual(
          ["content", "domain", "fqdn", "recordId", "subdomain", "ttl", "type"].sort(),
        );
      }
    });

    test("live users-list envelope tail: integer counters, an echoed perPage of 10 is followed", async () => {
      const tail = fixtureText("live-users-list-envelope-tail.txt").trim();
      expect(tail.startsWith("…]")).toBe(true);
      const record = '{"recordId":7,"type":"A","name":"www","ttl":300,"address":"192.0.2.7"}';
      server.enqueue(served(`{"records":[${record}${tail.slice(1)}`));
      const records = await client.listRecords(ORG, ZONE);
      expect(records).toEqual([
        {
          recordId: 7,
          domain: ZONE,
          type: "A",
          subdomain: "www",
          fqdn: "www.example.com",
          content: "192.0.2.7",
          ttl: 300,
        },
      ]);
      expect(server.requests).toHaveLength(1);
      const page = await (async () => {
        server.enqueue(served(`{"records":[${record}${tail.slice(1)}`));
        return client.listRecordsPage(ORG, ZONE, 1, 10);
      })();
      expect(page).toMatchObject({ page: 1, pages: 1, perPage: 10, total: 1, skipped: 0 });
    });
  });

  describe("domains, organizations, DKIM", () => {
    test("doc-domains-list: status with null mx/ns/dkim checks", async () => {
      server.enqueue(served(fixtureText("doc-domains-list.json")));
      const domains = await client.listDomains(ORG);
      expect(domains).toEqual([
        {
          name: "example",
          country: "example",
          mx: true,
          delegated: true,
          master: true,
          verified: true,
          status: {
            name: "example",
            lastCheck: "2025-01-01T00:00:00Z",
            lastAdded: "2025-01-01T00:00:00Z",
            spf: { match: true, value: "example" },
          },
        },
      ]);
      expect(domains[0].status).not.toHaveProperty("mx");
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].path).toBe(`/directory/v1/org/${ORG}/domains`);
      expect(server.requests[0].query).toEqual({ page: "1", perPage: "10" });
      expectAuthHeaders(server.requests[0]);
    });

    test("octodns domain stubs: one with a full status, one without a status key", async () => {
      const withStatus = fixtureText("stub-octodns-domain-with-status.json");
      const withoutStatus = fixtureText("stub-octodns-domain-without-status.json");
      server.enqueue(
        served(`{"domains":[${withStatus},${withoutStatus}],"page":1,"pages":1,"perPage":10,"total":2}`),
      );
      const [first, second] = await client.listDomains(ORG);
      const raw = fixtureJson("stub-octodns-domain-with-status.json") as {
        status: Record<string, { value: string }>;
      };
      expect(first).toEqual({
        name: "example.com",
        country: "ru",
        mx: false,
        delegated: false,
        master: true,
        verified: true,
        status: {
          name: "example.com",
          lastCheck: "2024-03-23T07:39:41.945Z",
          lastAdded: "2024-03-20T14:23:46.931Z",
          spf: { match: false, value: "v=spf1 mx a -all" },
          mx: { match: false, value: "host=mx.example.com priority=0" },
          ns: { match: false, value: "ns1.example.com\nns2.example.com" },
          dkim: { match: true, value: raw.status.dkim.value },
        },
      });
      expect(second).toEqual({
        name: "ya360.example.com",
        country: "ru",
        mx: true,
        delegated: true,
        master: false,
        verified: true,
      });
      expect(second).not.toHaveProperty("status");
    });

    test("doc-org-list then stub-octodns-org: the cursor is followed until it is absent", async () => {
      server.enqueue(
        served(fixtureText("doc-org-list.json")),
        served(`{"organizations":[${fixtureText("stub-octodns-org.json")}]}`),
      );
      const orgs = await client.listOrganizations();
      expect(orgs).toEqual([
        { id: 0, name: "…", email: "…", language: "…", subscriptionPlan: "…" },
        // The stub's empty email is left out.
        { id: 1234, name: "example.com", language: "ru", subscriptionPlan: "free" },
      ]);
      expect(server.requests.map((r) => r.path)).toEqual(["/directory/v1/org", "/directory/v1/org"]);
      expect(server.requests[0].query).toEqual({ pageSize: "100" });
      expect(server.requests[1].query).toEqual({ pageSize: "100", pageToken: "…" });
      expectAuthHeaders(server.requests[1]);
    });

    test("doc-dkim: enabled and the public key", async () => {
      server.enqueue(served(fixtureText("doc-dkim.json")));
      await expect(client.getDkim(ORG, ZONE)).resolves.toEqual({ enabled: true, publicKey: "example" });
      expect(server.requests[0].path).toBe(`/directory/v1/org/${ORG}/domains/${ZONE}/dkim`);
    });
  });

  describe("errors", () => {
    test("live 403 Not an admin → permission_denied naming pdd:orgId and the org; not retried", async () => {
      const foreignOrg = 3287461283;
      server.enqueue(served(fixtureText("live-error-403-not-an-admin.json"), 403));
      const err = await rejectionOf(client.listRecords(foreignOrg, ZONE));
      expect(err).toBeInstanceOf(Yandex360ApiError);
      expect(err).toMatchObject({
        name: "Yandex360ApiError",
        code: "permission_denied",
        status: 403,
        grpcCode: 7,
        serviceMessage: "Not an admin",
        requestId: REQUEST_ID,
        setting: "pdd:orgId",
        endpoint: "dns/list",
        outcomeUnknown: false,
      });
      expect(err.message).toContain("pdd:orgId");
      expect(err.message).toContain("YANDEX360_ORG_ID");
      expect(err.message).toContain("orgId");
      expect(err.message).toContain(String(foreignOrg));
      expect(err.message).toMatch(/administ/);
      expect(err.message).toContain(`X-Request-Id: ${REQUEST_ID}`);
      expect(server.requests).toHaveLength(1);
    });

    test("live 404 not_found on a domain's listing → not_found naming the domain and the org", async () => {
      server.enqueue(served(fixtureText("live-error-404-not-found.json"), 404));
      const err = await rejectionOf(client.listRecords(ORG, "missing.example"));
      expect(err).toMatchObject({ code: "not_found", status: 404, grpcCode: 5, serviceMessage: "not_found" });
      expect(err.message).toContain('"missing.example" is not in organization 123456');
      expect(err.message).toContain(REQUEST_ID);
    });

    test("live 404 on DELETE of a record → not_found naming the record", async () => {
      server.enqueue(served(fixtureText("live-error-404-not-found.json"), 404));
      const err = await rejectionOf(client.deleteRecord(ORG, ZONE, 13));
      expect(err).toMatchObject({ code: "not_found", grpcCode: 5 });
      expect(err.message).toContain("no DNS record 13");
      expect(server.requests).toHaveLength(1);
    });

    test("cert-manager 401 stub → unauthenticated naming the token settings and scopes; request id from details", async () => {
      // No X-Request-Id header here: the RequestInfo detail's requestId is used instead.
      server.enqueue({
        kind: "text",
        status: 401,
        contentType: "application/json",
        body: fixtureText("stub-cert-manager-401.json"),
      });
      const err = await rejectionOf(client.listOrganizations());
      expect(err).toBeInstanceOf(Yandex360ApiError);
      expect(err).toMatchObject({
        code: "unauthenticated",
        status: 401,
        grpcCode: 16,
        serviceMessage: "Unauthorized",
        requestId: "00000000-0000-0000-0000-000000000000",
        setting: "pdd:token",
      });
      for (const hint of [
        "pdd:token",
        "PDD_TOKEN",
        "YANDEX360_OAUTH_TOKEN",
        "directory:manage_dns",
        "directory:read_domains",
        "directory:read_organization",
      ]) {
        expect(err.message).toContain(hint);
      }
      expect((err as Yandex360ApiError).cause).toMatchObject({
        detailTypes: ["type.googleapis.com/google.rpc.RequestInfo"],
      });
      expect(err.message).not.toContain(TOKEN);
      expect(inspect(err, { depth: 5 })).not.toContain(TOKEN);
    });

    test("lego's error stub (served with 401): an unknown gRPC code keeps the status's meaning", async () => {
      server.enqueue(served(fixtureText("stub-lego-error.json"), 401));
      const err = await rejectionOf(client.getDkim(ORG, ZONE));
      expect(err).toMatchObject({ code: "unauthenticated", grpcCode: 123, serviceMessage: "bar" });
      expect((err as Yandex360ApiError).cause).toMatchObject({ detailTypes: ["foo"] });
    });

    test("the DOC error body with other statuses: 400 invalid_argument, 409 already_exists, 422 api_error", async () => {
      const body = fixtureText("doc-error.json");
      server.enqueue(served(body, 400), served(body, 409), served(body, 422));
      const add = () =>
        client.addRecord(ORG, { domain: ZONE, type: "A", subdomain: "x", content: "192.0.2.1" });
      await expect(add()).rejects.toMatchObject({ code: "invalid_argument", grpcCode: 0 });
      await expect(add()).rejects.toMatchObject({ code: "already_exists" });
      await expect(add()).rejects.toMatchObject({ code: "api_error", status: 422 });
      expect(server.requests).toHaveLength(3);
    });
  });

  describe("mutations", () => {
    test("doc-dns-delete-response and lego's delete stub: 200 {} → resolved", async () => {
      server.enqueue(served(fixtureText("doc-dns-delete-response.json")));
      server.enqueue(served(fixtureText("stub-lego-delete-record.json")));
      await expect(client.deleteRecord(ORG, ZONE, 789465)).resolves.toBeUndefined();
      await expect(client.deleteRecord(ORG, ZONE, 42)).resolves.toBeUndefined();
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `DELETE /directory/v1/org/${ORG}/domains/${ZONE}/dns/789465`,
        `DELETE /directory/v1/org/${ORG}/domains/${ZONE}/dns/42`,
      ]);
      expect(server.requests[0].rawBody.length).toBe(0);
      expectAuthHeaders(server.requests[0]);
    });

    test("lego's TXT create: the body equals client-lego-create-request.json, JSON headers sent", async () => {
      const expected = fixtureJson("client-lego-create-request.json") as Record<string, unknown>;
      server.enqueue(
        served(
          JSON.stringify({ recordId: 555, type: "TXT", name: "_acme-challenge", ttl: 60, text: "txtxtxt" }),
        ),
      );
      const record = await client.addRecord(ORG, {
        domain: ZONE,
        type: "TXT",
        subdomain: String(expected.name),
        content: String(expected.text),
        ttl: Number(expected.ttl),
      });
      const [req] = server.requests;
      expect(req.method).toBe("POST");
      expect(req.path).toBe(`/directory/v1/org/${ORG}/domains/${ZONE}/dns`);
      expect(req.headers["content-type"]).toBe("application/json");
      expectAuthHeaders(req);
      expect(jsonBodyOf(req)).toEqual(expected);
      expect(record).toEqual({
        recordId: 555,
        domain: ZONE,
        type: "TXT",
        subdomain: "_acme-challenge",
        fqdn: "_acme-challenge.example.com",
        content: "txtxtxt",
        ttl: 60,
      });
    });

    test("acme.sh's TXT create: the body has exactly client-acme-sh-create-request.json's keys and values", async () => {
      const template = fixtureJson("client-acme-sh-create-request.json") as Record<string, unknown>;
      const sub = "_acme-challenge.www";
      const value = "gfj9Xq...Rg85nM";
      const expected = JSON.parse(
        JSON.stringify(template).replace("<sub>", sub).replace("<value>", value),
      ) as Record<string, unknown>;
      server.enqueue(served(JSON.stringify({ recordId: 9, type: "TXT", name: sub, ttl: 60, text: value })));
      await client.addRecord(ORG, { domain: ZONE, type: "TXT", subdomain: sub, content: value, ttl: 60 });
      expect(jsonBodyOf(server.requests[0])).toEqual(expected);
    });

    test("every type's create body only uses fields the DOC create body documents", async () => {
      const documented = Object.keys(fixtureJson("doc-dns-create-body.json") as object);
      server.setFallback(() => served('{"recordId":1}'));
      const cases = [
        { type: "A", content: "192.0.2.1" },
        { type: "AAAA", content: "2001:db8::1" },
        { type: "CNAME", content: "target.example.net." },
        { type: "NS", content: "ns1.example.net." },
        { type: "MX", content: "mx.example.net.", priority: 10 },
        { type: "TXT", content: "v=spf1 -all" },
        { type: "SRV", content: "sip.example.net.", priority: 1, weight: 2, port: 5060 },
        { type: "CAA", content: "letsencrypt.org", flag: 0, tag: "issue" },
      ] as const;
      for (const c of cases) {
        await client.addRecord(ORG, { domain: ZONE, subdomain: "x", ttl: 300, ...c });
      }
      for (const req of server.requests) {
        for (const key of Object.keys(jsonBodyOf(req) as object)) expect(documented).toContain(key);
      }
    });

    test("lego's add-record stub (recordID key, bogus type): the id is taken, the record is what was asked", async () => {
      server.enqueue(served(fixtureText("stub-lego-add-record.json")));
      const record = await client.addRecord(ORG, {
        domain: ZONE,
        type: "TXT",
        subdomain: "_acme-challenge",
        content: "txtxtxt",
        ttl: 60,
      });
      expect(record).toEqual({
        recordId: 789465,
        domain: ZONE,
        type: "TXT",
        subdomain: "_acme-challenge",
        fqdn: "_acme-challenge.example.com",
        content: "txtxtxt",
        ttl: 60,
      });
    });

    test("a create answer without any record id is an invalid response (outcome unknown)", async () => {
      server.enqueue(served("{}"));
      const err = await rejectionOf(
        client.addRecord(ORG, { domain: ZONE, type: "A", subdomain: "x", content: "192.0.2.1" }),
      );
      expect(err).toBeInstanceOf(PddResponseValidationError);
      expect(err).toMatchObject({ code: "invalid_response", outcomeUnknown: true });
      expect(err.message).toMatch(/^Yandex 360 API dns\/create/);
      expect(server.requests).toHaveLength(1);
    });
  });
});

/**
 * Yandex360Client behaviour over real HTTP against a small scripted loopback server: paging,
 * headers and bodies, retries, error mapping, and that the token never leaks.
 */
import { inspect } from "node:util";
import {
  PddConfigError,
  PddError,
  PddResponseValidationError,
  PddTransportError,
  YANDEX360_DEFAULT_ENDPOINT,
  YANDEX360_DNS_PAGE_SIZE,
  Yandex360ApiError,
  Yandex360Client,
  isYandex360ApiError,
  redactSecret,
} from "../../src/client";
import type { ApiClientEvent, Yandex360ClientOptions } from "../../src/client";
import type { ReceivedRequest, Reply, ReplayServer } from "../helpers/replayServer";
import { startReplayServer } from "../helpers/replayServer";
import { FAST_RETRY, rejectionOf } from "./support";

const TOKEN = "y0_AgAAAAB-test-token-0123456789";
const ORG = 7654321;
const ZONE = "example.com";
const DNS_PATH = `/directory/v1/org/${ORG}/domains/${ZONE}/dns`;

function json(body: unknown, status = 200, requestId?: string): Reply {
  return {
    kind: "json",
    status,
    body,
    contentType: "application/json",
    headers: requestId !== undefined ? { "x-request-id": requestId } : {},
  };
}

function refusal(status: number, code: number, message: string, requestId?: string): Reply {
  return json({ code, message, details: [] }, status, requestId);
}

function bodyOf(req: ReceivedRequest): Record<string, unknown> {
  return JSON.parse(req.rawBody.toString("utf8")) as Record<string, unknown>;
}

function wireA(id: number) {
  return { recordId: id, type: "A", name: `h${id}`, ttl: 300, address: `10.0.${id >> 8}.${id & 255}` };
}

/**
 * A DNS listing server for `count` records that serves at most `maxPerPage` a page and says so in
 * the echoed perPage; `refuseAbove` answers 400 code 3 to a larger perPage instead.
 */
function dnsZone(count: number, opts: { maxPerPage?: number; refuseAbove?: number; extra?: unknown[] } = {}) {
  const all: unknown[] = [...Array.from({ length: count }, (_, i) => wireA(i + 1)), ...(opts.extra ?? [])];
  return (req: ReceivedRequest): Reply => {
    const asked = Number(req.query.perPage ?? 50);
    if (opts.refuseAbove !== undefined && asked > opts.refuseAbove) {
      return refusal(400, 3, `perPage: must be at most ${opts.refuseAbove}`, "rid-400");
    }
    const perPage = Math.min(asked, opts.maxPerPage ?? Infinity);
    const page = Number(req.query.page ?? 1);
    return json({
      records: all.slice((page - 1) * perPage, page * perPage),
      page,
      pages: Math.ceil(all.length / perPage),
      perPage,
      total: all.length,
    });
  };
}

interface Rig {
  server: ReplayServer;
  client: Yandex360Client;
  events: ApiClientEvent[];
}

let rig: Rig;

async function startRig(options: Partial<Yandex360ClientOptions> = {}): Promise<Rig> {
  const server = await startReplayServer();
  const events: ApiClientEvent[] = [];
  const client = new Yandex360Client({
    token: TOKEN,
    endpoint: server.url,
    retry: FAST_RETRY,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { server, client, events };
}

async function stopRig(r: Rig | undefined): Promise<void> {
  if (!r) return;
  await r.client.close();
  await r.server.close();
}

describe("paging", () => {
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => stopRig(rig));

  test.each([
    [0, 1],
    [1, 1],
    [1000, 1],
    [1001, 3],
    [2500, 4],
  ])("%i records cost %i call(s) at 1000 a page", async (count, calls) => {
    rig.server.setFallback(dnsZone(count));
    const records = await rig.client.listRecords(ORG, ZONE);
    expect(records).toHaveLength(count);
    expect(new Set(records.map((r) => r.recordId)).size).toBe(count);
    // In the service's order, whatever order the pages were read in.
    expect(records.map((r) => r.recordId)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(rig.server.requests).toHaveLength(calls);
    // Page 1 (how many pages), then the last back to page 2, then page 1 again.
    const pages = calls === 1 ? [1] : [1, ...Array.from({ length: calls - 2 }, (_, i) => calls - 1 - i), 1];
    expect(rig.server.requests.map((r) => r.query)).toEqual(
      pages.map((page) => ({ page: String(page), perPage: String(YANDEX360_DNS_PAGE_SIZE) })),
    );
    expect(rig.client.stats().byEndpoint).toEqual({ "dns/list": calls });
  });

  test("a smaller echoed perPage is followed for the remaining pages", async () => {
    rig.server.setFallback(dnsZone(2500, { maxPerPage: 300 }));
    const records = await rig.client.listRecords(ORG, ZONE);
    expect(records).toHaveLength(2500);
    expect(rig.server.requests).toHaveLength(Math.ceil(2500 / 300) + 1);
    expect(rig.server.requests[0].query.perPage).toBe("1000");
    expect(rig.server.requests.slice(1).every((r) => r.query.perPage === "300")).toBe(true);
    // Not remembered: the next listing asks for the larger size again.
    await rig.client.listRecords(ORG, ZONE);
    expect(rig.server.requests[10].query.perPage).toBe("1000");
  });

  test("a record present for the whole listing is in it, though records before it are deleted meanwhile", async () => {
    // 25 records, 10 a page; while the listing runs, other writers delete records 1 and 2 (each
    // before one of the later page requests). Every later record moves towards page 1: a walk from
    // page 1 onwards would skip record 11 and then 22 (each crossed into a page already read).
    const zone = Array.from({ length: 25 }, (_, i) => wireA(i + 1));
    let served = 0;
    rig.server.setFallback((req) => {
      if (served === 1 || served === 2) zone.shift(); // records 1, then 2, deleted by someone else
      served++;
      const page = Number(req.query.page);
      return json({
        records: zone.slice((page - 1) * 10, page * 10),
        page,
        pages: Math.ceil(zone.length / 10),
        perPage: 10,
        total: zone.length,
      });
    });
    const listed = new Set((await rig.client.listRecords(ORG, ZONE)).map((r) => r.recordId));
    const present = Array.from({ length: 23 }, (_, i) => i + 3); // 3…25: there from start to end
    expect(present.filter((id) => !listed.has(id))).toEqual([]);
    expect(rig.server.requests.map((r) => r.query.page)).toEqual(["1", "3", "2", "1"]);
  });

  test("a 400 at perPage 1000 falls back to 100 once, and the client remembers it", async () => {
    rig.server.setFallback(dnsZone(250, { refuseAbove: 100 }));
    const records = await rig.client.listRecords(ORG, ZONE);
    expect(records).toHaveLength(250);
    expect(rig.server.requests.map((r) => r.query.perPage)).toEqual(["1000", "100", "100", "100", "100"]);
    expect(rig.client.dnsPageSize).toBe(100);

    await rig.client.listRecords(ORG, ZONE);
    expect(rig.server.requests.slice(5).map((r) => r.query.perPage)).toEqual(["100", "100", "100", "100"]);
  });

  test("a 400 that is not about the page size is thrown after one fallback attempt and not remembered", async () => {
    rig.server.setFallback(() => refusal(400, 3, "domain: invalid", "rid-bad"));
    const err = await rejectionOf(rig.client.listRecords(ORG, ZONE));
    expect(isYandex360ApiError(err, "invalid_argument")).toBe(true);
    expect(rig.server.requests.map((r) => r.query.perPage)).toEqual(["1000", "100"]);
    expect(rig.client.dnsPageSize).toBe(1000);
  });

  test("records repeated across pages are listed once; unknown types (SOA) are skipped", async () => {
    const first = json({
      records: [wireA(1), wireA(2), { recordId: 99, type: "SOA", name: "@", ttl: 3600 }],
      page: 1,
      pages: 2,
      perPage: 3,
      total: 5,
    });
    rig.server.enqueue(
      first,
      json({ records: [wireA(2), wireA(3)], page: 2, pages: 2, perPage: 3, total: 5 }),
      first,
    );
    const records = await rig.client.listRecords(ORG, ZONE);
    expect(records.map((r) => r.recordId)).toEqual([1, 2, 3]);

    rig.server.enqueue(json({ records: [wireA(1), { recordId: 99, type: "SOA", name: "@" }] }));
    const page = await rig.client.listRecordsPage(ORG, ZONE, 1, 50);
    expect(page).toMatchObject({ page: 0, pages: 0, perPage: 0, total: 0, skipped: 1 });
    expect(page.records.map((r) => r.recordId)).toEqual([1]);
  });

  test("a record of a known type that is malformed fails the listing loudly", async () => {
    rig.server.enqueue(json({ records: [wireA(1), { type: "A", name: "x", address: "10.0.0.1" }] }));
    const err = await rejectionOf(rig.client.listRecords(ORG, ZONE));
    expect(err).toBeInstanceOf(PddResponseValidationError);
    expect(err.message).toMatch(
      /^Yandex 360 API dns\/list returned an unexpected response: records\[1\]\.recordId/,
    );
  });

  test("numbers as strings and absent envelope counters are accepted", async () => {
    rig.server.enqueue(
      json({ records: [{ recordId: "12", type: "mx", name: "@", ttl: "600", exchange: "mx.example.net." }] }),
    );
    await expect(rig.client.listRecords(ORG, ZONE)).resolves.toEqual([
      {
        recordId: 12,
        domain: ZONE,
        type: "MX",
        subdomain: "@",
        fqdn: ZONE,
        content: "mx.example.net.",
        ttl: 600,
        priority: 0,
      },
    ]);
  });

  test("names: '', the zone, absolute names in the zone, upper case → relative lower-case subdomains", async () => {
    rig.server.enqueue(
      json({
        records: [
          { recordId: 1, type: "A", name: "", address: "192.0.2.1" },
          { recordId: 2, type: "A", name: "Example.COM.", address: "192.0.2.2" },
          { recordId: 3, type: "A", name: "WWW.example.com.", address: "192.0.2.3" },
          { recordId: 4, type: "A", name: "a.B", address: "192.0.2.4" },
          { recordId: 5, type: "CAA", name: "@", flag: 128, tag: "issue", value: '"ca.example.net"' },
        ],
      }),
    );
    const records = await rig.client.listRecords(ORG, ZONE);
    expect(records.map((r) => [r.subdomain, r.fqdn])).toEqual([
      ["@", ZONE],
      ["@", ZONE],
      ["www", "www.example.com"],
      ["a.b", "a.b.example.com"],
      ["@", ZONE],
    ]);
    expect(records[4]).toMatchObject({ content: "ca.example.net", flag: 128, tag: "issue" });
  });

  test("organizations: the cursor is followed, duplicates dropped, a repeated cursor ends the walk", async () => {
    rig.server.enqueue(
      json({ organizations: [{ id: 1, name: "one" }], nextPageToken: "c1" }),
      json({
        organizations: [
          { id: 2, name: "two" },
          { id: 1, name: "one" },
        ],
        nextPageToken: "c2",
      }),
      json({ organizations: [{ id: 3, name: "three" }], nextPageToken: "" }),
    );
    const orgs = await rig.client.listOrganizations();
    expect(orgs.map((o) => o.id)).toEqual([1, 2, 3]);
    expect(rig.server.requests.map((r) => r.query)).toEqual([
      { pageSize: "100" },
      { pageSize: "100", pageToken: "c1" },
      { pageSize: "100", pageToken: "c2" },
    ]);

    rig.server.enqueue(
      json({ organizations: [{ id: 1, name: "one" }], nextPageToken: "same" }),
      json({ organizations: [{ id: 2, name: "two" }], nextPageToken: "same" }),
    );
    await expect(rig.client.listOrganizations()).resolves.toHaveLength(2);
    expect(rig.server.requests).toHaveLength(5);
  });

  test("domains: 10 a page until `pages`, deduplicated by name", async () => {
    const names = Array.from({ length: 23 }, (_, i) => `d${i}.example`);
    rig.server.setFallback((req) => {
      const page = Number(req.query.page);
      const perPage = Number(req.query.perPage);
      const slice = names.slice((page - 1) * perPage, page * perPage).map((name) => ({ name }));
      if (page === 2) slice.push({ name: "d0.example" }); // a repeat
      return json({
        domains: slice,
        page,
        pages: Math.ceil(names.length / perPage),
        perPage,
        total: names.length,
      });
    });
    const domains = await rig.client.listDomains(ORG);
    expect(domains.map((d) => d.name)).toEqual(names);
    expect(domains[0]).toEqual({
      name: "d0.example",
      mx: false,
      delegated: false,
      master: false,
      verified: false,
    });
    expect(rig.server.requests.map((r) => r.query)).toEqual([
      { page: "1", perPage: "10" },
      { page: "2", perPage: "10" },
      { page: "3", perPage: "10" },
    ]);
  });
});

describe("requests", () => {
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => stopRig(rig));

  test("every request carries Authorization: OAuth <token> and JSON accept; writes a JSON body", async () => {
    rig.server.enqueue(
      json({ records: [] }),
      json({ recordId: 5, type: "A", name: "w", address: "192.0.2.5" }),
    );
    await rig.client.listRecords(ORG, ZONE);
    await rig.client.addRecord(ORG, {
      domain: ZONE,
      type: "A",
      subdomain: "w",
      content: "192.0.2.5",
      ttl: 60,
    });
    const [get, post] = rig.server.requests;
    for (const req of [get, post]) {
      expect(req.headers.authorization).toBe(`OAuth ${TOKEN}`);
      expect(req.headers.accept).toBe("application/json");
      expect(req.headers.pddtoken).toBeUndefined();
    }
    expect(get.headers["content-type"]).toBeUndefined();
    expect(post.headers["content-type"]).toBe("application/json");
    expect(bodyOf(post)).toEqual({ name: "w", type: "A", ttl: 60, address: "192.0.2.5" });
  });

  test("create bodies per type: MX preference, SRV fields and target, CAA flag/tag/value, apex as @", async () => {
    rig.server.setFallback(() => json({ recordId: 1 }));
    const add = (p: Parameters<Yandex360Client["addRecord"]>[1]) => rig.client.addRecord(ORG, p);
    await add({ domain: ZONE, type: "MX", content: "mx.yandex.net.", priority: 10, ttl: 21600 });
    await add({
      domain: ZONE,
      type: "SRV",
      subdomain: "_sip._tcp",
      target: "sip.example.net.",
      priority: 1,
      weight: 2,
      port: 5060,
    });
    await add({ domain: ZONE, type: "SRV", subdomain: "_x._udp", content: "x.example.net." });
    await add({ domain: ZONE, type: "CAA", subdomain: "@", content: "letsencrypt.org", tag: "issue" });
    await add({ domain: ZONE, type: "TXT", subdomain: "", content: 'v=DKIM1; k=rsa\\; p="x"' });
    await add({ domain: ZONE, type: "NS", subdomain: "sub", content: "ns1.example.net." });
    await add({ domain: ZONE, type: "AAAA", subdomain: "v6", content: "2001:db8::1" });
    await add({ domain: ZONE, type: "CNAME", subdomain: "www", content: "example.net." });
    expect(rig.server.requests.map(bodyOf)).toEqual([
      { name: "@", type: "MX", ttl: 21600, exchange: "mx.yandex.net.", preference: 10 },
      { name: "_sip._tcp", type: "SRV", priority: 1, weight: 2, port: 5060, target: "sip.example.net." },
      { name: "_x._udp", type: "SRV", priority: 0, weight: 0, port: 0, target: "x.example.net." },
      { name: "@", type: "CAA", flag: 0, tag: "issue", value: "letsencrypt.org" },
      { name: "@", type: "TXT", text: 'v=DKIM1; k=rsa\\; p="x"' },
      { name: "sub", type: "NS", target: "ns1.example.net." },
      { name: "v6", type: "AAAA", address: "2001:db8::1" },
      { name: "www", type: "CNAME", target: "example.net." },
    ]);
  });

  test("SOA cannot be created on Yandex 360: a config error, nothing sent", async () => {
    const err = await rejectionOf(rig.client.addRecord(ORG, { domain: ZONE, type: "SOA", content: "ns." }));
    expect(err).toBeInstanceOf(PddConfigError);
    expect(err.message).toMatch(/no "SOA" records/);
    expect(rig.server.requests).toHaveLength(0);
  });

  test("a bad orgId or record id is refused before sending, naming pdd:orgId", async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      const err = await rejectionOf(rig.client.listRecords(bad, ZONE));
      expect(err).toBeInstanceOf(PddConfigError);
      expect(err.message).toContain("pdd:orgId");
    }
    await expect(rig.client.deleteRecord(ORG, ZONE, -3)).rejects.toBeInstanceOf(PddConfigError);
    await expect(rig.client.listRecords(ORG, "")).rejects.toBeInstanceOf(PddConfigError);
    expect(rig.server.requests).toHaveLength(0);
  });

  test("path segments are percent-encoded; domains are sent as given", async () => {
    rig.server.setFallback(() => json({ records: [] }));
    await rig.client.listRecords(ORG, "xn--e1afmkfd.xn--p1ai");
    await rig.client.listRecords(ORG, "a/b?c#d");
    expect(rig.server.requests[0].path).toBe(`/directory/v1/org/${ORG}/domains/xn--e1afmkfd.xn--p1ai/dns`);
    expect(rig.server.requests[1].path).toBe(`/directory/v1/org/${ORG}/domains/a%2Fb%3Fc%23d/dns`);
  });

  test("edit: POST …/dns/{id} with the full body; the answered record is returned", async () => {
    rig.server.enqueue(json({ recordId: 31, type: "TXT", name: "t", ttl: 600, text: "new" }));
    const edited = await rig.client.editRecord(ORG, {
      domain: ZONE,
      recordId: 31,
      type: "TXT",
      subdomain: "t",
      content: "new",
      ttl: 600,
    });
    expect(edited).toEqual({
      recordId: 31,
      domain: ZONE,
      type: "TXT",
      subdomain: "t",
      fqdn: "t.example.com",
      content: "new",
      ttl: 600,
    });
    const [req] = rig.server.requests;
    expect(`${req.method} ${req.path}`).toBe(`POST ${DNS_PATH}/31`);
    expect(bodyOf(req)).toEqual({ name: "t", type: "TXT", ttl: 600, text: "new" });
  });

  test.each([
    ["an empty body", { kind: "text", body: "", contentType: "application/json" } as Reply],
    ["{}", json({})],
    ["only the id", json({ recordId: 44 })],
  ])("edit answered with %s: the record built from the request, same id", async (_label, reply) => {
    rig.server.enqueue(reply);
    const edited = await rig.client.editRecord(ORG, {
      domain: ZONE,
      recordId: 44,
      type: "SRV",
      subdomain: "_sip._tcp",
      target: "sip.example.net.",
      priority: 5,
      weight: 6,
      port: 5061,
      ttl: 300,
    });
    expect(edited).toEqual({
      recordId: 44,
      domain: ZONE,
      type: "SRV",
      subdomain: "_sip._tcp",
      fqdn: "_sip._tcp.example.com",
      content: "sip.example.net.",
      ttl: 300,
      priority: 5,
      weight: 6,
      port: 5061,
    });
  });

  test("delete accepts 200 with {} or an empty body, and any 2xx", async () => {
    rig.server.enqueue(json({}), { kind: "text", body: "", status: 204 }, json({}, 202));
    for (let i = 0; i < 3; i++) await rig.client.deleteRecord(ORG, ZONE, 8);
    expect(rig.server.requests.every((r) => r.method === "DELETE" && r.path === `${DNS_PATH}/8`)).toBe(true);
  });

  test("a non-JSON 200 body is an invalid_json transport error with the request id", async () => {
    rig.server.setFallback(() => ({
      kind: "text",
      body: "<html>oops</html>",
      contentType: "text/html",
      headers: { "x-request-id": "rid-html" },
    }));
    const err = await rejectionOf(rig.client.listOrganizations());
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "invalid_json", requestId: "rid-html" });
    expect(err.message).toContain("X-Request-Id: rid-html");
    // A GET is retried after an unreadable answer (FAST_RETRY: 3 retries).
    expect(rig.server.requests).toHaveLength(4);
  });

  test("stats and events name the method label, never the org, domain or id", async () => {
    rig.server.enqueue(json({ records: [] }), json({}));
    await rig.client.listRecords(ORG, ZONE);
    await rig.client.deleteRecord(ORG, ZONE, 5);
    expect(rig.client.stats()).toEqual({
      requests: 2,
      retries: 0,
      byEndpoint: { "dns/list": 1, "dns/delete": 1 },
    });
    expect(rig.events.map((e) => `${e.type} ${e.method} ${e.endpoint}`)).toEqual([
      "request GET dns/list",
      "response GET dns/list",
      "request DELETE dns/delete",
      "response DELETE dns/delete",
    ]);
    expect(JSON.stringify(rig.events)).not.toContain(String(ORG));
  });
});

describe("retries", () => {
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => stopRig(rig));

  const ADD = { domain: ZONE, type: "TXT" as const, subdomain: "_acme-challenge", content: "tok", ttl: 60 };

  test("GETs are retried on 503 and on a reset connection", async () => {
    rig.server.enqueue(
      { kind: "status", status: 503, retryAfter: "0" },
      { kind: "reset" },
      json({ records: [wireA(1)], page: 1, pages: 1, perPage: 1000, total: 1 }),
    );
    await expect(rig.client.listRecords(ORG, ZONE)).resolves.toHaveLength(1);
    expect(rig.server.requests).toHaveLength(3);
    expect(rig.events.filter((e) => e.type === "retry").map((e) => (e as { code: string }).code)).toEqual([
      "http_status",
      "connection_reset",
    ]);
  });

  test("a create whose answer was lost is not sent again (outcome unknown)", async () => {
    rig.server.enqueue({ kind: "reset" });
    const err = await rejectionOf(rig.client.addRecord(ORG, ADD));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "connection_reset", outcomeUnknown: true, endpoint: "dns/create" });
    expect(err.message).toMatch(/^Yandex 360 API dns\/create: .*may have been applied/);
    expect(rig.server.requests).toHaveLength(1);
  });

  test("a create answered 500 is not sent again; an edit neither", async () => {
    rig.server.setFallback(() => refusal(500, 13, "internal", "rid-500"));
    const err = await rejectionOf(rig.client.addRecord(ORG, ADD));
    expect(err).toMatchObject({
      code: "http_status",
      status: 500,
      outcomeUnknown: true,
      requestId: "rid-500",
    });
    expect(err.message).toContain("X-Request-Id: rid-500");
    await expect(
      rig.client.editRecord(ORG, { domain: ZONE, recordId: 1, type: "A", content: "192.0.2.1" }),
    ).rejects.toMatchObject({ status: 500 });
    expect(rig.server.requests).toHaveLength(2);
  });

  test("429 is retried, even for a create (the service refused it)", async () => {
    rig.server.enqueue(
      { kind: "status", status: 429, retryAfter: "0" },
      json({ code: 8, message: "too many requests", details: [] }, 429),
      json({ recordId: 70, type: "TXT", name: "_acme-challenge", ttl: 60, text: "tok" }),
    );
    await expect(rig.client.addRecord(ORG, ADD)).resolves.toMatchObject({ recordId: 70 });
    expect(rig.server.requests).toHaveLength(3);
    expect(bodyOf(rig.server.requests[2])).toEqual(bodyOf(rig.server.requests[0]));
  });

  test("a delete is retried on 503; a 404 after it is reported as not_found", async () => {
    rig.server.enqueue(
      { kind: "status", status: 503, retryAfter: "0" },
      refusal(404, 5, "not_found", "rid-404"),
    );
    const err = await rejectionOf(rig.client.deleteRecord(ORG, ZONE, 12));
    expect(isYandex360ApiError(err, "not_found")).toBe(true);
    expect(rig.server.requests).toHaveLength(2);
  });

  test("refusals (4xx) are not retried", async () => {
    for (const status of [400, 401, 403, 404, 409]) {
      rig.server.enqueue(refusal(status, 3, "no"));
      await expect(rig.client.getDkim(ORG, ZONE)).rejects.toBeInstanceOf(Yandex360ApiError);
    }
    expect(rig.server.requests).toHaveLength(5);
    expect(rig.client.stats().retries).toBe(0);
  });
});

describe("error mapping", () => {
  beforeEach(async () => {
    rig = await startRig({ retry: { retries: 0 } });
  });
  afterEach(() => stopRig(rig));

  test.each([
    [400, 3, "invalid_argument"],
    [401, 16, "unauthenticated"],
    [403, 7, "permission_denied"],
    [404, 5, "not_found"],
    [409, 6, "already_exists"],
    [412, 9, "api_error"],
  ])("HTTP %i (code %i) → %s, outcome known, X-Request-Id in the message", async (status, code, expected) => {
    rig.server.enqueue(refusal(status, code, "service text", "req-123"));
    const err = await rejectionOf(rig.client.getDkim(ORG, ZONE));
    expect(err).toBeInstanceOf(Yandex360ApiError);
    expect(err).toBeInstanceOf(PddError);
    expect(err).toMatchObject({
      code: expected,
      status,
      grpcCode: code,
      serviceMessage: "service text",
      requestId: "req-123",
      outcomeUnknown: false,
      endpoint: "domains/dkim",
    });
    expect(err.message).toContain("X-Request-Id: req-123");
    expect(err.message).toMatch(
      /^Yandex 360 API domains\/dkim failed with HTTP \d+ \(code \d+, "service text"\)/,
    );
    expect(isYandex360ApiError(err)).toBe(true);
    expect(isYandex360ApiError(err, expected as Yandex360ApiError["code"])).toBe(true);
    expect(isYandex360ApiError(new Error("x"))).toBe(false);
  });

  test("403 other than Not an admin still names the orgId setting and the scopes", async () => {
    rig.server.enqueue(refusal(403, 7, "insufficient scope"));
    const err = await rejectionOf(rig.client.listDomains(ORG));
    expect(err).toMatchObject({ code: "permission_denied", setting: "pdd:orgId" });
    expect(err.message).toContain("pdd:orgId");
    expect(err.message).toContain("directory:read_domains");
  });

  test.each([
    ["a plain-text 401", { kind: "status", status: 401, body: "Unauthorized" } as Reply],
    [
      "an HTML 403",
      { kind: "text", status: 403, contentType: "text/html", body: "<title>Forbidden</title>" } as Reply,
    ],
    ["an unexpected JSON 404", json({ error: "nope" }, 404)],
  ])("%s stays a transport http_status error (no API body to read)", async (_label, reply) => {
    rig.server.enqueue(reply);
    const err = await rejectionOf(rig.client.listRecords(ORG, ZONE));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "http_status", outcomeUnknown: false });
    expect(err.message).toMatch(/^Yandex 360 API dns\/list answered HTTP 40\d/);
  });
});

describe("the token never leaks", () => {
  function everyTextOf(err: Error): string[] {
    return [
      err.message,
      String(err.stack),
      String(err),
      JSON.stringify(err),
      JSON.stringify(err, Object.getOwnPropertyNames(err)),
      JSON.stringify(err.cause),
      JSON.stringify({ ...err }),
      inspect(err, { depth: 10, showHidden: true }),
    ];
  }

  afterEach(() => stopRig(rig));

  const echoes: Record<string, (t: string) => Reply> = {
    "401 message": (t) => refusal(401, 16, `token ${t} is not valid`, `rid-${t}`),
    "403 detail type": (t) =>
      json({ code: 7, message: "Not an admin", details: [{ "@type": t, requestId: t }] }, 403),
    "500 body": (t) => ({ kind: "text", status: 500, body: `crash for OAuth ${t}` }),
    "200 validation": (t) => json({ records: [{ recordId: t, type: "A", [t]: t }] }),
  };

  test.each(Object.keys(echoes))("server echoes the token in: %s", async (name) => {
    rig = await startRig({ retry: { retries: 0 } });
    rig.server.setFallback((req) => echoes[name](String(req.headers.authorization).replace(/^OAuth /, "")));
    const err = await rejectionOf(rig.client.listRecords(ORG, ZONE));
    expect(rig.server.requests[0].headers.authorization).toBe(`OAuth ${TOKEN}`);
    expect(err).toBeInstanceOf(PddError);
    for (const text of everyTextOf(err)) expect(text).not.toContain(TOKEN);
    expect(JSON.stringify(rig.events)).not.toContain(TOKEN);
  });

  test("the client shows no token when inspected or serialized", async () => {
    const client = new Yandex360Client({ token: TOKEN, endpoint: "http://127.0.0.1:1" });
    try {
      expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(TOKEN);
      expect(JSON.stringify(client)).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  });

  test.each(["a", "Q7", "OA"])(
    "a %j token: echoes are redacted, the client's own text is intact",
    async (short) => {
      rig = await startRig({ token: short, retry: { retries: 0 } });
      rig.server.setFallback(() => refusal(401, 16, `token ${short} is not valid`, "rid-short"));
      const err = await rejectionOf(rig.client.listRecords(ORG, ZONE));
      expect(rig.server.requests[0].headers.authorization).toBe(`OAuth ${short}`);
      expect(err.message).toMatch(
        /^Yandex 360 API dns\/list failed with HTTP 401 \(code 16, "token \[REDACTED\] is not valid"\): the OAuth token/,
      );
      for (const hint of [
        "pdd:token",
        "PDD_TOKEN",
        "YANDEX360_OAUTH_TOKEN",
        "directory:manage_dns",
        "X-Request-Id: rid-short",
      ]) {
        expect(err.message).toContain(hint);
      }
      expect((err as Yandex360ApiError).serviceMessage).toBe("token [REDACTED] is not valid");
      expect(err.message).not.toMatch(new RegExp(`(?<![A-Za-z0-9])${short}(?![A-Za-z0-9])`));
    },
  );

  test("redactSecret: short secrets only where they stand alone, long ones everywhere", () => {
    expect(redactSecret("Yandex 360 API: token=a, a.", "a")).toBe(
      "Yandex 360 API: token=[REDACTED], [REDACTED].",
    );
    expect(redactSecret("OAuth OA", "OA")).toBe("OAuth [REDACTED]");
    expect(redactSecret(`x${TOKEN}y`, TOKEN)).toBe("x[REDACTED]y");
  });
});

describe("configuration", () => {
  test("token and endpoint checks name Yandex 360 and its settings", () => {
    const missing = rejectionSync(() => new Yandex360Client({ token: "" }));
    expect(missing).toBeInstanceOf(PddConfigError);
    expect(missing.message).toContain("YANDEX360_OAUTH_TOKEN");
    expect(() => new Yandex360Client({ token: "abc\r\nX: 1" })).toThrow(
      /Yandex 360 token contains whitespace/,
    );
    const http = rejectionSync(
      () => new Yandex360Client({ token: "abc", endpoint: "http://api360.example.net" }),
    );
    expect(http).toBeInstanceOf(PddConfigError);
    expect(http.message).toMatch(/^The Yandex 360 endpoint .* plain http to a non-loopback host/);
    expect((http as PddConfigError).setting).toBe("endpoint");
    expect(() => new Yandex360Client({ token: "abc", endpoint: "https://u:p@x.example" })).toThrow(
      /Authorization header/,
    );
    expect(() => new Yandex360Client({ token: "abc", requestTimeoutMs: 0 })).toThrow(PddConfigError);
  });

  test("the default endpoint is api360.yandex.net; a path prefix is kept", async () => {
    const client = new Yandex360Client({ token: "abc" });
    expect(client.endpoint).toBe(YANDEX360_DEFAULT_ENDPOINT);
    await client.close();

    rig = await startRig();
    const prefixed = new Yandex360Client({ token: "abc", endpoint: `${rig.server.url}/proxy/` });
    try {
      rig.server.enqueue(json({ records: [] }));
      await prefixed.listRecords(ORG, ZONE);
      expect(rig.server.requests[0].path).toBe(`/proxy${DNS_PATH}`);
    } finally {
      await prefixed.close();
      await stopRig(rig);
    }
  });
});

function rejectionSync(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a throw");
}

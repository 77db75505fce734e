/**
 * The emulator's Yandex 360 face (/directory/v1/...): real HTTP on loopback, checked against the raw
 * wire (status, headers, JSON text) and against the state shared with the PDD face.
 */
import { createPublicKey } from "node:crypto";
import { Agent, request } from "undici";
import type { PddEmulator, RawRecord } from "../../src/emulator";
import { DEFAULT_ORG_ID, startEmulator, YANDEX360_ENDPOINTS } from "../../src/emulator";
import { call, TOKEN } from "./apiClient";
import type { Answer } from "./yandex360ApiClient";
import {
  errorBody,
  expectError,
  expectSuccessHeaders,
  NOT_AN_ADMIN,
  NOT_FOUND,
  truthy,
  UNAUTHORIZED,
  y360,
} from "./yandex360ApiClient";

const DOMAIN = "example.com";
const ORG = DEFAULT_ORG_ID;
const DNS = `/directory/v1/org/${ORG}/domains/${DOMAIN}/dns`;

describe("Yandex 360 face: auth, headers and routing", () => {
  let emu: PddEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN, "other.org"], token: "s3cret-token" });
  });
  afterEach(async () => {
    await emu.close();
  });

  test("takes the PddToken value as `Authorization: OAuth <token>`; success headers; compact JSON", async () => {
    const answer = await y360(emu, "GET", "/directory/v1/org", undefined, { auth: "OAuth s3cret-token" });
    expect(answer.status).toBe(200);
    expectSuccessHeaders(answer);
    expect(answer.text).toBe(
      `{"organizations":[{"id":${ORG},"name":"Organization ${ORG}","email":"","phone":"","fax":"",` +
        `"language":"ru","subscriptionPlan":"free"}],"nextPageToken":""}`,
    );
    // The scheme is case-insensitive, as HTTP auth schemes are.
    expect(
      (await y360(emu, "GET", "/directory/v1/org", undefined, { auth: "oauth s3cret-token" })).status,
    ).toBe(200);
    const again = await y360(emu, "GET", "/directory/v1/org", undefined, { auth: "OAuth s3cret-token" });
    expect(again.headers["x-request-id"]).not.toBe(answer.headers["x-request-id"]);
  });

  test.each([
    ["no Authorization header", null],
    ["a wrong token", "OAuth nope"],
    ["the Bearer scheme", "Bearer s3cret-token"],
    ["a bare token", "s3cret-token"],
    ["OAuth without a token", "OAuth "],
  ])("401 code 16 for %s, on every endpoint, and nothing is applied", async (_what, auth) => {
    const targets: Array<["GET" | "POST" | "DELETE", string, unknown]> = [
      ["GET", "/directory/v1/org", undefined],
      ["GET", `/directory/v1/org/${ORG}/domains`, undefined],
      ["GET", `/directory/v1/org/${ORG}/domains/${DOMAIN}/dkim`, undefined],
      ["GET", DNS, undefined],
      ["POST", DNS, { name: "x", type: "TXT", ttl: 60, text: "t" }],
      ["POST", `${DNS}/${emu.records(DOMAIN)[0]!.record_id}`, { name: "@", type: "MX", exchange: "a.b" }],
      ["DELETE", `${DNS}/${emu.records(DOMAIN)[0]!.record_id}`, undefined],
    ];
    const before = emu.records(DOMAIN);
    for (const [method, target, body] of targets) {
      const answer = await y360(emu, method, target, body, { auth });
      expectError(answer, 401, 16, "Unauthorized");
      expect(answer.json).toEqual(UNAUTHORIZED);
    }
    // A PddToken header does not count on this face.
    const pddHeader = await request(`${emu.url}${DNS}`, { headers: { PddToken: "s3cret-token" } });
    expect(pddHeader.statusCode).toBe(401);
    await pddHeader.body.dump();
    expect(emu.records(DOMAIN)).toEqual(before);
    expect(emu.stats().mutationsApplied).toBe(0);
  });

  test("unknown paths are 404 code 5; a known path with another method is 405 code 12 with Allow", async () => {
    const auth = "OAuth s3cret-token";
    for (const target of [
      "/directory",
      "/directory/v1",
      "/directory/v1/nope",
      `/directory/v1/org/${ORG}/users`,
      `/directory/v1/org/${ORG}/domains/${DOMAIN}`,
      `/directory/v1/org/${ORG}/domains/${DOMAIN}/dns/1/extra`,
    ]) {
      const answer = await y360(emu, "GET", target, undefined, { auth });
      expectError(answer, 404, 5, "not_found");
    }
    const put = await y360(emu, "PUT", DNS, {}, { auth });
    expectError(put, 405, 12, "Method Not Allowed");
    expect(put.headers.allow).toBe("GET, POST");
    const getOne = await y360(emu, "GET", `${DNS}/1`, undefined, { auth });
    expectError(getOne, 405, 12);
    expect(getOne.headers.allow).toBe("POST, DELETE");
    const postOrg = await y360(emu, "POST", "/directory/v1/org", {}, { auth });
    expectError(postOrg, 405, 12);
    expect(postOrg.headers.allow).toBe("GET");
    // Neither counts as an endpoint.
    expect(emu.stats().requests.byEndpoint).toEqual({});
    expect(emu.stats().requests.total).toBe(9);
  });

  test("bad path parameters are 400 code 3 naming the parameter", async () => {
    const auth = "OAuth s3cret-token";
    expectError(
      await y360(emu, "GET", "/directory/v1/org/abc/domains", undefined, { auth }),
      400,
      3,
      /^orgId:/,
    );
    expectError(await y360(emu, "DELETE", `${DNS}/12x`, undefined, { auth }), 400, 3, /^recordId:/);
    expectError(await y360(emu, "GET", `${DNS}?page=-1`, undefined, { auth }), 400, 3, /^page:/);
    expectError(await y360(emu, "GET", `${DNS}?perPage=ten`, undefined, { auth }), 400, 3, /^perPage:/);
  });
});

describe("Yandex 360 face: organizations and domains", () => {
  test("GET /org pages with a cursor: pageSize default 10, max 100, nextPageToken empty on the last page", async () => {
    const orgIds = Array.from({ length: 105 }, (_, i) => 9000 + ((i * 37) % 105)); // not in order
    const emu = await startEmulator({ orgIds, domains: [] });
    try {
      const first = await y360(emu, "GET", "/directory/v1/org");
      expect(first.status).toBe(200);
      expect(first.json.organizations.map((org: { id: number }) => org.id)).toEqual(
        Array.from({ length: 10 }, (_, i) => 9000 + i),
      );
      expect(first.json.nextPageToken).not.toBe("");

      // Walk with pageSize 40: ids ascending, no repeats, the last page's token is "".
      const seen: number[] = [];
      let token = "";
      let pages = 0;
      do {
        const answer = await y360(
          emu,
          "GET",
          `/directory/v1/org?pageSize=40${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`,
        );
        expect(answer.status).toBe(200);
        expect(Object.keys(answer.json)).toEqual(["organizations", "nextPageToken"]);
        seen.push(...answer.json.organizations.map((org: { id: number }) => org.id));
        token = answer.json.nextPageToken;
        pages++;
      } while (token !== "");
      expect(pages).toBe(3);
      expect(seen).toEqual([...orgIds].sort((a, b) => a - b));

      const capped = await y360(emu, "GET", "/directory/v1/org?pageSize=1000");
      expect(capped.json.organizations).toHaveLength(100);
      expect(capped.json.nextPageToken).not.toBe("");
      expectError(await y360(emu, "GET", "/directory/v1/org?pageToken=garbage"), 400, 3, /^pageToken:/);
    } finally {
      await emu.close();
    }
  });

  test("GET …/domains: the org's domains only, perPage capped at 10 (and echoed), page/pages/total", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `d${String(i).padStart(2, "0")}.test`);
    const emu = await startEmulator({
      orgIds: [ORG, 777],
      domains: [...names, { name: "elsewhere.test", orgId: 777 }],
    });
    try {
      const first = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains?perPage=50`);
      expect(first.status).toBe(200);
      expectSuccessHeaders(first);
      expect(first.json).toMatchObject({ page: 1, pages: 2, perPage: 10, total: 12 });
      expect(Object.keys(first.json)).toEqual(["domains", "page", "pages", "perPage", "total"]);
      expect(first.json.domains.map((d: { name: string }) => d.name)).toEqual(names.slice(0, 10));
      const second = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains?page=2&perPage=50`);
      expect(second.json).toMatchObject({ page: 2, pages: 2, perPage: 10, total: 12 });
      expect(second.json.domains.map((d: { name: string }) => d.name)).toEqual(names.slice(10));
      const small = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains?perPage=5&page=3`);
      expect(small.json).toMatchObject({ page: 3, pages: 3, perPage: 5, total: 12 });
      expect(small.json.domains).toHaveLength(2);
      const beyond = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains?page=9`);
      expect(beyond.json).toEqual({ domains: [], page: 9, pages: 2, perPage: 10, total: 12 });

      const other = await y360(emu, "GET", "/directory/v1/org/777/domains");
      expect(other.json.domains.map((d: { name: string }) => d.name)).toEqual(["elsewhere.test"]);

      // Domain objects: the documented fields; `status` absent on some, with null checks on others.
      const all = [...first.json.domains, ...second.json.domains, ...other.json.domains];
      const variants = new Set<string>();
      for (const domain of all) {
        expect(domain).toMatchObject({ country: "ru", mx: true, delegated: true });
        expect(typeof domain.master).toBe("boolean");
        expect(typeof domain.verified).toBe("boolean");
        if (!("status" in domain)) {
          expect(Object.keys(domain)).toEqual(["name", "country", "mx", "delegated", "master", "verified"]);
          variants.add("none");
          continue;
        }
        const status = domain.status;
        expect(status.name).toBe(domain.name);
        expect(Date.parse(status.lastCheck)).toBeGreaterThan(Date.parse(status.lastAdded));
        expect(status.spf).toEqual({ match: true, value: "v=spf1 redirect=_spf.yandex.net" });
        if (status.mx === null) {
          expect(status).toMatchObject({ ns: null, dkim: null });
          variants.add("null");
        } else {
          expect(status.mx).toEqual({ match: true, value: "host=mx.yandex.net priority=10" });
          expect(status.ns).toEqual({ match: true, value: "dns1.yandex.net\ndns2.yandex.net" });
          expect(status.dkim.match).toBe(false); // no DKIM TXT published
          expect(status.dkim.value).toMatch(/^v=DKIM1; k=rsa; t=s; p=MI[A-Za-z0-9+/]+=*$/);
          variants.add("full");
        }
      }
      expect([...variants].sort()).toEqual(["full", "none", "null"]);
      // Stable per name: the same answer twice.
      expect((await y360(emu, "GET", `/directory/v1/org/${ORG}/domains`)).json).toEqual(first.json);
    } finally {
      await emu.close();
    }
  });

  test("mx and delegated follow the zone: removing the apex MX via PDD turns mx false", async () => {
    const emu = await startEmulator({ domains: [DOMAIN] });
    try {
      const mx = emu.records(DOMAIN).find((record) => record.type === "MX")!;
      await call(emu, "dns/del", { domain: DOMAIN, record_id: mx.record_id });
      const answer = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains`);
      expect(answer.json.domains[0]).toMatchObject({ name: DOMAIN, mx: false, delegated: true });
    } finally {
      await emu.close();
    }
  });

  test("a foreign orgId is 403 code 7 on every org endpoint; a domain of another org is 404 code 5", async () => {
    const emu = await startEmulator({
      orgIds: [ORG, 42],
      domains: [DOMAIN, { name: "their.org", orgId: 42 }],
    });
    try {
      for (const [method, target] of [
        ["GET", "/directory/v1/org/999/domains"],
        ["GET", `/directory/v1/org/999/domains/${DOMAIN}/dkim`],
        ["GET", `/directory/v1/org/999/domains/${DOMAIN}/dns`],
        ["POST", `/directory/v1/org/999/domains/${DOMAIN}/dns`],
        ["POST", `/directory/v1/org/999/domains/${DOMAIN}/dns/1`],
        ["DELETE", `/directory/v1/org/999/domains/${DOMAIN}/dns/1`],
      ] as const) {
        const answer = await y360(
          emu,
          method,
          target,
          method === "POST" ? { name: "a", text: "b" } : undefined,
        );
        expectError(answer, 403, 7, "Not an admin");
        expect(answer.json).toEqual(NOT_AN_ADMIN);
      }
      for (const target of [
        `/directory/v1/org/42/domains/${DOMAIN}/dns`,
        `/directory/v1/org/${ORG}/domains/their.org/dkim`,
        `/directory/v1/org/${ORG}/domains/nope.test/dns`,
        `/directory/v1/org/${ORG}/domains/not%20a%20domain/dns`,
      ]) {
        const answer = await y360(emu, "GET", target);
        expectError(answer, 404, 5);
        expect(answer.json).toEqual(NOT_FOUND);
      }
      expect((await y360(emu, "GET", "/directory/v1/org/42/domains/their.org/dns")).status).toBe(200);
      expect(emu.stats().mutationsApplied).toBe(0);
    } finally {
      await emu.close();
    }
  });

  test("DKIM: `enabled` is the PDD face's dkim-ready; a real 1024-bit RSA key, stable once made", async () => {
    const names = ["a.test", "b.test", "c.test", "example.com", "h.test", "other.org"];
    const emu = await startEmulator({ domains: names });
    try {
      const pdd = await call(emu, "domain/domains", {});
      const ready = new Map(
        (pdd.domains as Array<Record<string, unknown>>).map((d) => [
          d.name as string,
          truthy(d["dkim-ready"]),
        ]),
      );
      const seen = new Set<boolean>();
      for (const name of names) {
        const answer = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains/${name}/dkim`);
        expect(answer.status).toBe(200);
        expectSuccessHeaders(answer);
        expect(Object.keys(answer.json)).toEqual(["enabled", "publicKey"]);
        expect(answer.json.enabled).toBe(ready.get(name));
        seen.add(answer.json.enabled);
        const key = createPublicKey({
          key: Buffer.from(answer.json.publicKey, "base64"),
          format: "der",
          type: "spki",
        });
        expect(key.asymmetricKeyType).toBe("rsa");
        expect(key.asymmetricKeyDetails?.modulusLength).toBe(1024);
        const again = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains/${name}/dkim`);
        expect(again.json.publicKey).toBe(answer.json.publicKey);
      }
      expect([...seen].sort()).toEqual([false, true]); // both states occur among these domains
      const a = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains/a.test/dkim`);
      const b = await y360(emu, "GET", `/directory/v1/org/${ORG}/domains/b.test/dkim`);
      expect(a.json.publicKey).not.toBe(b.json.publicKey);
      expect(emu.stats().mutationsApplied).toBe(0);
    } finally {
      await emu.close();
    }
  });
});

describe("Yandex 360 face: DNS", () => {
  let emu: PddEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN, "other.org"], seed: 11 });
  });
  afterEach(async () => {
    await emu.close();
  });

  const create = (body: unknown, domain = DOMAIN): Promise<Answer> =>
    y360(emu, "POST", `/directory/v1/org/${ORG}/domains/${domain}/dns`, body);
  const list = async (query = ""): Promise<Answer> => y360(emu, "GET", `${DNS}${query}`);

  test("list: the default zone without PDD's SOA, by recordId, in the documented envelope", async () => {
    const raw = emu.records(DOMAIN);
    const id = (type: string, content?: string): number =>
      raw.find((r) => r.type === type && (content === undefined || r.content === content))!.record_id;
    const answer = await list();
    expect(answer.status).toBe(200);
    expectSuccessHeaders(answer);
    expect(answer.json).toEqual({
      records: [
        { recordId: id("MX"), type: "MX", name: "@", ttl: 21600, exchange: "mx.yandex.net.", preference: 10 },
        {
          recordId: id("NS", "dns1.yandex.net."),
          type: "NS",
          name: "@",
          ttl: 21600,
          target: "dns1.yandex.net.",
        },
        {
          recordId: id("NS", "dns2.yandex.net."),
          type: "NS",
          name: "@",
          ttl: 21600,
          target: "dns2.yandex.net.",
        },
        { recordId: id("TXT"), type: "TXT", name: "@", ttl: 21600, text: "v=spf1 redirect=_spf.yandex.net" },
      ],
      page: 1,
      pages: 1,
      perPage: 50,
      total: 4,
    });
    const ids = answer.json.records.map((r: { recordId: number }) => r.recordId);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    expect(raw.some((r) => r.type === "SOA")).toBe(true); // still there, for the PDD face
    expect(answer.text).not.toMatch(/"(fqdn|domain|content|subdomain|record_id)"/);
    expect(answer.text).not.toContain(": "); // compact
  });

  test("create: every type, rendered with zero values left out, dotted targets, doubled backslashes", async () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ name: "www", type: "A", ttl: 600, address: "192.0.2.1" }, { address: "192.0.2.1" }],
      [{ name: "v6", type: "AAAA", ttl: 300, address: "2001:db8::1" }, { address: "2001:db8::1" }],
      [{ name: "alias", type: "CNAME", ttl: 600, target: "example.org" }, { target: "example.org." }],
      [{ name: "sub", type: "NS", ttl: 600, target: "ns1.example.net." }, { target: "ns1.example.net." }],
      [
        { name: "mx0", type: "MX", ttl: 600, exchange: "mx.example.net", preference: 0 },
        { exchange: "mx.example.net." },
      ],
      [
        { name: "mx5", type: "MX", ttl: 600, exchange: "mx.example.net", preference: 5 },
        { exchange: "mx.example.net.", preference: 5 },
      ],
      [{ name: "txt", type: "TXT", ttl: 60, text: "k=rsa\\; p=a\\b" }, { text: "k=rsa\\\\; p=a\\\\b" }],
      [
        {
          name: "_sip._tcp",
          type: "SRV",
          ttl: 600,
          priority: 0,
          weight: 0,
          port: 5060,
          target: "sip.example.net",
        },
        { port: 5060, target: "sip.example.net." },
      ],
      [
        {
          name: "_xmpp._tcp",
          type: "SRV",
          ttl: 600,
          priority: 10,
          weight: 70,
          port: 5222,
          target: "x.example.net.",
        },
        { priority: 10, weight: 70, port: 5222, target: "x.example.net." },
      ],
      [
        { name: "caa", type: "CAA", ttl: 600, flag: 0, tag: "issue", value: "letsencrypt.org" },
        { tag: "issue", value: "letsencrypt.org" },
      ],
      [
        { name: "caa", type: "CAA", ttl: 600, flag: 128, tag: "iodef", value: "mailto:sec@example.com" },
        { flag: 128, tag: "iodef", value: "mailto:sec@example.com" },
      ],
    ];
    const created: number[] = [];
    for (const [body, fields] of cases) {
      const answer = await create(body);
      expect({ status: answer.status, body }).toEqual({ status: 200, body });
      expectSuccessHeaders(answer);
      expect(Number.isInteger(answer.json.recordId)).toBe(true);
      expect(answer.json).toEqual({
        recordId: answer.json.recordId,
        type: body.type,
        name: body.name,
        ttl: body.ttl,
        ...fields,
      });
      // Key order: recordId, type, name, ttl, then the type's fields.
      expect(Object.keys(answer.json)).toEqual(["recordId", "type", "name", "ttl", ...Object.keys(fields)]);
      created.push(answer.json.recordId);
    }
    // Raw JSON: zero-valued fields are absent, not 0.
    const listed = await list();
    const byId = new Map(listed.json.records.map((r: { recordId: number }) => [r.recordId, r]));
    expect(Object.keys(byId.get(created[4]) as object)).not.toContain("preference");
    expect(Object.keys(byId.get(created[7]) as object)).not.toContain("priority");
    expect(Object.keys(byId.get(created[7]) as object)).not.toContain("weight");
    expect(Object.keys(byId.get(created[9]) as object)).not.toContain("flag");
    expect(listed.text).toContain('"text":"k=rsa\\\\\\\\; p=a\\\\\\\\b"');
    // Stored as sent (the PDD face and the state hold the single backslashes).
    const txt = emu.records(DOMAIN).find((r) => r.subdomain === "txt")!;
    expect(txt.content).toBe("k=rsa\\; p=a\\b");
    expect(listed.json.total).toBe(4 + cases.length);
    expect(emu.stats().mutationsApplied).toBe(cases.length);
    expect(new Set(created).size).toBe(cases.length);
  });

  test("create accepts names as relative, @, or absolute inside the zone; ttl defaults to 21600", async () => {
    const apex = await create({ name: "@", type: "TXT", text: "apex" });
    expect(apex.json).toMatchObject({ name: "@", ttl: 21600 });
    const absolute = await create({ name: "Deep.Sub.example.com.", type: "TXT", text: "abs" });
    expect(absolute.json.name).toBe("deep.sub");
    const bare = await create({ name: "example.com.", type: "A", address: "192.0.2.9" });
    expect(bare.json.name).toBe("@");
    // An absent type is A (the documented default); int64 fields may come as strings.
    const typeless = await create({ name: "t", address: "192.0.2.10", ttl: "120" });
    expect(typeless.json).toEqual({
      recordId: typeless.json.recordId,
      type: "A",
      name: "t",
      ttl: 120,
      address: "192.0.2.10",
    });
  });

  test.each([
    ["an IPv4 address that is not one", { name: "a", type: "A", address: "300.1.1.1" }, /^address:/],
    ["an AAAA with a zone id", { name: "a", type: "AAAA", address: "fe80::1%eth0" }, /^address:/],
    ["no address", { name: "a", type: "A" }, /^address: required/],
    ["a bad CNAME target", { name: "a", type: "CNAME", target: "bad host!" }, /^target:/],
    ["an MX without exchange", { name: "a", type: "MX", preference: 10 }, /^exchange: required/],
    [
      "an MX preference out of range",
      { name: "a", type: "MX", exchange: "m.x", preference: 70000 },
      /^preference:/,
    ],
    ["TXT with a control character", { name: "a", type: "TXT", text: "bad\u0001text" }, /^text:/],
    ["TXT over 4096 characters", { name: "a", type: "TXT", text: "x".repeat(4097) }, /^text:/],
    ["TXT without text", { name: "a", type: "TXT" }, /^text: required/],
    ["a negative ttl", { name: "a", type: "TXT", text: "t", ttl: -5 }, /^ttl:/],
    ["a ttl over 1209600", { name: "a", type: "TXT", text: "t", ttl: 1_209_601 }, /^ttl:/],
    ["a fractional ttl", { name: "a", type: "TXT", text: "t", ttl: 1.5 }, /^ttl:/],
    ["a name outside the zone", { name: "www.other.org.", type: "TXT", text: "t" }, /^name:/],
    ["a bad name", { name: "bad name", type: "TXT", text: "t" }, /^name:/],
    ["no name", { type: "TXT", text: "t" }, /^name: required/],
    ["a numeric name", { name: 5, type: "TXT", text: "t" }, /^name: must be a string/],
    ["an SRV without port", { name: "_s._tcp", type: "SRV", target: "t.example" }, /^port: required/],
    ["an SRV port over 65535", { name: "_s._tcp", type: "SRV", target: "t.example", port: 70000 }, /^port:/],
    ["a CAA with an unknown tag", { name: "c", type: "CAA", tag: "bogus", value: "ca.test" }, /^tag:/],
    ["a CAA flag over 255", { name: "c", type: "CAA", flag: 256, tag: "issue", value: "ca.test" }, /^flag:/],
    ["a CAA iodef that is not a URL", { name: "c", type: "CAA", tag: "iodef", value: "nope" }, /^value:/],
    ["a CAA without value", { name: "c", type: "CAA", tag: "issue" }, /^value: required/],
    ["an unknown type", { name: "a", type: "SPF", text: "t" }, /^type: unknown record type "SPF"/],
    ["an SOA", { name: "@", type: "SOA", target: "dns1.yandex.net" }, /^type: SOA records are not supported/],
  ])("create refuses %s: 400 code 3 naming the field, nothing stored", async (_what, body, message) => {
    const before = emu.records(DOMAIN);
    const answer = await create(body);
    expectError(answer, 400, 3, message);
    expect(emu.records(DOMAIN)).toEqual(before);
    expect(emu.stats().mutationsApplied).toBe(0);
  });

  test("create refuses bodies that are not a JSON object", async () => {
    for (const rawBody of ["{not json", "[1,2]", '"text"', ""]) {
      const answer = await y360(emu, "POST", DNS, undefined, { rawBody });
      expectError(answer, 400, 3, /request body/);
    }
    expect(emu.stats().mutationsApplied).toBe(0);
  });

  test("a duplicate (same type, name, normalised value) is 409 code 6, whichever face made the first", async () => {
    const body = { name: "dup", type: "TXT", ttl: 60, text: "same" };
    expect((await create(body)).status).toBe(200);
    const again = await create({ ...body, ttl: 300 });
    expectError(again, 409, 6, "already_exists");
    expect(again.json).toEqual(errorBody(6, "already_exists"));
    // PDD's seeded SPF and MX (case and trailing dot do not matter for host names).
    expectError(await create({ name: "@", type: "TXT", text: "v=spf1 redirect=_spf.yandex.net" }), 409, 6);
    expectError(await create({ name: "@", type: "MX", exchange: "MX.Yandex.NET", preference: 20 }), 409, 6);
    expectError(
      await create({ name: "v6", type: "AAAA", address: "2001:db8::1" }).then(async (first) => {
        expect(first.status).toBe(200);
        return create({ name: "v6", type: "AAAA", address: "2001:0db8:0:0::1" });
      }),
      409,
      6,
    );
    // CAA: the same value under another tag is another record.
    expect((await create({ name: "c", type: "CAA", tag: "issue", value: "ca.test" })).status).toBe(200);
    expect((await create({ name: "c", type: "CAA", tag: "issuewild", value: "ca.test" })).status).toBe(200);
    expectError(await create({ name: "c", type: "CAA", tag: "issue", value: "ca.test" }), 409, 6);
    expect(emu.records(DOMAIN).filter((r) => r.subdomain === "dup")).toHaveLength(1);
    expect(emu.stats().mutationsApplied).toBe(4);
  });

  test("edit: full body, keeps recordId, answers the updated record; the PDD face sees the change", async () => {
    const created = await create({ name: "www", type: "A", ttl: 600, address: "192.0.2.1" });
    const id = created.json.recordId;
    const edited = await y360(emu, "POST", `${DNS}/${id}`, {
      name: "web",
      type: "A",
      ttl: 900,
      address: "192.0.2.2",
    });
    expect(edited.status).toBe(200);
    expectSuccessHeaders(edited);
    expect(edited.json).toEqual({ recordId: id, type: "A", name: "web", ttl: 900, address: "192.0.2.2" });
    const pdd = await call(emu, "dns/list", { domain: DOMAIN });
    expect(pdd.records!.find((r) => r.record_id === id)).toMatchObject({
      subdomain: "web",
      content: "192.0.2.2",
      ttl: 900,
    });
    // The C# client also sends recordId in the body: fine when it matches.
    const withId = await y360(emu, "POST", `${DNS}/${id}`, {
      recordId: id,
      name: "web",
      type: "A",
      ttl: 60,
      address: "192.0.2.2",
    });
    expect(withId.json.ttl).toBe(60);
    expectError(
      await y360(emu, "POST", `${DNS}/${id}`, {
        recordId: id + 1,
        name: "web",
        type: "A",
        address: "192.0.2.2",
      }),
      400,
      3,
      /^recordId:/,
    );
    // MX edit through this face shows up as PDD priority.
    const mx = emu.records(DOMAIN).find((r) => r.type === "MX")!;
    const mxEdit = await y360(emu, "POST", `${DNS}/${mx.record_id}`, {
      name: "@",
      type: "MX",
      ttl: 3600,
      exchange: "mx.yandex.net",
      preference: 20,
    });
    expect(mxEdit.json).toEqual({
      recordId: mx.record_id,
      type: "MX",
      name: "@",
      ttl: 3600,
      exchange: "mx.yandex.net.",
      preference: 20,
    });
    expect(emu.records(DOMAIN).find((r) => r.record_id === mx.record_id)).toMatchObject({
      priority: 20,
      content: "mx.yandex.net",
    });
  });

  test("edit refuses a type change, CAA records, duplicates and invalid bodies; missing ids are 404", async () => {
    const a = (await create({ name: "x", type: "A", address: "192.0.2.1" })).json.recordId;
    const b = (await create({ name: "y", type: "A", address: "192.0.2.1" })).json.recordId;
    const caa = (await create({ name: "c", type: "CAA", tag: "issue", value: "ca.test" })).json.recordId;
    const before = emu.records(DOMAIN);
    const mutations = emu.stats().mutationsApplied;

    expectError(
      await y360(emu, "POST", `${DNS}/${a}`, { name: "x", type: "TXT", text: "t" }),
      400,
      3,
      /^type: a A record cannot become TXT/,
    );
    const caaEdit = await y360(emu, "POST", `${DNS}/${caa}`, {
      name: "c",
      type: "CAA",
      tag: "issue",
      value: "other.test",
    });
    expectError(
      caaEdit,
      400,
      3,
      "CAA records cannot be edited in place: delete the record and create it again",
    );
    // Even an edit that changes nothing.
    expectError(
      await y360(emu, "POST", `${DNS}/${caa}`, { name: "c", type: "CAA", tag: "issue", value: "ca.test" }),
      400,
      3,
    );
    expectError(
      await y360(emu, "POST", `${DNS}/${b}`, { name: "x", type: "A", address: "192.0.2.1" }),
      409,
      6,
      "already_exists",
    );
    expectError(
      await y360(emu, "POST", `${DNS}/${a}`, { name: "x", type: "A", address: "nope" }),
      400,
      3,
      /^address:/,
    );
    expectError(await y360(emu, "POST", `${DNS}/${a}`, undefined, { rawBody: "{" }), 400, 3);
    const missing = await y360(emu, "POST", `${DNS}/999`, { name: "x", type: "A", address: "192.0.2.1" });
    expectError(missing, 404, 5, "not_found");
    // PDD's SOA is not there for this face.
    const soa = before.find((r) => r.type === "SOA")!;
    expectError(
      await y360(emu, "POST", `${DNS}/${soa.record_id}`, { name: "@", type: "NS", target: "a.b" }),
      404,
      5,
    );
    expectError(await y360(emu, "DELETE", `${DNS}/${soa.record_id}`), 404, 5);
    // A record of another domain is not found under this one.
    const foreign = emu.records("other.org")[0]!.record_id;
    expectError(await y360(emu, "DELETE", `${DNS}/${foreign}`), 404, 5);

    expect(emu.records(DOMAIN)).toEqual(before);
    expect(emu.stats().mutationsApplied).toBe(mutations);
  });

  test("delete: 200 `{}`, then 404 code 5", async () => {
    const id = (await create({ name: "gone", type: "TXT", text: "bye" })).json.recordId;
    const deleted = await y360(emu, "DELETE", `${DNS}/${id}`);
    expect(deleted.status).toBe(200);
    expectSuccessHeaders(deleted);
    expect(deleted.text).toBe("{}");
    expect(emu.records(DOMAIN).some((r) => r.record_id === id)).toBe(false);
    const again = await y360(emu, "DELETE", `${DNS}/${id}`);
    expectError(again, 404, 5);
    expect(again.json).toEqual(NOT_FOUND);
  });

  test("CAA deletes work (the way to change one): delete, then create", async () => {
    const id = (await create({ name: "c", type: "CAA", tag: "issue", value: "ca.test" })).json.recordId;
    expect((await y360(emu, "DELETE", `${DNS}/${id}`)).status).toBe(200);
    const recreated = await create({ name: "c", type: "CAA", tag: "issue", value: "other.test" });
    expect(recreated.status).toBe(200);
    expect(recreated.json.recordId).not.toBe(id);
  });
});

describe("Yandex 360 face: DNS paging", () => {
  test("perPage defaults to 50, is capped at yandex360DnsMaxPerPage and the answer says which was used", async () => {
    const emu = await startEmulator({
      domains: [DOMAIN],
      seedDefaultRecords: false,
      yandex360DnsMaxPerPage: 3,
    });
    try {
      for (let i = 0; i < 7; i++) {
        expect((await y360(emu, "POST", DNS, { name: `r${i}`, type: "TXT", text: `v${i}` })).status).toBe(
          200,
        );
      }
      const ids = emu.records(DOMAIN).map((r) => r.record_id);
      const seen: number[] = [];
      for (let page = 1; page <= 3; page++) {
        const answer = await y360(emu, "GET", `${DNS}?page=${page}&perPage=100`);
        expect(answer.json).toMatchObject({ page, pages: 3, perPage: 3, total: 7 });
        expect(answer.json.records).toHaveLength(page < 3 ? 3 : 1);
        seen.push(...answer.json.records.map((r: { recordId: number }) => r.recordId));
      }
      expect(seen).toEqual([...ids].sort((a, b) => a - b));
      const defaults = await y360(emu, "GET", DNS);
      expect(defaults.json).toMatchObject({ page: 1, pages: 3, perPage: 3, total: 7 });
      const two = await y360(emu, "GET", `${DNS}?perPage=2&page=4`);
      expect(two.json).toMatchObject({ page: 4, pages: 4, perPage: 2, total: 7 });
      expect(two.json.records).toHaveLength(1);
      const past = await y360(emu, "GET", `${DNS}?page=10`);
      expect(past.json).toEqual({ records: [], page: 10, pages: 3, perPage: 3, total: 7 });
    } finally {
      await emu.close();
    }
    const big = await startEmulator({ domains: [DOMAIN] });
    try {
      expect((await y360(big, "GET", DNS)).json.perPage).toBe(50);
      expect((await y360(big, "GET", `${DNS}?perPage=5000`)).json.perPage).toBe(1000);
      expect((await y360(big, "GET", `${DNS}?perPage=1000`)).json.perPage).toBe(1000);
    } finally {
      await big.close();
    }
  });

  test("an empty zone answers an empty page", async () => {
    const emu = await startEmulator({ domains: [DOMAIN], seedDefaultRecords: false });
    try {
      expect((await y360(emu, "GET", DNS)).text).toBe(
        '{"records":[],"page":1,"pages":0,"perPage":50,"total":0}',
      );
    } finally {
      await emu.close();
    }
  });
});

describe("one state, two faces", () => {
  let emu: PddEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN] });
  });
  afterEach(async () => {
    await emu.close();
  });

  test("a record added through Yandex 360 is in PDD's dns/list, with the same id", async () => {
    const created = await y360(emu, "POST", DNS, {
      name: "_acme-challenge",
      type: "TXT",
      ttl: 60,
      text: "token-1",
    });
    const id = created.json.recordId;
    const pdd = await call(emu, "dns/list", { domain: DOMAIN });
    expect(pdd.records!.find((r) => r.record_id === id)).toEqual({
      content: "token-1",
      domain: DOMAIN,
      fqdn: `_acme-challenge.${DOMAIN}`,
      priority: "",
      ttl: 60,
      record_id: id,
      subdomain: "_acme-challenge",
      type: "TXT",
    });
    // And PDD refuses the same record as record_exists.
    const dup = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "TXT",
      subdomain: "_acme-challenge",
      content: "token-1",
    });
    expect(dup.error).toBe("record_exists");
    // Deleted through PDD: gone from Yandex 360.
    expect((await call(emu, "dns/del", { domain: DOMAIN, record_id: id })).success).toBe("ok");
    const listed = await y360(emu, "GET", DNS);
    expect(listed.json.records.some((r: { recordId: number }) => r.recordId === id)).toBe(false);
    expectError(await y360(emu, "DELETE", `${DNS}/${id}`), 404, 5);
  });

  test("a record added through PDD is in the Yandex 360 list; deleted there, it is gone from PDD", async () => {
    const added = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "SRV",
      subdomain: "_sip._udp",
      target: "sip.example.com",
      priority: 5,
      weight: 0,
      port: 5060,
      ttl: 600,
    });
    const id = added.record!.record_id;
    const listed = await y360(emu, "GET", DNS);
    expect(listed.json.records.find((r: { recordId: number }) => r.recordId === id)).toEqual({
      recordId: id,
      type: "SRV",
      name: "_sip._udp",
      ttl: 600,
      priority: 5,
      port: 5060,
      target: "sip.example.com.",
    });
    expect((await y360(emu, "DELETE", `${DNS}/${id}`)).status).toBe(200);
    const pdd = await call(emu, "dns/list", { domain: DOMAIN });
    expect(pdd.records!.some((r) => r.record_id === id)).toBe(false);
    expect((await call(emu, "dns/del", { domain: DOMAIN, record_id: id })).error).toBe("bad_record_id");
  });

  test("CAA lives only on the Yandex 360 face; records() shows it as a RawCaaRecord", async () => {
    const created = await y360(emu, "POST", DNS, {
      name: "@",
      type: "CAA",
      ttl: 3600,
      flag: 0,
      tag: "issue",
      value: "ca.test",
    });
    const id = created.json.recordId;
    const raw = emu.records(DOMAIN).find((r) => r.record_id === id);
    expect(raw).toEqual({
      content: "ca.test",
      domain: DOMAIN,
      fqdn: DOMAIN,
      priority: "",
      flag: 0,
      tag: "issue",
      ttl: 3600,
      record_id: id,
      subdomain: "@",
      type: "CAA",
    } satisfies RawRecord);
    const pdd = await call(emu, "dns/list", { domain: DOMAIN });
    expect(pdd.records!.map((r) => r.type)).not.toContain("CAA");
    expect(pdd.records).toHaveLength(5);
    expect((await call(emu, "dns/edit", { domain: DOMAIN, record_id: id, ttl: 60 })).error).toBe(
      "bad_record_id",
    );
    expect((await call(emu, "dns/del", { domain: DOMAIN, record_id: id })).error).toBe("bad_record_id");
    const added = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "CAA",
      subdomain: "x",
      content: "ca.test",
    });
    expect(added.error).toBe("bad_type");
    expect(emu.records(DOMAIN).filter((r) => r.type === "CAA")).toHaveLength(1);
    const state = (await (await request(`${emu.url}/_emulator/state`)).body.json()) as {
      orgIds: number[];
      domains: Array<{ name: string; orgId: number; records: RawRecord[] }>;
    };
    expect(state.orgIds).toEqual([ORG]);
    expect(state.domains[0]).toMatchObject({ name: DOMAIN, orgId: ORG });
    expect(state.domains[0]!.records.some((r) => r.type === "CAA")).toBe(true);
  });

  test("an edit through PDD shows through Yandex 360, keeping the id", async () => {
    const id = (await y360(emu, "POST", DNS, { name: "www", type: "CNAME", target: "a.example.net" })).json
      .recordId;
    expect(
      (await call(emu, "dns/edit", { domain: DOMAIN, record_id: id, content: "b.example.net.", ttl: 120 }))
        .success,
    ).toBe("ok");
    const listed = await y360(emu, "GET", DNS);
    expect(listed.json.records.find((r: { recordId: number }) => r.recordId === id)).toEqual({
      recordId: id,
      type: "CNAME",
      name: "www",
      ttl: 120,
      target: "b.example.net.",
    });
  });
});

describe("Yandex 360 face: stats, log, latency and faults", () => {
  let emu: PddEmulator;
  let agent: Agent;
  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN] });
    agent = new Agent();
  });
  afterEach(async () => {
    await emu.close();
    await agent.close();
  });

  test("stats count the endpoint labels; the request log keeps the label and the JSON body", async () => {
    await y360(emu, "GET", "/directory/v1/org");
    await y360(emu, "GET", `/directory/v1/org/${ORG}/domains`);
    await y360(emu, "GET", `/directory/v1/org/${ORG}/domains/${DOMAIN}/dkim`);
    await y360(emu, "GET", DNS);
    const id = (await y360(emu, "POST", DNS, { name: "s", type: "TXT", text: "t" })).json.recordId;
    await y360(emu, "POST", `${DNS}/${id}`, { name: "s", type: "TXT", text: "u" });
    await y360(emu, "DELETE", `${DNS}/${id}`);
    await y360(emu, "DELETE", `${DNS}/${id}`, undefined, { auth: null }); // counted even when refused
    await call(emu, "dns/list", { domain: DOMAIN });
    const stats = emu.stats();
    expect(stats.requests.byEndpoint).toEqual({
      "y360/org/list": 1,
      "y360/domains/list": 1,
      "y360/dkim": 1,
      "y360/dns/list": 1,
      "y360/dns/create": 1,
      "y360/dns/edit": 1,
      "y360/dns/delete": 2,
      "dns/list": 1,
    });
    expect(stats.requests.total).toBe(9);
    expect(stats.mutationsApplied).toBe(3);
    expect([...YANDEX360_ENDPOINTS].sort()).toEqual(
      Object.keys(stats.requests.byEndpoint)
        .filter((k) => k.startsWith("y360/"))
        .sort(),
    );
    const log = emu.requestLog();
    expect(log[4]).toMatchObject({
      method: "POST",
      path: DNS,
      endpoint: "y360/dns/create",
      fault: null,
      body: { kind: "json", json: { name: "s", type: "TXT", text: "t" } },
    });
    expect(log[4]!.headers.authorization).toBe(`OAuth ${TOKEN}`);
  });

  test("latency applies to this face", async () => {
    emu.setLatency(250);
    const started = Date.now();
    expect((await y360(emu, "GET", DNS)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  test("faults.endpoints takes the labels and refuses unknown ones", async () => {
    expect(() => emu.setFaults({ rate: 1, endpoints: ["y360/nope"] })).toThrow(
      /unknown endpoint "y360\/nope".*y360\/dns\/create/,
    );
    await expect(
      startEmulator({ faults: { rate: 1, endpoints: ["y360/dns/create", "dns/add"] } }).then((e) =>
        e.close(),
      ),
    ).resolves.toBeUndefined();
    // Faults limited to one label leave the others alone.
    emu.setFaults({ rate: 1, kinds: { http_5xx: 1 }, endpoints: ["y360/dns/create"] });
    expect((await y360(emu, "GET", DNS)).status).toBe(200);
    expect((await call(emu, "dns/list", { domain: DOMAIN })).success).toBe("ok");
    expect((await y360(emu, "POST", DNS, { name: "f", type: "TXT", text: "t" })).status).toBe(502);
  });

  test("lost_response on create: the record is applied exactly once, the answer never arrives", async () => {
    emu.setFaults({ rate: 1, kinds: { lost_response: 1 }, endpoints: ["y360/dns/create"] });
    const body = { name: "lost", type: "TXT", ttl: 60, text: "once" };
    await expect(y360(emu, "POST", DNS, body, { dispatcher: agent })).rejects.toThrow();
    expect(emu.records(DOMAIN).filter((r) => r.subdomain === "lost")).toHaveLength(1);
    expect(emu.stats().mutationsApplied).toBe(1);
    expect(emu.stats().faults.lost_response).toBe(1);
    expect(emu.requestLog().at(-1)).toMatchObject({ endpoint: "y360/dns/create", fault: "lost_response" });
    // A client retrying blindly gets 409; listing finds the record.
    emu.setFaults(undefined);
    expectError(await y360(emu, "POST", DNS, body), 409, 6);
    const listed = await y360(emu, "GET", DNS);
    expect(listed.json.records.filter((r: { name: string }) => r.name === "lost")).toHaveLength(1);
    expect(emu.records(DOMAIN).filter((r) => r.subdomain === "lost")).toHaveLength(1);
  });

  test("lost_response on delete applies it; on a read it is a reset", async () => {
    const id = (await y360(emu, "POST", DNS, { name: "d", type: "TXT", text: "t" })).json.recordId;
    emu.setFaults({ rate: 1, kinds: { lost_response: 1 } });
    await expect(y360(emu, "DELETE", `${DNS}/${id}`, undefined, { dispatcher: agent })).rejects.toThrow();
    expect(emu.records(DOMAIN).some((r) => r.record_id === id)).toBe(false);
    await expect(y360(emu, "GET", DNS, undefined, { dispatcher: agent })).rejects.toThrow();
    expect(emu.stats().faults.lost_response).toBe(2);
  });

  test("unknown: 503 code 14 `unavailable`, nothing applied", async () => {
    emu.setFaults({ rate: 1, kinds: { unknown: 1 } });
    const before = emu.records(DOMAIN);
    for (const [method, target, body] of [
      ["POST", DNS, { name: "u", type: "TXT", text: "t" }],
      ["DELETE", `${DNS}/${before[0]!.record_id}`, undefined],
      ["GET", DNS, undefined],
    ] as const) {
      const answer = await y360(emu, method, target, body);
      expectError(answer, 503, 14, "unavailable");
      expect(answer.text).toBe('{"code":14,"message":"unavailable","details":[]}');
    }
    expect(emu.records(DOMAIN)).toEqual(before);
    expect(emu.stats().mutationsApplied).toBe(0);
    expect(emu.stats().faults.unknown).toBe(3);
  });

  test("http_5xx, reset, hang and truncated: what a client sees; nothing applied except by truncated", async () => {
    const before = emu.records(DOMAIN).length;
    emu.setFaults({ rate: 1, kinds: { http_5xx: 1 } });
    const html = await y360(emu, "POST", DNS, { name: "h", type: "TXT", text: "t" }, { dispatcher: agent });
    expect(html.status).toBe(502);
    expect(html.headers["content-type"]).toBe("text/html");
    expect(html.text).toContain("502 Bad Gateway");
    expect((await y360(emu, "GET", DNS, undefined, { dispatcher: agent })).status).toBe(503);

    emu.setFaults({ rate: 1, kinds: { reset: 1 } });
    await expect(
      y360(emu, "POST", DNS, { name: "r", type: "TXT", text: "t" }, { dispatcher: agent }),
    ).rejects.toThrow();

    emu.setFaults({ rate: 1, kinds: { hang: 1 }, hangMs: 200 });
    const started = Date.now();
    await expect(y360(emu, "GET", DNS, undefined, { dispatcher: agent })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(emu.records(DOMAIN)).toHaveLength(before);

    emu.setFaults({ rate: 1, kinds: { truncated: 1 } });
    const cut = request(`${emu.url}${DNS}`, {
      method: "POST",
      headers: { authorization: `OAuth ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "cut", type: "TXT", text: "t" }),
      dispatcher: agent,
    });
    const response = await cut;
    expect(response.statusCode).toBe(200);
    expect(response.headers.server).toBe("api360");
    await expect(response.body.text()).rejects.toThrow();
    // The mutation was applied before the answer was cut.
    expect(emu.records(DOMAIN).filter((r) => r.subdomain === "cut")).toHaveLength(1);
    expect(emu.stats().faults).toMatchObject({ http_5xx: 2, reset: 1, hang: 1, truncated: 1 });
  });
});

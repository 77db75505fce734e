import { request } from "undici";
import type { PddEmulator, RawRecord } from "../../src/emulator";
import { API_ENDPOINTS, startEmulator } from "../../src/emulator";
import { byType, call, callRaw } from "./apiClient";

const DOMAIN = "example.com";

describe("dns endpoints", () => {
  let emu: PddEmulator;

  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN, "other.org"], seed: 7 });
  });
  afterEach(async () => {
    await emu.close();
  });

  test("answers like the service: HTTP 200, JSON served as a json.txt attachment", async () => {
    const ok = await callRaw(emu, "dns/list", { domain: DOMAIN });
    const failed = await callRaw(emu, "dns/list", { domain: "nope.example" });
    for (const response of [ok, failed]) {
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(response.headers["content-disposition"]).toBe('attachment; filename="json.txt"');
    }
    expect(JSON.parse(failed.text)).toEqual({
      domain: "nope.example",
      success: "error",
      error: "no_such_domain",
    });
  });

  test.each(API_ENDPOINTS)("%s checks the PddToken header before doing anything", async (endpoint) => {
    const params = { domain: DOMAIN, type: "A", subdomain: "tok", content: "192.0.2.1", record_id: 1 };
    const before = emu.records(DOMAIN);
    const missing = await call(emu, endpoint, params, { token: null });
    expect(missing).toEqual({ domain: DOMAIN, success: "error", error: "no_auth" });
    const wrong = await call(emu, endpoint, params, { token: "not-the-token" });
    expect(wrong).toEqual({ domain: DOMAIN, success: "error", error: "bad_token" });
    expect(emu.records(DOMAIN)).toEqual(before);
    expect(emu.stats().mutationsApplied).toBe(0);
  });

  test("a fresh domain holds Yandex's default records in the recorded shapes", async () => {
    const answer = await call(emu, "dns/list", { domain: DOMAIN });
    expect(answer.success).toBe("ok");
    expect(answer.domain).toBe(DOMAIN);
    expect(Object.keys(answer).sort()).toEqual(["domain", "records", "success"]);
    const records = answer.records!;
    expect(records).toHaveLength(5);
    const ids = records.map((record) => record.record_id);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(Number.isInteger(id)).toBe(true);

    const mx = byType(records, "MX");
    expect(mx).toEqual([
      {
        record_id: ids[0],
        type: "MX",
        domain: DOMAIN,
        subdomain: "@",
        fqdn: DOMAIN,
        content: "mx.yandex.net.",
        ttl: 21600,
        priority: 10,
      },
    ]);
    expect(
      byType(records, "NS")
        .map((record) => [record.content, record.priority])
        .sort(),
    ).toEqual([
      ["dns1.yandex.net.", ""],
      ["dns2.yandex.net.", ""],
    ]);
    const [soa] = byType(records, "SOA");
    expect(soa).toMatchObject({
      content: "dns1.yandex.net.",
      admin_mail: "hostmaster.example.com",
      refresh: 14400,
      retry: 900,
      expire: 1209600,
      minttl: 14400,
      priority: "",
      subdomain: "@",
      fqdn: DOMAIN,
    });
    expect(Object.keys(soa!).sort()).toEqual(
      [
        "admin_mail",
        "content",
        "domain",
        "expire",
        "fqdn",
        "minttl",
        "priority",
        "record_id",
        "refresh",
        "retry",
        "subdomain",
        "ttl",
        "type",
      ].sort(),
    );
    expect(byType(records, "TXT")[0]!.content).toBe("v=spf1 redirect=_spf.yandex.net");
  });

  test("dns/list: no_domain without a domain, no_such_domain for a domain not on the account", async () => {
    expect(await call(emu, "dns/list", {})).toEqual({ success: "error", error: "no_domain" });
    expect(await call(emu, "dns/list", { domain: "unknown.net" })).toEqual({
      domain: "unknown.net",
      success: "error",
      error: "no_such_domain",
    });
    // The domain name is matched case-insensitively and echoed as sent.
    const upper = await call(emu, "dns/list", { domain: "EXAMPLE.com" });
    expect(upper.success).toBe("ok");
    expect(upper.domain).toBe("EXAMPLE.com");
  });

  test("the 2017-era error for foreign domains comes with era 2017", async () => {
    const legacy = await startEmulator({ era: "2017" });
    try {
      expect(await call(legacy, "dns/list", { domain: "unknown.net" })).toEqual({
        domain: "unknown.net",
        success: "error",
        error: "not_allowed",
      });
    } finally {
      await legacy.close();
    }
  });

  test("dns/list returns every record (no pagination) with key order varying between calls", async () => {
    for (let i = 0; i < 60; i++) {
      const added = await call(emu, "dns/add", {
        domain: DOMAIN,
        type: "TXT",
        subdomain: `bulk${i}`,
        content: `v${i}`,
      });
      expect(added.success).toBe("ok");
    }
    const orders = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const answer = await call(emu, "dns/list", { domain: DOMAIN });
      expect(answer.records).toHaveLength(65);
      orders.add(answer.records!.map((record) => Object.keys(record).join(",")).join(";"));
      // Same data whatever the key order.
      expect(answer.records).toEqual(emu.records(DOMAIN));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  test("dns/add: defaults, lower-cased relative names and the add answer shape", async () => {
    const answer = await call(emu, "dns/add", { domain: DOMAIN, type: "A", content: "192.0.2.10" });
    expect(Object.keys(answer).sort()).toEqual(["domain", "record", "success"]);
    expect(answer.record).toEqual({
      record_id: answer.record!.record_id,
      type: "A",
      domain: DOMAIN,
      subdomain: "@",
      fqdn: DOMAIN,
      content: "192.0.2.10",
      ttl: 21600,
      priority: "",
    });

    const www = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "cname",
      subdomain: "_ACME-Challenge.WWW",
      content: "Target.Example.NET.",
      ttl: 300,
    });
    expect(www.record).toMatchObject({
      type: "CNAME",
      subdomain: "_acme-challenge.www",
      fqdn: "_acme-challenge.www.example.com",
      content: "Target.Example.NET.",
      ttl: 300,
    });
    expect(www.record!.record_id).toBeGreaterThan(answer.record!.record_id);

    // An absolute name inside the zone is made relative; the apex itself becomes "@".
    const absolute = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "TXT",
      subdomain: "abs.example.com.",
      content: "x",
    });
    expect(absolute.record).toMatchObject({ subdomain: "abs", fqdn: "abs.example.com" });
    const apex = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "TXT",
      subdomain: "example.com.",
      content: "y",
    });
    expect(apex.record).toMatchObject({ subdomain: "@", fqdn: DOMAIN });

    const mx = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "MX",
      subdomain: "mail",
      content: "mx2.example.net",
    });
    expect(mx.record).toMatchObject({ type: "MX", priority: 10, content: "mx2.example.net" });
    const mx5 = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "MX",
      subdomain: "mail",
      content: "mx3.example.net.",
      priority: 5,
    });
    expect(mx5.record).toMatchObject({ priority: 5 });
    // Records of one domain stay in that domain.
    expect(emu.records("other.org").some((record) => record.subdomain === "mail")).toBe(false);
  });

  test("dns/add accepts parameters in the query string with an empty JSON body (recorded client)", async () => {
    const answer = await call(
      emu,
      "dns/add",
      { domain: DOMAIN, type: "TXT", subdomain: "q", content: "from-query", ttl: "3600" },
      { paramsIn: "query" },
    );
    expect(answer.success).toBe("ok");
    expect(answer.record).toMatchObject({ subdomain: "q", content: "from-query", ttl: 3600 });
    expect(emu.records(DOMAIN).some((record) => record.content === "from-query")).toBe(true);
  });

  test("dns/add refuses a duplicate with record_exists", async () => {
    const params = {
      domain: DOMAIN,
      type: "TXT",
      subdomain: "_acme-challenge.noop",
      content: "tok",
      ttl: "3600",
    };
    expect((await call(emu, "dns/add", params)).success).toBe("ok");
    expect(await call(emu, "dns/add", params)).toEqual({
      domain: DOMAIN,
      success: "error",
      error: "record_exists",
    });
    // Same record under different spellings of the name is still a duplicate.
    expect(
      await call(emu, "dns/add", { ...params, subdomain: "_ACME-challenge.noop.example.com.", ttl: "60" }),
    ).toMatchObject({ error: "record_exists" });
    // Hostname targets compare case-insensitively and with or without the final dot.
    expect((await call(emu, "dns/add", { domain: DOMAIN, type: "MX", content: "MX.yandex.net" })).error).toBe(
      "record_exists",
    );
    expect(
      (await call(emu, "dns/add", { domain: DOMAIN, type: "AAAA", subdomain: "v6", content: "2001:db8::1" }))
        .success,
    ).toBe("ok");
    expect(
      (
        await call(emu, "dns/add", {
          domain: DOMAIN,
          type: "AAAA",
          subdomain: "v6",
          content: "2001:0db8:0:0::0001",
        })
      ).error,
    ).toBe("record_exists");
    // A different content makes a record set, not a duplicate.
    expect((await call(emu, "dns/add", { ...params, content: "tok2" })).success).toBe("ok");
    expect(emu.records(DOMAIN).filter((record) => record.subdomain === "_acme-challenge.noop")).toHaveLength(
      2,
    );
  });

  test.each([
    [{ type: "" }, "no_type"],
    [{ type: "PTR" }, "bad_type"],
    [{ type: "A", content: "" }, "no_content"],
    [{ type: "A", content: "2001:db8::1" }, "bad_content"],
    [{ type: "A", content: "300.1.1.1" }, "bad_content"],
    [{ type: "AAAA", content: "192.0.2.1" }, "bad_content"],
    [{ type: "CNAME", content: "not a host" }, "bad_content"],
    [{ type: "TXT", content: "line\nbreak" }, "bad_content"],
    [{ type: "A", content: "192.0.2.1", ttl: "0" }, "bad_ttl"],
    [{ type: "A", content: "192.0.2.1", ttl: "1209601" }, "bad_ttl"],
    [{ type: "A", content: "192.0.2.1", ttl: "1h" }, "bad_ttl"],
    [{ type: "MX", content: "mx.example.net.", priority: "65536" }, "bad_priority"],
    [
      { type: "SRV", subdomain: "_sip._tcp", content: "sip.example.net.", port: "5060", weight: "-1" },
      "bad_weight",
    ],
    [{ type: "SRV", subdomain: "_sip._tcp", content: "sip.example.net.", port: "0" }, "bad_port"],
    [{ type: "SRV", subdomain: "_sip._tcp", content: "sip.example.net." }, "no_port"],
    [{ type: "A", content: "192.0.2.1", subdomain: "bad name" }, "bad_subdomain"],
    [{ type: "A", content: "192.0.2.1", subdomain: "a..b" }, "bad_subdomain"],
    [{ type: "A", content: "192.0.2.1", subdomain: "x.other.org." }, "bad_subdomain"],
    [{ type: "A", content: "192.0.2.1", subdomain: "ёлка" }, "bad_subdomain"],
  ])("dns/add %j → %s, nothing stored", async (params, error) => {
    const before = emu.records(DOMAIN);
    expect(await call(emu, "dns/add", { domain: DOMAIN, ...params })).toEqual({
      domain: DOMAIN,
      success: "error",
      error,
    });
    expect(emu.records(DOMAIN)).toEqual(before);
  });

  test("dns/add on a domain that is not on the account → no_such_domain", async () => {
    expect(await call(emu, "dns/add", { domain: "nope.net", type: "A", content: "192.0.2.1" })).toEqual({
      domain: "nope.net",
      success: "error",
      error: "no_such_domain",
    });
  });

  test("SRV records: target goes into content, weight and port are reported", async () => {
    const answer = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "SRV",
      subdomain: "_xmpp-client._tcp",
      target: "domain-xmpp.yandex.net.",
      priority: 20,
      weight: 0,
      port: 5222,
    });
    expect(answer.record).toEqual({
      record_id: answer.record!.record_id,
      type: "SRV",
      domain: DOMAIN,
      subdomain: "_xmpp-client._tcp",
      fqdn: "_xmpp-client._tcp.example.com",
      content: "domain-xmpp.yandex.net.",
      ttl: 21600,
      priority: 20,
      weight: 0,
      port: 5222,
    });
    const listed = byType((await call(emu, "dns/list", { domain: DOMAIN })).records!, "SRV");
    expect(listed).toEqual([answer.record]);

    const edited = await call(emu, "dns/edit", {
      domain: DOMAIN,
      record_id: answer.record!.record_id,
      port: 5223,
      weight: 5,
      priority: 30,
      target: "xmpp2.example.net.",
    });
    expect(edited.record).toMatchObject({
      port: 5223,
      weight: 5,
      priority: 30,
      content: "xmpp2.example.net.",
    });
  });

  test("SOA: adding another and editing timers (neg_cache is what list calls minttl)", async () => {
    const added = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "SOA",
      subdomain: "sub",
      content: "ns1.example.net.",
      admin_mail: "admin.example.com",
    });
    expect(added.record).toMatchObject({
      type: "SOA",
      admin_mail: "admin.example.com",
      refresh: 14400,
      retry: 900,
      expire: 1209600,
      minttl: 14400,
      priority: "",
    });
    const [soa] = byType(emu.records(DOMAIN), "SOA");
    const edited = await call(emu, "dns/edit", {
      domain: DOMAIN,
      record_id: soa!.record_id,
      admin_mail: "dns-admin.example.com",
      refresh: 3600,
      retry: 600,
      expire: 604800,
      neg_cache: 300,
    });
    expect(edited.success).toBe("ok");
    expect(byType(emu.records(DOMAIN), "SOA")[0]).toMatchObject({
      admin_mail: "dns-admin.example.com",
      refresh: 3600,
      retry: 600,
      expire: 604800,
      minttl: 300,
    });
    expect(
      (await call(emu, "dns/edit", { domain: DOMAIN, record_id: soa!.record_id, neg_cache: "x" })).error,
    ).toBe("bad_neg_cache");
  });

  test("dns/edit renames a record keeping its id (no 2017-era operation key by default)", async () => {
    const added = await call(emu, "dns/add", {
      domain: DOMAIN,
      type: "TXT",
      subdomain: "orig.test",
      content: "challengetoken",
    });
    const id = added.record!.record_id;
    const edited = await call(emu, "dns/edit", {
      domain: DOMAIN,
      record_id: String(id),
      type: "TXT",
      subdomain: "updated.test",
      content: "challengetoken",
    });
    expect(edited).toEqual({
      record_id: id,
      record: {
        record_id: id,
        type: "TXT",
        domain: DOMAIN,
        subdomain: "updated.test",
        fqdn: "updated.test.example.com",
        content: "challengetoken",
        ttl: 21600,
        priority: "",
      },
      domain: DOMAIN,
      success: "ok",
    });
    const listed = emu.records(DOMAIN).filter((record) => record.record_id === id);
    expect(listed).toEqual([
      expect.objectContaining({ subdomain: "updated.test", fqdn: "updated.test.example.com" }),
    ]);
    expect(emu.records(DOMAIN).some((record) => record.subdomain === "orig.test")).toBe(false);

    const ttl = await call(emu, "dns/edit", { domain: DOMAIN, record_id: id, ttl: 900 });
    expect(ttl.record).toMatchObject({ ttl: 900, subdomain: "updated.test", content: "challengetoken" });
  });

  test("after dns/edit, record_exists follows the record's new content, not its old one", async () => {
    const txt = { domain: DOMAIN, type: "TXT", subdomain: "moved.test" };
    const first = await call(emu, "dns/add", { ...txt, content: "old-content" });
    expect(first.success).toBe("ok");
    // The duplicate check has now seen the record with its old content.
    expect((await call(emu, "dns/add", { ...txt, content: "old-content" })).error).toBe("record_exists");
    const id = String(first.record!.record_id);
    expect((await call(emu, "dns/edit", { ...txt, record_id: id, content: "new-content" })).success).toBe(
      "ok",
    );
    expect((await call(emu, "dns/add", { ...txt, content: "new-content" })).error).toBe("record_exists");
    expect((await call(emu, "dns/add", { ...txt, content: "old-content" })).success).toBe("ok");
    expect(
      emu
        .records(DOMAIN)
        .filter((r) => r.subdomain === "moved.test")
        .map((r) => r.content)
        .sort(),
    ).toEqual(["new-content", "old-content"]);
  });

  test("dns/edit errors: no_record_id, bad_record_id, record_exists, validation; nothing changes", async () => {
    const a = await call(emu, "dns/add", { domain: DOMAIN, type: "A", subdomain: "a", content: "192.0.2.1" });
    await call(emu, "dns/add", { domain: DOMAIN, type: "A", subdomain: "b", content: "192.0.2.1" });
    const before = emu.records(DOMAIN);
    const id = a.record!.record_id;
    const cases: Array<[Record<string, string | number>, string]> = [
      [{}, "no_record_id"],
      [{ record_id: "abc" }, "bad_record_id"],
      [{ record_id: 12345 }, "bad_record_id"],
      [{ record_id: id, subdomain: "b" }, "record_exists"],
      [{ record_id: id, content: "::1" }, "bad_content"],
      [{ record_id: id, ttl: "-5" }, "bad_ttl"],
      [{ record_id: id, subdomain: "no spaces" }, "bad_subdomain"],
    ];
    for (const [params, error] of cases) {
      expect(await call(emu, "dns/edit", { domain: DOMAIN, ...params })).toEqual({
        domain: DOMAIN,
        success: "error",
        error,
      });
    }
    // A record id of another domain is not editable through this one.
    const foreignId = emu.records("other.org")[0]!.record_id;
    expect((await call(emu, "dns/edit", { domain: DOMAIN, record_id: foreignId, ttl: 60 })).error).toBe(
      "bad_record_id",
    );
    expect(emu.records(DOMAIN)).toEqual(before);
  });

  test("dns/del removes a record once; a second delete → bad_record_id", async () => {
    const added = await call(emu, "dns/add", { domain: DOMAIN, type: "TXT", subdomain: "del", content: "x" });
    const id = added.record!.record_id;
    const count = emu.records(DOMAIN).length;
    expect(await call(emu, "dns/del", { domain: DOMAIN, record_id: String(id) })).toEqual({
      record_id: id,
      domain: DOMAIN,
      success: "ok",
    });
    expect(emu.records(DOMAIN)).toHaveLength(count - 1);
    expect(emu.records(DOMAIN).find((record: RawRecord) => record.record_id === id)).toBeUndefined();
    expect(await call(emu, "dns/del", { domain: DOMAIN, record_id: id })).toEqual({
      domain: DOMAIN,
      success: "error",
      error: "bad_record_id",
    });
    expect((await call(emu, "dns/del", { domain: DOMAIN })).error).toBe("no_record_id");
  });

  test("record ids increase from a seeded base: same seed, same ids", async () => {
    const again = await startEmulator({ domains: [DOMAIN, "other.org"], seed: 7 });
    const different = await startEmulator({ domains: [DOMAIN, "other.org"], seed: 8 });
    try {
      expect(again.records(DOMAIN)).toEqual(emu.records(DOMAIN));
      expect(different.records(DOMAIN)[0]!.record_id).not.toBe(emu.records(DOMAIN)[0]!.record_id);
      const ids = emu.records(DOMAIN).map((record) => record.record_id);
      expect(ids[0]).toBeGreaterThanOrEqual(40_000_000);
      const first = await call(emu, "dns/add", {
        domain: DOMAIN,
        type: "TXT",
        subdomain: "n1",
        content: "1",
      });
      const second = await call(emu, "dns/add", {
        domain: DOMAIN,
        type: "TXT",
        subdomain: "n2",
        content: "2",
      });
      expect(first.record!.record_id).toBeGreaterThan(
        Math.max(...emu.records("other.org").map((r) => r.record_id)),
      );
      expect(second.record!.record_id).toBe(first.record!.record_id + 1);
    } finally {
      await again.close();
      await different.close();
    }
  });

  test("wrong method → 405, unknown endpoint → 404 JSON", async () => {
    const wrongMethod = await callRaw(emu, "dns/add", { domain: DOMAIN }, { method: "GET" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers["allow"]).toBe("POST");
    expect(JSON.parse(wrongMethod.text)).toEqual({ success: "error", error: "method_not_allowed" });
    const unknown = await callRaw(emu, "dns/frobnicate", { domain: DOMAIN }, { method: "GET" });
    expect(unknown.status).toBe(404);
    expect(unknown.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(unknown.text)).toEqual({ success: "error", error: "not_found" });
    for (const odd of ["constructor", "__proto__", "toString"]) {
      expect((await callRaw(emu, odd, {}, { method: "GET" })).status).toBe(404);
    }
    const malformed = await request(`${emu.url}/logos/%E0%A4%A`);
    expect(malformed.statusCode).toBe(400);
    await malformed.body.dump();
  });

  test("seeded extra records keep their ids and raw shape", async () => {
    const seeded = await startEmulator({
      domains: ["seed.test"],
      seedDefaultRecords: false,
      records: {
        "seed.test": [
          { record_id: 123, type: "A", fqdn: "www.seed.test", content: "192.0.2.5", ttl: 600, priority: "" },
          {
            type: "SRV",
            subdomain: "_sip._udp",
            content: "sip.seed.test.",
            priority: 1,
            weight: 2,
            port: 5060,
          },
        ],
      },
    });
    try {
      const records = seeded.records("seed.test");
      expect(records).toHaveLength(2);
      expect(records[0]).toEqual({
        record_id: 123,
        type: "A",
        domain: "seed.test",
        subdomain: "www",
        fqdn: "www.seed.test",
        content: "192.0.2.5",
        ttl: 600,
        priority: "",
      });
      expect(records[1]).toMatchObject({ type: "SRV", priority: 1, weight: 2, port: 5060 });
    } finally {
      await seeded.close();
    }
    await expect(
      startEmulator({ domains: ["seed.test"], records: { "seed.test": [{ type: "A", content: "nope" }] } }),
    ).rejects.toThrow(/records\["seed.test"\]\[0\].*bad_content/);
    await expect(startEmulator({ domains: ["seed.test"], records: { "typo.test": [] } })).rejects.toThrow(
      /typo.test/,
    );
  });
});

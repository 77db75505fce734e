/**
 * The emulator's answers byte for byte: the live service wrote them with Python's `json.dumps`
 * defaults (`", "` and `": "` separators, non-ASCII as \uXXXX escapes), and clients that take ids out
 * of the text with a regular expression depend on that. Everything here compares raw bytes over real
 * HTTP, never parsed JSON alone.
 */
import FormData from "form-data";
import { request } from "undici";
import type { PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import type { GreetingServer } from "../helpers/mailServers";
import { startGreetingServer } from "../helpers/mailServers";
import type { Answer, RawResponse } from "./apiClient";
import { callRaw, TOKEN } from "./apiClient";

const DOMAIN = "example.com";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/**
 * Python's `json.dumps` for ASCII-only values, in the key order the value has. Written out here (not
 * imported from the emulator) so the emulator's serializer is checked against an independent one.
 */
function py(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(py).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([key, member]) => `${JSON.stringify(key)}: ${py(member)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** The raw answer, checked for the wire basics: 200, the attachment headers, an exact Content-Length. */
function bytesOf(response: RawResponse, status = 200): string {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(Number(response.headers["content-length"])).toBe(Buffer.byteLength(response.text));
  return response.text;
}

/** The bytes must be exactly what Python would write for the answer's own content and key order. */
function expectServiceSpacing(text: string): Answer {
  const parsed = JSON.parse(text) as Answer;
  expect(text).toBe(py(parsed));
  // The issue's example, spelled out: a space after every ':' and every ',' between items.
  expect(text).not.toMatch(/":[^ ]|,"/);
  return parsed;
}

async function uploadLogo(emu: PddEmulator): Promise<RawResponse> {
  const form = new FormData();
  form.append("domain", DOMAIN);
  form.append("file", PNG, { filename: "logo", contentType: "image/png" });
  const response = await request(`${emu.url}/api2/admin/domain/logo/set`, {
    method: "POST",
    headers: { ...form.getHeaders(), PddToken: TOKEN },
    body: form.getBuffer(),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe("wire format: every endpoint answers with Python json.dumps spacing", () => {
  let emu: PddEmulator;
  let mail: GreetingServer;

  beforeAll(async () => {
    mail = await startGreetingServer({ protocol: "pop3", tls: false });
  });
  afterAll(async () => {
    await mail.close();
  });
  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN], seed: 11, mailCheckTimeoutMs: 2000 });
  });
  afterEach(async () => {
    await emu.close();
  });

  test("dns/add, dns/edit, dns/del: exact bytes around the record", async () => {
    const added = bytesOf(
      await callRaw(emu, "dns/add", {
        domain: DOMAIN,
        type: "A",
        subdomain: "www",
        content: "192.0.2.1",
        ttl: 3600,
      }),
    );
    const add = expectServiceSpacing(added);
    const id = add.record!.record_id;
    expect(added).toBe(`{"record": ${py(add.record)}, "domain": "example.com", "success": "ok"}`);
    // What a grep-based ACME hook looks for.
    expect(added).toContain(`"record_id": ${id}`);
    expect(added).toContain('"priority": ""');

    const edited = bytesOf(
      await callRaw(emu, "dns/edit", { domain: DOMAIN, record_id: id, content: "192.0.2.2" }),
    );
    const edit = expectServiceSpacing(edited);
    expect(edited).toBe(
      `{"record_id": ${id}, "record": ${py(edit.record)}, "domain": "example.com", "success": "ok"}`,
    );

    const deleted = bytesOf(await callRaw(emu, "dns/del", { domain: DOMAIN, record_id: id }));
    expect(deleted).toBe(`{"record_id": ${id}, "domain": "example.com", "success": "ok"}`);
  });

  test("dns/list: every record in one answer has the same key order, which varies between answers", async () => {
    await callRaw(emu, "dns/add", {
      domain: DOMAIN,
      type: "SRV",
      subdomain: "_sip._tcp",
      content: "sip.example.com.",
      port: 5060,
      weight: 5,
      priority: 10,
    });
    const orders = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const text = bytesOf(await callRaw(emu, "dns/list", { domain: DOMAIN }));
      const answer = expectServiceSpacing(text);
      expect(text.startsWith('{"records": [{')).toBe(true);
      expect(text.endsWith('}], "domain": "example.com", "success": "ok"}')).toBe(true);
      const records = answer.records!;
      expect(records).toHaveLength(6); // MX, 2×NS, SOA, SPF TXT and the SRV
      // One order for the answer: the keys all records share come in the same relative order.
      const common = ["content", "domain", "fqdn", "priority", "ttl", "record_id", "subdomain", "type"];
      const relative = records.map((record) => Object.keys(record).filter((key) => common.includes(key)));
      for (const keys of relative) expect(keys).toEqual(relative[0]);
      orders.add(relative[0]!.join(","));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  test("errors, the token check and refused requests", async () => {
    expect(bytesOf(await callRaw(emu, "dns/list", { domain: "nope.test" }))).toBe(
      '{"domain": "nope.test", "success": "error", "error": "no_such_domain"}',
    );
    expect(bytesOf(await callRaw(emu, "dns/list", {}))).toBe('{"success": "error", "error": "no_domain"}');
    expect(bytesOf(await callRaw(emu, "dns/list", { domain: DOMAIN }, { token: "wrong" }))).toBe(
      '{"domain": "example.com", "success": "error", "error": "bad_token"}',
    );
    expect(bytesOf(await callRaw(emu, "dns/add", { domain: DOMAIN }, { method: "GET" }), 405)).toBe(
      '{"success": "error", "error": "method_not_allowed"}',
    );
    expect(bytesOf(await callRaw(emu, "dns/nothing", {}, { method: "GET" }), 404)).toBe(
      '{"success": "error", "error": "not_found"}',
    );
  });

  test("domain/domains: nested objects and the empty [] as Python prints them", async () => {
    const text = bytesOf(await callRaw(emu, "domain/domains", {}));
    const answer = expectServiceSpacing(text);
    expect(text.startsWith('{"page": 1, "on_page": 10, "total": 1, "found": 1, "domains": [{"name": ')).toBe(
      true,
    );
    expect(text).toContain('"aliases": [], ');
    expect(text).toContain('"logo_url": "", ');
    expect(text).toBe(
      `{"page": 1, "on_page": 10, "total": 1, "found": 1, "domains": ${py(answer.domains)}, "success": "ok"}`,
    );

    const empty = await startEmulator({ domains: [] });
    try {
      expect(bytesOf(await callRaw(empty, "domain/domains", {}))).toBe(
        '{"page": 1, "on_page": 10, "total": 0, "found": 0, "domains": [], "success": "ok"}',
      );
    } finally {
      await empty.close();
    }
  });

  test("domain/logo/set, domain/logo/check and domain/logo/del", async () => {
    expect(bytesOf(await callRaw(emu, "domain/logo/check", { domain: DOMAIN }))).toBe(
      '{"domain": "example.com", "logo-url": "", "success": "ok"}',
    );
    expect(bytesOf(await uploadLogo(emu))).toBe('{"domain": "example.com", "success": "ok"}');
    const checked = bytesOf(await callRaw(emu, "domain/logo/check", { domain: DOMAIN }));
    const url = (JSON.parse(checked) as Record<string, string>)["logo-url"]!;
    expect(url.startsWith(`${emu.url}/logos/example.com?v=`)).toBe(true);
    // "/" is not escaped by json.dumps.
    expect(checked).toBe(`{"domain": "example.com", "logo-url": "${url}", "success": "ok"}`);
    expect(bytesOf(await callRaw(emu, "domain/logo/del", { domain: DOMAIN }))).toBe(
      '{"domain": "example.com", "success": "ok"}',
    );
  });

  test("import/check_settings: the documented nested answer", async () => {
    const params = { domain: DOMAIN, method: "pop3", server: mail.host, port: mail.port, ssl: "no" };
    expect(bytesOf(await callRaw(emu, "import/check_settings", params))).toBe(
      `{"domain": "example.com", "settings": {"method": "pop3", "server": "${mail.host}", ` +
        `"port": ${mail.port}, "ssl": "no"}, "success": "ok"}`,
    );
  });

  test("non-ASCII text is written as \\uXXXX escapes (ensure_ascii), quotes and backslashes escaped", async () => {
    const content = 'тест ✓ 😀 say "hi" \\ ok / done';
    const text = bytesOf(
      await callRaw(emu, "dns/add", { domain: DOMAIN, type: "TXT", subdomain: "utf", content }),
    );
    expect(text).toContain(
      '"content": "\\u0442\\u0435\\u0441\\u0442 \\u2713 \\ud83d\\ude00 say \\"hi\\" \\\\ ok / done"',
    );
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true); // pure printable ASCII on the wire
    expect((JSON.parse(text) as Answer).record!.content).toBe(content);
  });
});

describe("wire format in the 2017 era: the recorded key order, byte for byte", () => {
  test("dns/add, dns/edit and dns/list records come out exactly as the recordings show them", async () => {
    const emu = await startEmulator({ domains: [DOMAIN], era: "2017", seedDefaultRecords: false });
    try {
      const added = bytesOf(
        await callRaw(emu, "dns/add", {
          domain: DOMAIN,
          type: "TXT",
          subdomain: "orig.test",
          content: "challengetoken",
          ttl: 3600,
        }),
      );
      const id = (JSON.parse(added) as Answer).record!.record_id;
      const record = (subdomain: string, operation = ""): string =>
        `{"content": "challengetoken", "domain": "example.com", "fqdn": "${subdomain}.example.com", ` +
        `"priority": "", "ttl": 3600, "record_id": ${id}, ${operation}"subdomain": "${subdomain}", "type": "TXT"}`;
      expect(added).toBe(`{"record": ${record("orig.test")}, "domain": "example.com", "success": "ok"}`);

      const edited = bytesOf(
        await callRaw(emu, "dns/edit", { domain: DOMAIN, record_id: id, subdomain: "updated.test" }),
      );
      expect(edited).toBe(
        `{"record_id": ${id}, "record": ${record("updated.test", '"operation": "editing", ')}, ` +
          `"domain": "example.com", "success": "ok"}`,
      );
      const listed = bytesOf(await callRaw(emu, "dns/list", { domain: DOMAIN }));
      expect(listed).toBe(
        `{"records": [${record("updated.test")}], "domain": "example.com", "success": "ok"}`,
      );
    } finally {
      await emu.close();
    }
  });

  test("SOA, MX and SRV records keep the recorded relative order of their extra keys", async () => {
    const emu = await startEmulator({ domains: [DOMAIN], era: "2017" });
    try {
      await callRaw(emu, "dns/add", {
        domain: DOMAIN,
        type: "SRV",
        subdomain: "_xmpp-client._tcp",
        content: "domain-xmpp.yandex.net.",
        port: 5222,
        weight: 0,
        priority: 20,
      });
      const answer = JSON.parse(bytesOf(await callRaw(emu, "dns/list", { domain: DOMAIN }))) as Answer;
      const keysOf = (type: string): string[] =>
        Object.keys(answer.records!.find((record) => record.type === type)!);
      // As in authenticate.json and every other recording.
      expect(keysOf("SOA")).toEqual([
        "content",
        "domain",
        "retry",
        "fqdn",
        "refresh",
        "admin_mail",
        "priority",
        "expire",
        "ttl",
        "record_id",
        "subdomain",
        "type",
        "minttl",
      ]);
      expect(keysOf("SRV")).toEqual([
        "content",
        "domain",
        "weight",
        "fqdn",
        "port",
        "priority",
        "ttl",
        "record_id",
        "subdomain",
        "type",
      ]);
      expect(keysOf("MX")).toEqual([
        "content",
        "domain",
        "fqdn",
        "priority",
        "ttl",
        "record_id",
        "subdomain",
        "type",
      ]);
    } finally {
      await emu.close();
    }
  });
});

import { Agent, request } from "undici";
import {
  PddClient,
  PddConfigError,
  PddTransportError,
  assertSafeEndpoint,
  isLoopbackHost,
} from "../../src/client";
import type { Rig } from "./support";
import { rejectionOf, startRig } from "./support";

describe("isLoopbackHost", () => {
  test.each([
    ["localhost", true],
    ["LOCALHOST", true],
    ["127.0.0.1", true],
    ["127.0.0.5", true],
    ["127.255.255.254", true],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["128.0.0.1", false],
    ["10.0.0.1", false],
    ["::2", false],
    ["example.com", false],
    ["localhost.example.com", false],
    ["127.0.0.1.nip.io", false],
    ["", false],
  ])("%s → %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe("assertSafeEndpoint", () => {
  test.each(["http://127.0.0.5:1", "http://localhost:1", "http://[::1]:1", "https://pddimp.yandex.ru"])(
    "accepts %s",
    (endpoint) => {
      expect(assertSafeEndpoint(endpoint)).toBeInstanceOf(URL);
    },
  );

  test("refuses plain http to a remote host and explains the rule", () => {
    let err: unknown;
    try {
      assertSafeEndpoint("http://example.com");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PddConfigError);
    expect(err).toMatchObject({
      code: "invalid_config",
      setting: "endpoint",
      cause: { setting: "endpoint", reason: "insecure_http" },
    });
    const message = (err as Error).message;
    expect(message).toContain("example.com");
    expect(message).toMatch(/loopback/);
    expect(message).toContain("https://");
  });

  test.each([
    ["not a url", "invalid_url"],
    ["ftp://pddimp.yandex.ru", "unsupported_scheme"],
    ["https://pddimp.yandex.ru/?token=1", "query_or_fragment"],
    ["http://10.0.0.1:8080", "insecure_http"],
    ["http://localhost.example.com", "insecure_http"],
  ])("refuses %s (%s)", (endpoint, reason) => {
    expect(() => assertSafeEndpoint(endpoint)).toThrow(PddConfigError);
    try {
      assertSafeEndpoint(endpoint);
    } catch (e) {
      expect((e as PddConfigError).cause).toMatchObject({ reason });
    }
  });

  test("refuses credentials in the URL without repeating them", () => {
    try {
      assertSafeEndpoint("https://admin:hunter2@pddimp.yandex.ru");
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(PddConfigError);
      expect((e as Error).message).not.toContain("hunter2");
      expect(JSON.stringify((e as PddConfigError).cause)).not.toContain("hunter2");
    }
  });
});

describe("PddClient construction", () => {
  test("http://example.com is refused by the constructor", () => {
    expect(() => new PddClient({ token: "abc", endpoint: "http://example.com" })).toThrow(PddConfigError);
  });

  test.each([
    ["http://127.0.0.5:1", "http://127.0.0.5:1"],
    ["http://localhost:1/", "http://localhost:1"],
    ["http://[::1]:1", "http://[::1]:1"],
    ["https://pddimp.yandex.ru", "https://pddimp.yandex.ru"],
    ["https://pdd.example.net/proxy/", "https://pdd.example.net/proxy"],
  ])("accepts %s (endpoint %s)", async (endpoint, normalized) => {
    const client = new PddClient({ token: "abc", endpoint });
    expect(client.endpoint).toBe(normalized);
    await client.close();
  });

  test("defaults to the live service's endpoint", async () => {
    const client = new PddClient({ token: "abc" });
    expect(client.endpoint).toBe("https://pddimp.yandex.ru");
    await client.close();
  });

  test("a missing or malformed token is a config error that tells how to set it", () => {
    const missing = (() => {
      try {
        new PddClient({ token: "" });
      } catch (e) {
        return e as PddConfigError;
      }
      throw new Error("accepted an empty token");
    })();
    expect(missing).toBeInstanceOf(PddConfigError);
    expect(missing.message).toContain("pulumi config set --secret pdd:token");
    expect(missing.message).toContain("PDD_TOKEN");
    expect(() => new PddClient({ token: "abc\r\nX-Evil: 1" })).toThrow(PddConfigError);
    expect(() => new PddClient({ token: " padded " })).toThrow(/whitespace/);
    try {
      new PddClient({ token: "abc\ndef" });
    } catch (e) {
      expect((e as Error).message).not.toContain("abc");
    }
  });

  test("timeouts must be positive integers", () => {
    expect(() => new PddClient({ token: "abc", requestTimeoutMs: 0 })).toThrow(PddConfigError);
    expect(() => new PddClient({ token: "abc", connectTimeoutMs: -1 })).toThrow(PddConfigError);
  });
});

describe("connection handling", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  const LIST = { success: "ok", domain: "example.com", records: [] };

  test("sequential requests reuse one keep-alive TCP connection", async () => {
    for (let i = 0; i < 8; i++) {
      rig.server.enqueue({ kind: "json", body: LIST });
      await rig.client.listRecords("example.com");
    }
    // Mixed methods and error answers must not break reuse either: their bodies are consumed.
    rig.server.enqueue({ kind: "json", body: { success: "error", error: "no_such_domain" } });
    await expect(rig.client.deleteRecord("example.com", 1)).rejects.toMatchObject({ code: "no_such_domain" });
    rig.server.enqueue({ kind: "status", status: 404, body: "x".repeat(10_000) });
    await expect(rig.client.deleteRecord("example.com", 1)).rejects.toMatchObject({ status: 404 });
    rig.server.enqueue({ kind: "json", body: LIST });
    await rig.client.listRecords("example.com");

    expect(rig.server.requests).toHaveLength(11);
    expect(rig.server.connections).toBe(1);
  });

  test("close() closes the client's own pool; later calls fail without sending", async () => {
    const client = new PddClient({ token: "abc", endpoint: rig.server.url, retry: { retries: 0 } });
    rig.server.enqueue({ kind: "json", body: LIST });
    await client.listRecords("example.com");
    await client.close();
    await client.close(); // idempotent
    const err = await rejectionOf(client.deleteRecord("example.com", 1));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "network", outcomeUnknown: false });
    expect(rig.server.requests).toHaveLength(1);
  });

  test("close() leaves an injected dispatcher open for its owner", async () => {
    const agent = new Agent();
    try {
      const client = new PddClient({ token: "abc", endpoint: rig.server.url, dispatcher: agent });
      rig.server.enqueue({ kind: "json", body: LIST });
      await expect(client.listRecords("example.com")).resolves.toEqual([]);
      expect(rig.server.requests[0].headers.pddtoken).toBe("abc");
      await client.close();

      rig.server.enqueue({ kind: "json", body: LIST });
      const res = await request(`${rig.server.url}/api2/admin/dns/list?domain=x`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      await res.body.json();
    } finally {
      await agent.close();
    }
  });

  test("an endpoint path prefix is kept in front of /api2/admin/", async () => {
    const client = new PddClient({ token: "abc", endpoint: `${rig.server.url}/pdd-proxy/` });
    try {
      rig.server.enqueue({ kind: "json", body: LIST });
      await client.listRecords("example.com");
      expect(rig.server.requests[0].path).toBe("/pdd-proxy/api2/admin/dns/list");
    } finally {
      await client.close();
    }
  });
});

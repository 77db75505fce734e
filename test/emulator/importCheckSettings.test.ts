/**
 * import/check_settings by GET (as documented: parameters in the query string) and by POST (form
 * body or query string, as clients send it), both answering in the documented shape
 * `{"domain", "settings": {"method", "server", "port", "ssl"}, "success"}`.
 */
import type { PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import type { GreetingServer } from "../helpers/mailServers";
import { closedPort, startGreetingServer } from "../helpers/mailServers";
import type { CallOptions } from "./apiClient";
import { call, callRaw } from "./apiClient";

const DOMAIN = "example.com";

describe("import/check_settings by GET and POST", () => {
  let emu: PddEmulator;
  let pop3: GreetingServer;
  let imap: GreetingServer;

  beforeAll(async () => {
    emu = await startEmulator({ domains: [DOMAIN], mailCheckTimeoutMs: 1500 });
    pop3 = await startGreetingServer({ protocol: "pop3", tls: false });
    imap = await startGreetingServer({ protocol: "imap", tls: true });
  });
  afterAll(async () => {
    await emu.close();
    await pop3.close();
    await imap.close();
  });

  const ways: Array<[string, CallOptions]> = [
    ["GET with a query string (the documented form)", { method: "GET" }],
    ["POST with a form body", { method: "POST", paramsIn: "body" }],
    ["POST with a query string", { method: "POST", paramsIn: "query" }],
  ];

  test.each(ways)("%s: checks the server for real and answers the documented shape", async (_, options) => {
    const before = pop3.connections();
    const params = { domain: DOMAIN, method: "pop3", server: pop3.host, port: pop3.port, ssl: "no" };
    const answer = await call(emu, "import/check_settings", params, options);
    expect(answer).toEqual({
      domain: DOMAIN,
      settings: { method: "pop3", server: pop3.host, port: pop3.port, ssl: "no" },
      success: "ok",
    });
    expect(Object.keys(answer)).toEqual(["domain", "settings", "success"]);
    expect(Object.keys(answer.settings as object)).toEqual(["method", "server", "port", "ssl"]);
    expect(pop3.connections()).toBe(before + 1);
  });

  test("GET over TLS to an IMAP server, and GET failures answer like POST ones", async () => {
    const params = { domain: DOMAIN, method: "imap", server: imap.host, port: imap.port, ssl: "yes" };
    expect(await call(emu, "import/check_settings", params, { method: "GET" })).toMatchObject({
      settings: { method: "imap", port: imap.port, ssl: "yes" },
      success: "ok",
    });
    const port = await closedPort();
    for (const method of ["GET", "POST"] as const) {
      expect(await call(emu, "import/check_settings", { ...params, port, ssl: "no" }, { method })).toEqual({
        domain: DOMAIN,
        success: "error",
        error: "no_reply",
      });
      expect(
        await call(emu, "import/check_settings", { ...params, domain: "nope.test" }, { method }),
      ).toEqual({ domain: "nope.test", success: "error", error: "no_such_domain" });
    }
    expect(emu.stats().requests.byEndpoint["import/check_settings"]).toBeGreaterThanOrEqual(5);
  });

  test("other methods are refused with 405 naming both", async () => {
    const params = { domain: DOMAIN, method: "pop3", server: pop3.host, port: pop3.port };
    const before = pop3.connections();
    const response = await callRaw(emu, "import/check_settings", params, { method: "PUT" as "GET" });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("GET, POST");
    expect(pop3.connections()).toBe(before);
  });
});

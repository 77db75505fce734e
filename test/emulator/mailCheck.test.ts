import type { PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import type { GreetingServer } from "../helpers/mailServers";
import { closedPort, startGreetingServer, startSilentServer } from "../helpers/mailServers";
import { call } from "./apiClient";

const DOMAIN = "example.com";

describe("import/check_settings", () => {
  let emu: PddEmulator;
  const servers: GreetingServer[] = [];

  beforeAll(async () => {
    emu = await startEmulator({ domains: [DOMAIN], mailCheckTimeoutMs: 1500 });
  });
  afterAll(async () => {
    await emu.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  async function server(protocol: "imap" | "pop3", tls: boolean): Promise<GreetingServer> {
    const started = await startGreetingServer({ protocol, tls });
    servers.push(started);
    return started;
  }

  test.each([
    ["imap", false, "imap"],
    ["pop3", false, "pop3"],
    ["imap", true, "imap4"],
    ["pop3", true, "pop"],
  ] as const)("%s server (tls: %s) checked with method=%s → ok", async (protocol, tls, method) => {
    const mail = await server(protocol, tls);
    const ssl = tls ? "yes" : "no";
    const answer = await call(emu, "import/check_settings", {
      domain: DOMAIN,
      method,
      server: mail.host,
      port: mail.port,
      ssl,
    });
    expect(answer).toEqual({
      domain: DOMAIN,
      settings: { method, server: mail.host, port: mail.port, ssl },
      success: "ok",
    });
    expect(mail.connections()).toBe(1);
  });

  test("'localhost' is a loopback name and may be checked", async () => {
    const mail = await server("imap", false);
    const answer = await call(emu, "import/check_settings", {
      domain: DOMAIN,
      method: "imap",
      server: "localhost",
      port: mail.port,
      ssl: "no",
    });
    // localhost may resolve to ::1 first; the check must fall back to 127.0.0.1 where the server is.
    expect(answer).toMatchObject({ settings: { server: "localhost" }, success: "ok" });
    expect(mail.connections()).toBe(1);
  });

  test("a closed port → no_reply", async () => {
    const port = await closedPort();
    expect(
      await call(emu, "import/check_settings", {
        domain: DOMAIN,
        method: "imap",
        server: "127.0.0.1",
        port,
        ssl: "no",
      }),
    ).toEqual({ domain: DOMAIN, success: "error", error: "no_reply" });
  });

  test("the wrong protocol's greeting (a POP3 server checked as IMAP) → no_reply", async () => {
    const pop3 = await server("pop3", false);
    const answer = await call(emu, "import/check_settings", {
      domain: DOMAIN,
      method: "imap",
      server: pop3.host,
      port: pop3.port,
      ssl: "no",
    });
    expect(answer).toEqual({ domain: DOMAIN, success: "error", error: "no_reply" });
    expect(pop3.connections()).toBe(1);
    const imap = await server("imap", false);
    expect(
      (
        await call(emu, "import/check_settings", {
          domain: DOMAIN,
          method: "pop3",
          server: imap.host,
          port: imap.port,
        })
      ).error,
    ).toBe("no_reply");
  });

  test("ssl=yes against a plain server → no_reply; ssl=no against a TLS server → no_reply", async () => {
    const plain = await server("imap", false);
    expect(
      (
        await call(emu, "import/check_settings", {
          domain: DOMAIN,
          method: "imap",
          server: plain.host,
          port: plain.port,
          ssl: "yes",
        })
      ).error,
    ).toBe("no_reply");
    const tls = await server("pop3", true);
    const started = Date.now();
    expect(
      (
        await call(emu, "import/check_settings", {
          domain: DOMAIN,
          method: "pop3",
          server: tls.host,
          port: tls.port,
          ssl: "no",
        })
      ).error,
    ).toBe("no_reply");
    // A TLS server waits for a ClientHello, so this one ends by the timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  test("a server that never greets → no_reply after mailCheckTimeoutMs", async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const answer = await call(emu, "import/check_settings", {
        domain: DOMAIN,
        method: "imap",
        server: "127.0.0.1",
        port: silent.port,
      });
      const elapsed = Date.now() - started;
      expect(answer.error).toBe("no_reply");
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(elapsed).toBeLessThan(5000);
    } finally {
      await silent.close();
    }
  });

  test("non-loopback servers are refused without any traffic unless allowExternalMailCheck", async () => {
    for (const target of ["192.0.2.1", "imap.yandex.ru", "::ffff:10.0.0.1"]) {
      const started = Date.now();
      expect(
        await call(emu, "import/check_settings", {
          domain: DOMAIN,
          method: "imap",
          server: target,
          port: 993,
        }),
      ).toEqual({ domain: DOMAIN, success: "error", error: "not_allowed" });
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });

  test.each([
    [{ server: "127.0.0.1", port: 143 }, "no_method"],
    [{ method: "smtp", server: "127.0.0.1", port: 143 }, "bad_method"],
    [{ method: "imap", port: 143 }, "no_server"],
    [{ method: "imap", server: "bad host!", port: 143 }, "bad_server"],
    [{ method: "imap", server: "127.0.0.1", port: 0 }, "bad_port"],
    [{ method: "imap", server: "127.0.0.1", port: "imap" }, "bad_port"],
    [{ method: "imap", server: "127.0.0.1", port: 143, ssl: "maybe" }, "bad_ssl"],
  ])("%j → %s", async (params, error) => {
    expect(await call(emu, "import/check_settings", { domain: DOMAIN, ...params })).toEqual({
      domain: DOMAIN,
      success: "error",
      error,
    });
  });

  test("domain is required and must be on the account", async () => {
    const params = { method: "imap", server: "127.0.0.1", port: 143 };
    expect(await call(emu, "import/check_settings", params)).toEqual({
      success: "error",
      error: "no_domain",
    });
    expect((await call(emu, "import/check_settings", { ...params, domain: "nope.test" })).error).toBe(
      "no_such_domain",
    );
  });
});

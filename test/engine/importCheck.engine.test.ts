import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import {
  CheckFailedError,
  ProviderHostError,
  UNKNOWN_VALUE,
  engineCreate,
  engineDelete,
  engineRefresh,
  engineUpdate,
  getProgramFolder,
  repoRoot,
  unwrapSecrets,
  urn,
} from "../harness";
import type {
  CapturedResource,
  CheckFailure,
  EngineUpdateResult,
  ProviderHost,
  Props,
  ResourceState,
} from "../harness";
import { closedPort, startGreetingServer } from "../helpers/mailServers";
import type { GreetingServer } from "../helpers/mailServers";
import {
  IMPORT_CHECK_TYPE,
  TOKEN,
  captureProgram,
  configuredHost,
  inputsOf,
  withoutProvider,
  expectTokenAbsent,
} from "./support";

const DOMAIN = "example.com";
const LOOPBACK = "127.0.0.1";
/** How long the emulator waits for a greeting; short, for the "plain client, TLS server" case. */
const MAIL_CHECK_TIMEOUT_MS = 1500;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("PddImportCheck through the SDK's provider host, against real IMAP and POP3 peers on loopback", () => {
  let emulator: PddEmulator;
  let host: ProviderHost;
  let cwd: string;
  let resources: Map<string, CapturedResource>;
  let servers: Record<"imap" | "pop3" | "imapTls" | "pop3Tls", GreetingServer>;
  let closed: number;
  const errors: string[] = [];
  const states: Props[] = [];

  const news = (name: string) => inputsOf(resources, name);
  const requests = () => emulator.stats().requests;
  const checks = () => requests().byEndpoint["import/check_settings"] ?? 0;
  /** Keeps every state the engine would store, for the token check at the end. */
  const track = <T extends ResourceState | EngineUpdateResult | undefined>(value: T): T => {
    const state: ResourceState | undefined = value && "action" in value ? value.state : value;
    if (state) states.push(state.outputs, state.inputs);
    return value;
  };
  const create = async (name: string) =>
    track(await engineCreate(host, urn(IMPORT_CHECK_TYPE, name), news(name)));
  /** The form the emulator received for the last import/check_settings. */
  const lastCheckParams = () => {
    const entry = emulator
      .requestLog()
      .filter((e) => e.endpoint === "import/check_settings")
      .pop();
    return entry?.body.kind === "urlencoded" ? entry.body.params : undefined;
  };
  const failedCreate = async (name: string): Promise<ProviderHostError> => {
    const failure = await engineCreate(host, urn(IMPORT_CHECK_TYPE, name), news(name)).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ProviderHostError);
    errors.push((failure as Error).message);
    return failure as ProviderHostError;
  };

  beforeAll(async () => {
    cwd = getProgramFolder();
    servers = {
      imap: await startGreetingServer({ protocol: "imap", tls: false }),
      pop3: await startGreetingServer({ protocol: "pop3", tls: false }),
      imapTls: await startGreetingServer({ protocol: "imap", tls: true }),
      pop3Tls: await startGreetingServer({ protocol: "pop3", tls: true }),
    };
    closed = await closedPort();
    emulator = await startEmulator({
      token: TOKEN,
      domains: [DOMAIN],
      mailCheckTimeoutMs: MAIL_CHECK_TIMEOUT_MS,
    });
    const base = { domain: DOMAIN, server: LOOPBACK };
    const imap = { ...base, method: "imap", ssl: false, port: servers.imap.port };
    const check = (name: string, args: Props) =>
      `new pdd.PddImportCheck(${JSON.stringify(name)}, ${JSON.stringify(args)});`;
    const program = [
      check("imap", imap),
      check("imap-spelled", {
        ...imap,
        domain: "Example.COM.",
        method: "IMAP4",
        port: String(servers.imap.port),
      }),
      check("imap-triggers-1", { ...imap, triggers: ["v1", { build: 1 }] }),
      check("imap-triggers-2", { ...imap, triggers: ["v2", { build: 1 }] }),
      check("imap-triggers-keys", { ...imap, triggers: [{ image: "a", build: 1 }] }),
      check("imap-triggers-keys-reordered", { ...imap, triggers: [{ build: 1, image: "a" }] }),
      check("imap-tls", { ...base, method: "imap4", port: servers.imapTls.port }),
      check("localhost", { ...imap, server: "LocalHost." }),
      check("pop3", { ...base, method: "pop3", ssl: false, port: servers.pop3.port }),
      check("pop3-tls", { ...base, method: "pop", ssl: true, port: servers.pop3Tls.port }),
      check("default-imap-ssl", { ...base, method: "imap" }),
      check("default-imap", { ...base, method: "imap", ssl: false }),
      check("default-pop3-ssl", { ...base, method: "pop3", ssl: true }),
      check("default-pop3", { ...base, method: "pop", ssl: false }),
      check("closed", { ...imap, port: closed }),
      check("closed-pop3-ssl", { ...base, method: "pop3", port: closed }),
      check("tls-against-plain", { ...imap, ssl: true }),
      check("plain-against-tls", { ...imap, port: servers.imapTls.port }),
      check("external", { ...imap, server: "mail.example.net" }),
      check("port-0", { ...imap, port: 0 }),
      check("port-70000", { ...imap, port: 70000 }),
      check("port-text", { ...imap, port: "imap" }),
      check("port-fraction", { ...imap, port: 143.5 }),
      check("method-smtp", { ...imap, method: "smtp" }),
      check("method-prototype", { ...imap, method: "constructor" }),
      check("method-proto", { ...imap, method: "__proto__" }),
      check("method-missing", { ...base, ssl: false, port: servers.imap.port }),
      check("ssl-string", { ...imap, ssl: "yes" }),
      check("server-bad", { ...imap, server: "mail server!" }),
      check("server-empty", { ...imap, server: "" }),
      check("domain-bad", { ...imap, domain: "not a domain" }),
      check("triggers-not-array", { ...imap, triggers: "v1" }),
    ].join("\n");
    resources = await captureProgram(cwd, program, { "pdd:token": TOKEN });
    host = await configuredHost(cwd, emulator.url);
  });

  afterAll(async () => {
    await host?.close();
    await emulator?.close();
    await Promise.all(Object.values(servers ?? {}).map((s) => s.close()));
  });

  it("captures a small, identical __provider for every check, without the token", () => {
    const all = [...resources.values()];
    expect(all.every((r) => r.type === IMPORT_CHECK_TYPE)).toBe(true);
    const providers = new Set(all.map((r) => String(r.inputs.__provider)));
    expect(providers.size).toBe(1);
    const [provider] = [...providers];
    expect(Buffer.byteLength(provider!)).toBeLessThanOrEqual(3 * 1024);
    expect(provider).not.toContain(TOKEN);
  });

  it.each([
    ["default-imap-ssl", "imap", true, 993],
    ["default-imap", "imap", false, 143],
    ["default-pop3-ssl", "pop3", true, 995],
    ["default-pop3", "pop3", false, 110],
  ] as const)(
    "check fills in the default port for %s (%s, ssl %s → %d) with no API call",
    async (name, method, ssl, port) => {
      const before = requests().total;
      const result = await host.check(urn(IMPORT_CHECK_TYPE, name), {}, unwrapSecrets(news(name)));
      expect(result.failures).toEqual([]);
      expect(withoutProvider(result.inputs)).toEqual({ domain: DOMAIN, server: LOOPBACK, method, ssl, port });
      expect(requests().total).toBe(before);
    },
  );

  it("IMAP without SSL: create → read without the service → no diff → triggers replace → delete twice", async () => {
    emulator.resetStats();
    const connections = servers.imap.connections();
    const created = await create("imap");
    const port = servers.imap.port;

    // The emulator really connected to the IMAP server and got its greeting.
    expect(servers.imap.connections()).toBe(connections + 1);
    expect(checks()).toBe(1);
    expect(lastCheckParams()).toEqual({
      domain: DOMAIN,
      server: LOOPBACK,
      method: "imap",
      port: String(port),
      ssl: "no",
    });
    expect(created.id).toBe(`${DOMAIN}/imap/${LOOPBACK}:${port}`);
    expect(withoutProvider(created.inputs)).toEqual({
      domain: DOMAIN,
      server: LOOPBACK,
      method: "imap",
      ssl: false,
      port,
    });
    const outputs = withoutProvider(created.outputs);
    expect(outputs).toEqual({
      domain: DOMAIN,
      server: LOOPBACK,
      method: "imap",
      ssl: false,
      port,
      checkedAt: expect.stringMatching(ISO_8601),
    });
    expect(new Date(outputs.checkedAt as string).toISOString()).toBe(outputs.checkedAt);
    expect(Math.abs(Date.parse(outputs.checkedAt as string) - Date.now())).toBeLessThan(60_000);
    expect(JSON.parse(JSON.stringify(outputs))).toEqual(outputs);

    // Read returns the recorded state without calling the service (or the mail server).
    const before = requests().total;
    const refreshed = track(await engineRefresh(host, created))!;
    expect(requests().total).toBe(before);
    expect(servers.imap.connections()).toBe(connections + 1);
    expect(refreshed.id).toBe(created.id);
    expect(withoutProvider(refreshed.outputs)).toEqual(outputs);
    expect(withoutProvider(refreshed.inputs)).toEqual(withoutProvider(created.inputs));

    // The unchanged program, or one that only spells things differently (alias, case, port as text): no change.
    for (const name of ["imap", "imap-spelled"]) {
      expect([name, (await engineUpdate(host, refreshed, news(name))).action]).toEqual([name, "same"]);
    }
    expect(requests().total).toBe(before);

    // Any input change runs the check again: a replacement, deleting the old one first.
    const withTriggers = track(await engineUpdate(host, refreshed, news("imap-triggers-1")));
    expect(withTriggers.action).toBe("replace");
    expect(withTriggers.diff.replaces).toEqual(["triggers"]);
    expect(withTriggers.diff.deleteBeforeReplace).toBe(true);
    expect(checks()).toBe(2);
    expect(servers.imap.connections()).toBe(connections + 2);
    expect(withTriggers.state.outputs.triggers).toEqual(["v1", { build: 1 }]);
    expect(Date.parse(withTriggers.state.outputs.checkedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(outputs.checkedAt as string),
    );
    expect((await engineUpdate(host, withTriggers.state, news("imap-triggers-1"))).action).toBe("same");
    const retriggered = track(await engineUpdate(host, withTriggers.state, news("imap-triggers-2")));
    expect(retriggered.action).toBe("replace");
    expect(retriggered.diff.replaces).toEqual(["triggers"]);
    expect(checks()).toBe(3);
    // Dropping the triggers is a change too.
    const untriggered = track(await engineUpdate(host, retriggered.state, news("imap")));
    expect(untriggered.action).toBe("replace");
    expect(untriggered.diff.replaces).toEqual(["triggers"]);
    expect(untriggered.state.outputs.triggers).toBeUndefined();
    expect(checks()).toBe(4);

    // Switching to TLS on another port (method given by its alias) replaces it, naming what changed.
    const tls = track(await engineUpdate(host, untriggered.state, news("imap-tls")));
    expect(tls.action).toBe("replace");
    expect(tls.diff.replaces).toEqual(["ssl", "port"]);
    expect(tls.state.outputs).toEqual(
      expect.objectContaining({ method: "imap", ssl: true, port: servers.imapTls.port }),
    );
    expect(lastCheckParams()).toEqual(expect.objectContaining({ method: "imap", ssl: "yes" }));
    expect(checks()).toBe(5);

    // Delete removes nothing remotely and makes no API call; again is fine.
    const beforeDelete = requests().total;
    await engineDelete(host, tls.state);
    await expect(engineDelete(host, tls.state)).resolves.toBeUndefined();
    expect(requests().total).toBe(beforeDelete);
  });

  it.each([
    ["pop3", "pop3", false, "pop3"],
    ["imap-tls", "imap", true, "imapTls"],
    ["pop3-tls", "pop3", true, "pop3Tls"],
  ] as const)(
    "%s: the check passes against a real %s server (ssl %s), method normalized",
    async (name, method, ssl, server) => {
      const connections = servers[server].connections();
      const created = await create(name);
      expect(servers[server].connections()).toBe(connections + 1);
      const port = servers[server].port;
      expect(withoutProvider(created.inputs)).toEqual({
        domain: DOMAIN,
        server: LOOPBACK,
        method,
        ssl,
        port,
      });
      expect(withoutProvider(created.outputs)).toEqual({
        domain: DOMAIN,
        server: LOOPBACK,
        method,
        ssl,
        port,
        checkedAt: expect.stringMatching(ISO_8601),
      });
      expect(lastCheckParams()).toEqual({
        domain: DOMAIN,
        server: LOOPBACK,
        method,
        port: String(port),
        ssl: ssl ? "yes" : "no",
      });
      const before = requests().total;
      expect(withoutProvider((await engineRefresh(host, created))?.outputs)).toEqual(
        withoutProvider(created.outputs),
      );
      expect((await engineUpdate(host, created, news(name))).action).toBe("same");
      await engineDelete(host, created);
      expect(requests().total).toBe(before);
    },
  );

  it("compares triggers by value: the order of keys in an object is no change", async () => {
    const [written, reordered] = ["imap-triggers-keys", "imap-triggers-keys-reordered"].map(news);
    // The SDK sends object keys sorted (as the engine's own marshalling does), so the provider sees one spelling.
    expect(JSON.stringify(written!.triggers)).toBe(JSON.stringify(reordered!.triggers));
    const created = await create("imap-triggers-keys");
    const before = checks();
    expect((await engineUpdate(host, created, news("imap-triggers-keys-reordered"))).action).toBe("same");
    expect(checks()).toBe(before);
    await engineDelete(host, created);
  });

  it("normalizes the server name (letter case, trailing dot)", async () => {
    const created = await create("localhost");
    expect(created.inputs.server).toBe("localhost");
    expect(created.outputs.server).toBe("localhost");
    expect((await engineUpdate(host, created, news("localhost"))).action).toBe("same");
    await engineDelete(host, created);
  });

  it("a closed port fails with no_reply, naming server, port, protocol and SSL and what to check", async () => {
    const failure = await failedCreate("closed");
    const message = failure.message;
    expect(message).toContain("no_reply");
    expect(message).toContain(`${LOOPBACK}:${closed}`);
    expect(message).toContain("IMAP");
    expect(message).toMatch(/without SSL/);
    expect(message).toMatch(/firewall/);
    expect(message).toMatch(/port/);
    expect(message).toMatch(/ssl/i);
    expect(message).toMatch(/usually 143/);
    expect(failure.initFailed).toBeUndefined();

    const pop3 = (await failedCreate("closed-pop3-ssl")).message;
    expect(pop3).toContain(`${LOOPBACK}:${closed}`);
    expect(pop3).toMatch(/POP3/);
    expect(pop3).toMatch(/over SSL/);
    expect(pop3).toMatch(/usually 995/);
  });

  it("an SSL setting that does not match the server fails with no_reply too", async () => {
    const tlsAgainstPlain = (await failedCreate("tls-against-plain")).message;
    expect(tlsAgainstPlain).toContain("no_reply");
    expect(tlsAgainstPlain).toContain(`${LOOPBACK}:${servers.imap.port}`);
    expect(tlsAgainstPlain).toMatch(/over SSL/);
    const plainAgainstTls = (await failedCreate("plain-against-tls")).message;
    expect(plainAgainstTls).toContain("no_reply");
    expect(plainAgainstTls).toMatch(/without SSL/);
  });

  it("maps the service's other refusals as the client does", async () => {
    const message = (await failedCreate("external")).message;
    expect(message).toContain("not_allowed");
    expect(message).toContain("import/check_settings");
    expect(message).toMatch(/not allowed to do this/);
  });

  it("refuses bad input at check, naming the property, with no API call", async () => {
    const cases: [string, string, RegExp][] = [
      ["port-0", "port", /port must be a whole number from 1 to 65535, got 0/],
      ["port-70000", "port", /from 1 to 65535, got 70000/],
      ["port-text", "port", /whole number/],
      ["port-fraction", "port", /whole number/],
      ["method-smtp", "method", /"imap" or "pop3".*"smtp"/],
      ["method-prototype", "method", /"imap" or "pop3".*"constructor"/],
      ["method-proto", "method", /"imap" or "pop3".*"__proto__"/],
      ["method-missing", "method", /"imap" or "pop3"/],
      ["ssl-string", "ssl", /true or false/],
      ["server-bad", "server", /not a valid host name/],
      ["server-empty", "server", /server is required/],
      ["domain-bad", "domain", /valid domain name/],
      ["triggers-not-array", "triggers", /must be an array/],
    ];
    const before = requests().total;
    for (const [name, property, reason] of cases) {
      const result = await host.check(urn(IMPORT_CHECK_TYPE, name), {}, unwrapSecrets(news(name)));
      expect([name, result.failures.map((f: CheckFailure) => f.property)]).toEqual([name, [property]]);
      expect([name, result.failures[0]!.reason]).toEqual([name, expect.stringMatching(reason)]);
      errors.push(...result.failures.map((f) => f.reason));
      const failure = await engineCreate(host, urn(IMPORT_CHECK_TYPE, name), news(name)).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(CheckFailedError);
    }
    expect(requests().total).toBe(before);
  });

  it("accepts values not known until deployment at preview, and diffs them as a replacement", async () => {
    const preview = await host.check(
      urn(IMPORT_CHECK_TYPE, "imap"),
      {},
      { ...news("imap"), port: UNKNOWN_VALUE },
    );
    expect(preview.failures).toEqual([]);
    expect(preview.inputs.port).toBe(UNKNOWN_VALUE);
    const unknownMethod = await host.check(
      urn(IMPORT_CHECK_TYPE, "default-imap"),
      {},
      {
        ...news("default-imap"),
        method: UNKNOWN_VALUE,
      },
    );
    expect(unknownMethod.failures).toEqual([]);
    expect(unknownMethod.inputs.port).toBe(UNKNOWN_VALUE);
    const created = await create("imap");
    const diff = await host.diff(created.id, created.urn, created.outputs, preview.inputs);
    expect(diff.changes).toBe("some");
    expect(diff.replaces).toEqual(["port"]);
    await engineDelete(host, created);
  });

  it("never lets the token into __provider, outputs, errors or the host's logs", () => {
    expectTokenAbsent(host, { states, errors, resources });
    expect(states.length).toBeGreaterThan(10);
    expect(errors.length).toBeGreaterThan(10);
  });
});

describe("PddImportCheck with the provider host at the repository root (the root Pulumi.yaml case)", () => {
  it("checks a POP3 server, reads it back without the service and deletes it", async () => {
    const pop3 = await startGreetingServer({ protocol: "pop3", tls: false });
    const emulator = await startEmulator({ token: TOKEN, domains: [DOMAIN] });
    try {
      const args = { domain: DOMAIN, server: LOOPBACK, method: "pop", ssl: false, port: pop3.port };
      const resources = await captureProgram(
        repoRoot,
        `new pdd.PddImportCheck("root", ${JSON.stringify(args)});`,
      );
      const inputs = inputsOf(resources, "root");
      expect(Buffer.byteLength(String(inputs.__provider))).toBeLessThanOrEqual(3 * 1024);
      const host = await configuredHost(repoRoot, emulator.url);
      try {
        const state = await engineCreate(host, urn(IMPORT_CHECK_TYPE, "root"), inputs);
        expect(state.outputs).toEqual(
          expect.objectContaining({ method: "pop3", port: pop3.port, ssl: false }),
        );
        expect(pop3.connections()).toBe(1);
        const before = emulator.stats().requests.total;
        const read = await engineRefresh(host, state);
        expect(withoutProvider(read?.outputs)).toEqual(withoutProvider(state.outputs));
        await engineDelete(host, state);
        expect(emulator.stats().requests.total).toBe(before);
      } finally {
        await host.close();
      }
    } finally {
      await emulator.close();
      await pop3.close();
    }
  });
});

/**
 * The token, given as a secret stack config value or through `PDD_TOKEN`, must appear nowhere but in
 * the `PddToken` header of the requests: not in any serialized provider, output, state kept after a
 * partial failure, error message, program output, nor in anything the provider host or the client
 * logs with `PDD_LOG=debug`. Each mode drives all three resources through success and failure paths.
 *
 * On Yandex 360 (`pdd:api` = yandex360) the same holds for the OAuth token, given as `pdd:token` or
 * through `YANDEX360_OAUTH_TOKEN`, with the `Authorization: OAuth …` header as its only place; the
 * failures there include the service's 401 (a token it does not accept) and 403 (an organization
 * the token's user does not administer) answers.
 */
import { inspect } from "node:util";
import { PddClient, Yandex360Client } from "../../src/client";
import { startEmulator } from "../../src/emulator";
import type { PddEmulator } from "../../src/emulator";
import { closedPort, startGreetingServer } from "../helpers/mailServers";
import type { GreetingServer } from "../helpers/mailServers";
import {
  ProviderHostError,
  captureRegistrations,
  engineCreate,
  engineDelete,
  engineRefresh,
  engineUpdate,
  getProgramFolder,
  urn,
} from "../harness";
import type { ProviderHost, Props, ResourceState } from "../harness";
import { DNS_TYPE, IMPORT_CHECK_TYPE, LOGO_TYPE } from "../engine/support";
import { startConfiguredHost } from "./stack";
import { clientEvents } from "./support";

const DOMAIN = "example.com";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** Every spelling of the token a careless serializer or logger could produce. */
function spellings(token: string): string[] {
  return [
    token,
    encodeURIComponent(token),
    JSON.stringify(token).slice(1, -1),
    Buffer.from(token).toString("base64"),
    Buffer.from(token).toString("hex"),
  ];
}

/** Names of the collections that contain the token in any spelling. */
function leaks(token: string, collections: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(collections)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    for (const spelling of spellings(token)) {
      if (text.includes(spelling))
        found.push(`${name} contains ${spelling === token ? "the token" : "an encoding of it"}`);
    }
  }
  return found;
}

// The scan must be able to fail: every spelling of a token is found.
for (const spelling of spellings("control-token-2f9a")) {
  if (leaks("control-token-2f9a", { control: `…${spelling}…` }).length === 0) {
    throw new Error(`the leak scan misses ${spelling}`);
  }
}

function everyTextOf(err: unknown): string[] {
  if (!(err instanceof Error)) return [String(err)];
  return [
    err.message,
    String(err.stack),
    String(err),
    inspect(err, { depth: 8 }),
    JSON.stringify(err, Object.getOwnPropertyNames(err)),
    JSON.stringify(err),
  ];
}

const MODES = [
  { mode: "a secret stack config value (pdd:token)", via: "config", token: "pdd-cfg-secret-3b8e1f42c9d7" },
  { mode: "the environment (PDD_TOKEN)", via: "env", token: "pdd-env-secret-71d0a6e5b2f4" },
] as const;

describe.each(MODES)("the token given through $mode never leaks", ({ via, token }) => {
  let emulator: PddEmulator;
  let imap: GreetingServer;
  let cwd: string;
  let host: ProviderHost;
  const providers: string[] = [];
  const outputs: unknown[] = [];
  const errors: string[] = [];
  const program: string[] = [];
  let news: Map<string, Props>;

  const record = (state: ResourceState | undefined) => {
    if (state) outputs.push(state.outputs, state.inputs, state.id);
    return state;
  };
  const failure = async (promise: Promise<unknown>): Promise<Error> => {
    const err = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(err).toBeInstanceOf(Error);
    errors.push(...everyTextOf(err));
    if (err instanceof ProviderHostError && err.initFailed) errors.push(JSON.stringify(err.initFailed));
    return err!;
  };

  beforeAll(async () => {
    cwd = getProgramFolder();
    emulator = await startEmulator({ token, domains: [DOMAIN] });
    imap = await startGreetingServer({ protocol: "imap", tls: false });
    const env = via === "env" ? { PDD_TOKEN: token, PDD_ENDPOINT: emulator.url } : {};
    const config = via === "config" ? { "pdd:token": token, "pdd:endpoint": emulator.url } : {};
    const captured = await captureRegistrations({
      cwd,
      config,
      secretKeys: via === "config" ? ["pdd:token"] : [],
      env,
      program: `"use strict";
const pulumi = require("@pulumi/pulumi");
const pdd = require("pulumi-yandex-pdd");
const www = new pdd.PddDnsRecord("www", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.10" });
const www2 = new pdd.PddDnsRecord("www-changed", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.11", ttl: 900 });
new pdd.PddDnsRecord("spf", { domain: "example.com", type: "TXT", subdomain: "@", content: "v=spf1 redirect=_spf.yandex.net" });
new pdd.PddDnsRecord("unconfirmed", { domain: "example.com", type: "TXT", subdomain: "pending", content: "maybe-added" });
const logo = new pdd.PddDomainLogo("logo", { domain: "example.com", contentBase64: ${JSON.stringify(PNG.toString("base64"))} });
new pdd.PddDomainLogo("logo-missing", { domain: "example.com", file: "no-such-logo.png" });
const reachable = new pdd.PddImportCheck("imap", { domain: "example.com", server: "127.0.0.1", method: "imap", ssl: false, port: ${imap.port} });
new pdd.PddImportCheck("closed", { domain: "example.com", server: "127.0.0.1", method: "imap", ssl: false, port: ${await closedPort()} });
console.log("program ran with", Object.keys(process.env).filter((k) => k.startsWith("PDD_")).sort().join(","));
module.exports = { fqdn: www.fqdn, recordId: www.recordId, logoUrl: logo.logoUrl, checked: reachable.checkedAt, changed: www2.content };
`,
    });
    program.push(captured.stdout, captured.stderr, JSON.stringify(captured.exports));
    news = new Map(captured.resources.map((r) => [r.name, r.inputs]));
    providers.push(...captured.resources.map((r) => String(r.inputs.__provider)));
    host = await startConfiguredHost({
      cwd,
      config: config,
      secretKeys: via === "config" ? ["pdd:token"] : [],
      env: { PDD_LOG: "debug", ...env },
    });
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await imap?.close();
    await emulator?.close();
  });

  it("drives all three resources through success and failure, then finds the token nowhere", async () => {
    const input = (name: string) => news.get(name)!;
    // Success paths: create, refresh, update, delete.
    const www = record(await engineCreate(host, urn(DNS_TYPE, "www"), input("www")))!;
    const refreshed = record(await engineRefresh(host, www))!;
    const changed = record((await engineUpdate(host, refreshed, input("www-changed"))).state)!;
    const logo = record(await engineCreate(host, urn(LOGO_TYPE, "logo"), input("logo")))!;
    record(await engineRefresh(host, logo));
    const imapCheck = record(await engineCreate(host, urn(IMPORT_CHECK_TYPE, "imap"), input("imap")))!;
    record(await engineRefresh(host, imapCheck));

    // Failure paths: a duplicate, a check failure, an unreachable mail server, a malformed id, and an
    // add whose outcome stays unknown (a partial failure whose state the engine keeps).
    expect((await failure(engineCreate(host, urn(DNS_TYPE, "spf"), input("spf")))).message).toContain(
      "adoptExisting",
    );
    await failure(engineCreate(host, urn(LOGO_TYPE, "logo-missing"), input("logo-missing")));
    expect(
      (await failure(engineCreate(host, urn(IMPORT_CHECK_TYPE, "closed"), input("closed")))).message,
    ).toMatch(/no_reply/);
    await failure(host.read("not-an-id", urn(DNS_TYPE, "www"), { __provider: input("www").__provider }));
    emulator.setFaults({ rate: 1, kinds: { lost_response: 1 }, endpoints: ["dns/add", "dns/list"] });
    const pending = await failure(engineCreate(host, urn(DNS_TYPE, "unconfirmed"), input("unconfirmed")));
    expect((pending as ProviderHostError).initFailed?.id).toBe(`${DOMAIN}/unconfirmed-add`);
    emulator.setFaults({ rate: 1, kinds: { http_5xx: 1 }, endpoints: ["dns/list"] });
    await new Promise((r) => setTimeout(r, 2100)); // past the shared-list window, so the read lists
    await failure(engineRefresh(host, changed));
    emulator.setFaults(undefined);

    for (const state of [changed, logo, imapCheck]) await engineDelete(host, state);
    const leftover = emulator.records(DOMAIN).find((r) => r.content === "maybe-added");
    if (leftover)
      await new PddClient({ token, endpoint: emulator.url }).deleteRecord(DOMAIN, leftover.record_id);

    const logs = host.logs();
    const events = clientEvents(logs);
    // The debug log was on and saw the failures, so the scan below had something to look through.
    expect(events.some((e) => e.type === "request")).toBe(true);
    expect(events.some((e) => e.type === "retry")).toBe(true);
    expect(events.some((e) => e.type === "error" && e.outcomeUnknown)).toBe(true);
    expect(errors.length).toBeGreaterThan(20);
    expect(outputs.length).toBeGreaterThan(15);
    expect(new Set(providers).size).toBe(3);

    expect(
      leaks(token, { serializedProviders: providers, outputs, errors, hostLogs: logs, program }),
    ).toEqual([]);
  }, 120_000);

  it("shows the token to the service only in the PddToken header", () => {
    const log = emulator.requestLog();
    expect(log.length).toBeGreaterThan(10);
    for (const entry of log) {
      expect(entry.headers.pddtoken).toBe(token);
      const { pddtoken: _header, ...otherHeaders } = entry.headers;
      expect(leaks(token, { path: entry.path, query: entry.query, body: entry.body, otherHeaders })).toEqual(
        [],
      );
    }
    // Both kinds of body were seen: form parameters and the multipart logo upload.
    expect(log.some((e) => e.body.kind === "urlencoded")).toBe(true);
    expect(log.some((e) => e.body.kind === "multipart")).toBe(true);
  });

  it("keeps it out of the client's own events and errors, used directly", async () => {
    const events: unknown[] = [];
    const client = new PddClient({
      token,
      endpoint: emulator.url,
      requestTimeoutMs: 500,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
      onEvent: (e) => events.push(e),
    });
    const texts: string[] = [];
    try {
      emulator.setFaults({ rate: 1, seed: 11, hangMs: 700 });
      for (let i = 0; i < 12; i++) {
        await client.listRecords(DOMAIN).catch((e: unknown) => texts.push(...everyTextOf(e)));
        await client
          .addRecord({ domain: DOMAIN, type: "TXT", subdomain: `c${i}`, content: "client" })
          .catch((e: unknown) => texts.push(...everyTextOf(e)));
      }
      emulator.setFaults(undefined);
      await client.deleteRecord(DOMAIN, 1).catch((e: unknown) => texts.push(...everyTextOf(e)));
      await client.listRecords("not-on-the-account.org").catch((e: unknown) => texts.push(...everyTextOf(e)));
    } finally {
      emulator.setFaults(undefined);
      await client.close();
    }
    expect(texts.length).toBeGreaterThan(20);
    expect(events.length).toBeGreaterThan(20);
    expect(leaks(token, { events, errors: texts })).toEqual([]);
  });
});

const ORG_ID = 1234567;
/** An organization the emulator does not have: the service answers 403 "Not an admin". */
const FOREIGN_ORG_ID = 7654321;

const YANDEX360_MODES = [
  {
    mode: "a secret stack config value (pdd:token), pdd:orgId set",
    via: "config",
    token: "y360-cfg-secret-9a41c7e2d05b",
  },
  {
    mode: "the environment (YANDEX360_OAUTH_TOKEN), organization discovered",
    via: "env",
    token: "y360-env-secret-4f8b2d6a1e93",
  },
] as const;

describe.each(YANDEX360_MODES)(
  "on Yandex 360, the token given through $mode never leaks",
  ({ via, token }) => {
    let emulator: PddEmulator;
    /** Accepts another token only: every request with ours is answered 401. */
    let refusing: PddEmulator;
    let cwd: string;
    let host: ProviderHost;
    let refused: ProviderHost;
    const providers: string[] = [];
    const outputs: unknown[] = [];
    const errors: string[] = [];
    const program: string[] = [];
    let news: Map<string, Props>;

    const record = (state: ResourceState | undefined) => {
      if (state) outputs.push(state.outputs, state.inputs, state.id);
      return state;
    };
    const failure = async (promise: Promise<unknown>): Promise<Error> => {
      const err = (await promise.then(
        () => undefined,
        (e: unknown) => e,
      )) as Error | undefined;
      expect(err).toBeInstanceOf(Error);
      errors.push(...everyTextOf(err));
      if (err instanceof ProviderHostError && err.initFailed) errors.push(JSON.stringify(err.initFailed));
      return err!;
    };
    /** The stack's settings: all in config (token secret), or all in the environment. */
    const settings = (url: string) =>
      via === "config"
        ? {
            config: {
              "pdd:api": "yandex360",
              "pdd:orgId": String(ORG_ID),
              "pdd:token": token,
              "pdd:endpoint": url,
            },
            secretKeys: ["pdd:token"],
            env: {},
          }
        : {
            config: {},
            secretKeys: [],
            env: { PDD_API: "yandex360", YANDEX360_OAUTH_TOKEN: token, PDD_ENDPOINT: url },
          };

    beforeAll(async () => {
      cwd = getProgramFolder();
      emulator = await startEmulator({ token, orgIds: [ORG_ID], domains: [DOMAIN] });
      refusing = await startEmulator({
        token: "someone-elses-token-77c1",
        orgIds: [ORG_ID],
        domains: [DOMAIN],
      });
      const { config, secretKeys, env } = settings(emulator.url);
      const captured = await captureRegistrations({
        cwd,
        config,
        secretKeys,
        env,
        program: `"use strict";
const pulumi = require("@pulumi/pulumi");
const pdd = require("pulumi-yandex-pdd");
const www = new pdd.PddDnsRecord("www", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.10" });
const www2 = new pdd.PddDnsRecord("www-changed", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.11", ttl: 900 });
new pdd.PddDnsRecord("spf", { domain: "example.com", type: "TXT", subdomain: "@", content: "v=spf1 redirect=_spf.yandex.net" });
new pdd.PddDnsRecord("unconfirmed", { domain: "example.com", type: "TXT", subdomain: "pending", content: "maybe-added" });
const caa = new pdd.PddDnsRecord("caa", { domain: "example.com", type: "CAA", subdomain: "@", tag: "issue", content: "letsencrypt.org" });
new pdd.PddDnsRecord("foreign", { domain: "example.com", orgId: ${FOREIGN_ORG_ID}, type: "TXT", subdomain: "foreign", content: "not-our-org" });
const dkim = pdd.getPddDkimOutput({ domain: "example.com" });
const refused = pulumi.output(pdd.getPddDkim({ domain: "example.com", orgId: ${FOREIGN_ORG_ID} }).then(() => "unexpected", (e) => e.message));
console.log("program ran with", Object.keys(process.env).filter((k) => /^(PDD|YANDEX360)_/.test(k)).sort().join(","));
module.exports = { fqdn: www.fqdn, recordId: www.recordId, caa: caa.recordId, dkim: dkim.recordValue, refused, changed: www2.content };
`,
      });
      program.push(captured.stdout, captured.stderr, JSON.stringify(captured.exports));
      news = new Map(captured.resources.map((r) => [r.name, r.inputs]));
      providers.push(...captured.resources.map((r) => String(r.inputs.__provider)));
      host = await startConfiguredHost({ cwd, config, secretKeys, env: { PDD_LOG: "debug", ...env } });
      const other = settings(refusing.url);
      refused = await startConfiguredHost({
        cwd,
        config: other.config,
        secretKeys: other.secretKeys,
        env: { PDD_LOG: "debug", ...other.env },
      });
    }, 120_000);

    afterAll(async () => {
      await host?.close();
      await refused?.close();
      await emulator?.close();
      await refusing?.close();
    });

    it("drives records through success and failure (401, 403 included), then finds the token nowhere", async () => {
      const input = (name: string) => news.get(name)!;
      // The program ran: its data function reached the service, and the 403 it met was reported.
      const exported = JSON.parse(program[2]!) as Record<string, unknown>;
      expect(String(exported.dkim)).toMatch(/^v=DKIM1; /);
      expect(String(exported.refused)).toMatch(/HTTP 403/);

      // Success paths: create, refresh, update, delete (a CAA record as well).
      const www = record(await engineCreate(host, urn(DNS_TYPE, "www"), input("www")))!;
      const refreshed = record(await engineRefresh(host, www))!;
      const changed = record((await engineUpdate(host, refreshed, input("www-changed"))).state)!;
      const caa = record(await engineCreate(host, urn(DNS_TYPE, "caa"), input("caa")))!;
      record(await engineRefresh(host, caa));

      // Failure paths: a duplicate, an organization the token's user does not administer (403), a
      // malformed id, an add whose outcome stays unknown (a partial failure whose state the engine
      // keeps), a read whose listing fails, and a token the service does not accept (401).
      expect((await failure(engineCreate(host, urn(DNS_TYPE, "spf"), input("spf")))).message).toContain(
        "adoptExisting",
      );
      expect((await failure(engineCreate(host, urn(DNS_TYPE, "foreign"), input("foreign")))).message).toMatch(
        /HTTP 403/,
      );
      await failure(host.read("not-an-id", urn(DNS_TYPE, "www"), { __provider: input("www").__provider }));
      emulator.setFaults({
        rate: 1,
        kinds: { lost_response: 1 },
        endpoints: ["y360/dns/create", "y360/dns/list"],
      });
      const pending = await failure(engineCreate(host, urn(DNS_TYPE, "unconfirmed"), input("unconfirmed")));
      expect((pending as ProviderHostError).initFailed?.id).toBe(`${DOMAIN}/unconfirmed-add`);
      emulator.setFaults({ rate: 1, kinds: { http_5xx: 1 }, endpoints: ["y360/dns/list"] });
      await new Promise((r) => setTimeout(r, 2100)); // past the shared-list window, so the read lists
      await failure(engineRefresh(host, changed));
      emulator.setFaults(undefined);
      for (const name of ["www", "caa"]) {
        const message = (await failure(engineCreate(refused, urn(DNS_TYPE, name), input(name)))).message;
        expect(message).toMatch(/HTTP 401/);
      }
      await failure(engineRefresh(refused, changed));
      await failure(engineDelete(refused, changed));

      for (const state of [changed, caa]) await engineDelete(host, state);
      const leftover = emulator.records(DOMAIN).find((r) => r.content === "maybe-added");
      if (leftover) {
        const client = new Yandex360Client({ token, endpoint: emulator.url });
        await client.deleteRecord(ORG_ID, DOMAIN, leftover.record_id);
        await client.close();
      }

      const logs = [...host.logs(), ...refused.logs()];
      const events = clientEvents(logs);
      // The debug log was on and saw the failures, so the scan below had something to look through.
      expect(events.some((e) => e.type === "request")).toBe(true);
      expect(events.some((e) => e.type === "retry")).toBe(true);
      expect(events.some((e) => e.type === "error" && e.outcomeUnknown)).toBe(true);
      expect(events.some((e) => e.type === "error" && /HTTP 401/.test(e.message ?? ""))).toBe(true);
      expect(events.some((e) => e.type === "error" && /HTTP 403/.test(e.message ?? ""))).toBe(true);
      expect(errors.length).toBeGreaterThan(20);
      expect(outputs.length).toBeGreaterThan(10);
      expect(new Set(providers).size).toBe(1);

      expect(
        leaks(token, { serializedProviders: providers, outputs, errors, hostLogs: logs, program }),
      ).toEqual([]);
    }, 120_000);

    it("shows the token to the service only in the Authorization header", () => {
      for (const log of [emulator.requestLog(), refusing.requestLog()]) {
        expect(log.length).toBeGreaterThan(3);
        for (const entry of log) {
          expect(entry.headers.authorization).toBe(`OAuth ${token}`);
          const { authorization: _header, ...otherHeaders } = entry.headers;
          expect(
            leaks(token, { path: entry.path, query: entry.query, body: entry.body, otherHeaders }),
          ).toEqual([]);
        }
      }
      // Both faces' reads and writes were seen: JSON bodies, and (in the env mode) the discovery.
      const endpoints = new Set(emulator.requestLog().map((e) => e.endpoint));
      for (const label of [
        "y360/dns/list",
        "y360/dns/create",
        "y360/dns/edit",
        "y360/dns/delete",
        "y360/dkim",
      ])
        expect([label, endpoints.has(label)]).toEqual([label, true]);
      expect(endpoints.has("y360/org/list")).toBe(via === "env");
      expect(emulator.requestLog().some((e) => e.body.kind === "json")).toBe(true);
    });

    it("keeps it out of the client's own events and errors, used directly", async () => {
      const events: unknown[] = [];
      const options = {
        token,
        requestTimeoutMs: 500,
        retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
        onEvent: (e: unknown) => events.push(e),
      };
      const client = new Yandex360Client({ ...options, endpoint: emulator.url });
      const rejected = new Yandex360Client({ ...options, endpoint: refusing.url });
      const texts: string[] = [];
      const keep = (e: unknown) => texts.push(...everyTextOf(e));
      try {
        emulator.setFaults({ rate: 1, seed: 11, hangMs: 700 });
        for (let i = 0; i < 12; i++) {
          await client.listRecords(ORG_ID, DOMAIN).catch(keep);
          await client
            .addRecord(ORG_ID, { domain: DOMAIN, type: "TXT", subdomain: `c${i}`, content: "client" })
            .catch(keep);
        }
        emulator.setFaults(undefined);
        await client.deleteRecord(ORG_ID, DOMAIN, 1).catch(keep); // 404
        await client.listRecords(FOREIGN_ORG_ID, DOMAIN).catch(keep); // 403
        await client.getDkim(FOREIGN_ORG_ID, DOMAIN).catch(keep); // 403
        await rejected.listOrganizations().catch(keep); // 401
        await rejected.listRecords(ORG_ID, DOMAIN).catch(keep); // 401
        await rejected
          .addRecord(ORG_ID, { domain: DOMAIN, type: "TXT", subdomain: "c", content: "client" })
          .catch(keep); // 401
      } finally {
        emulator.setFaults(undefined);
        await client.close();
        await rejected.close();
      }
      for (const status of [401, 403, 404])
        expect([status, texts.some((t) => t.includes(`HTTP ${status}`))]).toEqual([status, true]);
      expect(texts.length).toBeGreaterThan(20);
      expect(events.length).toBeGreaterThan(20);
      expect(leaks(token, { events, errors: texts })).toEqual([]);
    });
  },
);

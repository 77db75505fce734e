/**
 * A field whose absence has an obvious meaning is optional: a missing `logo-url` is "no logo", a
 * missing `found` is the number of entries given, a missing `logo_enabled` follows the logo URL. Fields
 * whose absence would be guessed (records, total, a record's content) stay errors. Also: both shapes
 * of the import/check_settings answer. Answers are served as the service wrote them (Python spacing).
 */
import { PddClient, PddResponseValidationError } from "../../src/client";
import { startEmulator } from "../../src/emulator";
import type { GreetingServer } from "../helpers/mailServers";
import { startGreetingServer } from "../helpers/mailServers";
import type { Reply } from "../helpers/replayServer";
import type { Rig } from "./support";
import { FAST_RETRY, rejectionOf, startRig } from "./support";

/** A reply with the live service's exact bytes. */
function serviceText(body: string): Reply {
  return { kind: "text", body, contentType: "application/json; charset=utf-8" };
}

const DOMAIN_ENTRY =
  '{"name": "example.com", "status": "added", "aliases": [], "nsdelegated": "yes", "master_admin": true, ' +
  '"emails-count": 0, "emails-max-count": 1000, "dkim-ready": false';

describe("optional response fields", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ retry: { retries: 0 } });
  });
  afterEach(() => rig.close());

  test("domain/logo/check without logo-url means no logo, not a schema error", async () => {
    rig.server.enqueue(serviceText('{"domain": "example.com", "success": "ok"}'));
    const none = await rig.client.checkLogo("example.com");
    expect(none).toEqual({});
    expect(none).not.toHaveProperty("logoUrl");

    rig.server.enqueue(serviceText('{"domain": "example.com", "logo-url": null, "success": "ok"}'));
    await expect(rig.client.checkLogo("example.com")).resolves.toEqual({});

    rig.server.enqueue(
      serviceText('{"domain": "example.com", "logo-url": "https://l.example/a.png", "success": "ok"}'),
    );
    await expect(rig.client.checkLogo("example.com")).resolves.toEqual({
      logoUrl: "https://l.example/a.png",
    });
    expect(rig.server.requests).toHaveLength(3);
  });

  test("domain/domains without found counts the entries; without logo_enabled follows logo_url", async () => {
    rig.server.enqueue(
      serviceText(
        `{"page": 1, "on_page": 20, "total": 2, "domains": [${DOMAIN_ENTRY}}, ` +
          `${DOMAIN_ENTRY.replace("example.com", "example.org")}, "logo_url": "https://l.example/b.png"}], ` +
          '"success": "ok"}',
      ),
    );
    const page = await rig.client.listDomains({ onPage: 20 });
    expect(page).toMatchObject({ page: 1, onPage: 20, total: 2, found: 2 });
    expect(page.domains.map((d) => [d.name, d.logoEnabled, d.logoUrl])).toEqual([
      ["example.com", false, undefined],
      ["example.org", true, "https://l.example/b.png"],
    ]);
  });

  test("domain/domains reads the page size the service says it used", async () => {
    rig.server.enqueue(
      serviceText(
        `{"page": 1, "on_page": 20, "total": 1, "found": 1, "domains": [${DOMAIN_ENTRY}}], "success": "ok"}`,
      ),
    );
    // Asked for 20 (the client's maximum); a service that served fewer would say so in on_page.
    expect((await rig.client.listDomains({ onPage: 20 })).onPage).toBe(20);
  });

  test.each([
    [
      "dns/list without records",
      () => rig.client.listRecords("example.com"),
      '{"domain": "example.com", "success": "ok"}',
      "records",
    ],
    [
      "domain/domains without total",
      () => rig.client.listDomains(),
      `{"found": 1, "domains": [${DOMAIN_ENTRY}}], "success": "ok"}`,
      "total",
    ],
  ])("%s is still an error: its absence has no safe meaning", async (_, run, body, path) => {
    rig.server.enqueue(serviceText(body));
    const err = await rejectionOf(run());
    expect(err).toBeInstanceOf(PddResponseValidationError);
    expect((err as PddResponseValidationError).issues.map((i) => i.path)).toEqual([path]);
  });

  describe("import/check_settings answer shapes", () => {
    const params = {
      domain: "example.com",
      server: "pop.example.net",
      method: "pop3" as const,
      port: 110,
      ssl: false,
    };

    test("the documented nested shape is read from settings, not from the request", async () => {
      rig.server.enqueue(
        serviceText(
          '{"domain": "example.com", "settings": {"method": "pop3", "server": "POP.example.net", ' +
            '"port": 995, "ssl": "yes"}, "success": "ok"}',
        ),
      );
      await expect(rig.client.checkImportSettings(params)).resolves.toEqual({
        domain: "example.com",
        server: "POP.example.net",
        method: "pop3",
        port: 995,
        ssl: true,
      });
    });

    test("the flat shape still works; nested wins when both are present", async () => {
      rig.server.enqueue(
        serviceText(
          '{"domain": "example.com", "server": "flat.example.net", "port": "111", "ssl": "no", "success": "ok"}',
        ),
      );
      await expect(rig.client.checkImportSettings(params)).resolves.toMatchObject({
        server: "flat.example.net",
        port: 111,
      });
      rig.server.enqueue(
        serviceText(
          '{"server": "flat.example.net", "settings": {"server": "nested.example.net"}, "success": "ok"}',
        ),
      );
      await expect(rig.client.checkImportSettings(params)).resolves.toEqual({
        ...params,
        server: "nested.example.net",
      });
    });

    test("a malformed nested port is a validation error", async () => {
      rig.server.enqueue(serviceText('{"settings": {"port": "pop"}, "success": "ok"}'));
      const err = await rejectionOf(rig.client.checkImportSettings(params));
      expect(err).toBeInstanceOf(PddResponseValidationError);
      expect((err as PddResponseValidationError).issues.map((i) => i.path)).toEqual(["port"]);
    });
  });
});

describe("the client against the emulator's documented import/check_settings answer", () => {
  let mail: GreetingServer;
  beforeAll(async () => {
    mail = await startGreetingServer({ protocol: "imap", tls: false });
  });
  afterAll(() => mail.close());

  test("checkImportSettings returns what the emulator checked", async () => {
    const emu = await startEmulator({ token: "t", domains: ["example.com"], mailCheckTimeoutMs: 2000 });
    const client = new PddClient({ token: "t", endpoint: emu.url, retry: FAST_RETRY });
    try {
      const result = await client.checkImportSettings({
        domain: "example.com",
        server: mail.host,
        method: "imap",
        port: mail.port,
        ssl: false,
      });
      expect(result).toEqual({
        domain: "example.com",
        server: mail.host,
        method: "imap",
        port: mail.port,
        ssl: false,
      });
      expect(mail.connections()).toBe(1);
      expect(emu.stats().requests.byEndpoint["import/check_settings"]).toBe(1);
    } finally {
      await client.close();
      await emu.close();
    }
  });
});

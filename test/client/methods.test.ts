/**
 * What each method sends and how it reads the service's answer, including the quirks of the
 * live service that the recordings do not cover (domain lists, logos, import checks).
 */
import { PddApiError, PddClient, PddResponseValidationError } from "../../src/client";
import { jsonReply } from "../helpers/replayServer";
import type { Rig } from "./support";
import { rejectionOf, startRig } from "./support";

const TOKEN = "methods-token";

describe("PddClient methods", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ token: TOKEN, retry: { retries: 0 } });
  });
  afterEach(() => rig.close());

  const last = () => rig.server.requests[rig.server.requests.length - 1];

  describe("dns", () => {
    test("listRecords: numeric strings, shuffled keys, unknown keys and a text content type", async () => {
      rig.server.enqueue({
        kind: "json",
        contentType: "text/plain; charset=utf-8",
        body: {
          success: "ok",
          records: [
            {
              type: "mx",
              ttl: "3600",
              priority: "15",
              content: "mx.example.net.",
              record_id: "1001",
              subdomain: "@",
              fqdn: "example.com",
              domain: "example.com",
              extra: { nested: true },
            },
          ],
          domain: "example.com",
          unexpected: 1,
        },
      });
      await expect(rig.client.listRecords("example.com")).resolves.toEqual([
        {
          recordId: 1001,
          domain: "example.com",
          type: "MX",
          subdomain: "@",
          fqdn: "example.com",
          content: "mx.example.net.",
          ttl: 3600,
          priority: 15,
        },
      ]);
      expect(last()).toMatchObject({
        method: "GET",
        path: "/api2/admin/dns/list",
        query: { domain: "example.com" },
      });
      expect(last().headers.pddtoken).toBe(TOKEN);
    });

    test("addRecord SRV sends target, weight, port and priority, and reads them back", async () => {
      rig.server.enqueue(
        jsonReply({
          success: "ok",
          domain: "example.com",
          record: {
            record_id: 5,
            domain: "example.com",
            type: "SRV",
            subdomain: "_sip._tcp",
            fqdn: "_sip._tcp.example.com",
            content: "sip.example.com.",
            ttl: 600,
            priority: 10,
            weight: 5,
            port: 5060,
          },
        }),
      );
      const record = await rig.client.addRecord({
        domain: "example.com",
        type: "SRV",
        subdomain: "_sip._tcp",
        target: "sip.example.com.",
        ttl: 600,
        priority: 10,
        weight: 5,
        port: 5060,
      });
      expect(record).toEqual({
        recordId: 5,
        domain: "example.com",
        type: "SRV",
        subdomain: "_sip._tcp",
        fqdn: "_sip._tcp.example.com",
        content: "sip.example.com.",
        ttl: 600,
        priority: 10,
        weight: 5,
        port: 5060,
      });
      expect(last()).toMatchObject({ method: "POST", path: "/api2/admin/dns/add", query: {} });
      expect(last().body).toEqual({
        domain: "example.com",
        type: "SRV",
        subdomain: "_sip._tcp",
        target: "sip.example.com.",
        ttl: "600",
        priority: "10",
        weight: "5",
        port: "5060",
      });
    });

    test("editRecord SOA sends snake_case fields only for the values given; a missing nested id is filled", async () => {
      rig.server.enqueue(
        jsonReply({
          success: "ok",
          record_id: 42,
          domain: "example.com",
          record: {
            operation: "editing",
            domain: "example.com",
            type: "SOA",
            subdomain: "@",
            fqdn: "example.com",
            content: "dns1.yandex.net.",
            ttl: 21600,
            priority: "",
            admin_mail: "admin.example.com",
            refresh: 7200,
            retry: 600,
            expire: 604800,
            minttl: 300,
          },
        }),
      );
      const record = await rig.client.editRecord({
        domain: "example.com",
        recordId: 42,
        adminMail: "admin.example.com",
        refresh: 7200,
        retry: 600,
        expire: 604800,
        negCache: 300,
      });
      expect(record).toMatchObject({
        recordId: 42,
        type: "SOA",
        adminMail: "admin.example.com",
        minttl: 300,
      });
      expect(record.priority).toBeUndefined();
      expect(last().body).toEqual({
        domain: "example.com",
        record_id: "42",
        admin_mail: "admin.example.com",
        refresh: "7200",
        retry: "600",
        expire: "604800",
        neg_cache: "300",
      });
    });

    test("deleteRecord posts the id and resolves to undefined", async () => {
      rig.server.enqueue(jsonReply({ success: "ok", record_id: 9, domain: "example.com" }));
      await expect(rig.client.deleteRecord("example.com", 9)).resolves.toBeUndefined();
      expect(last()).toMatchObject({ method: "POST", path: "/api2/admin/dns/del" });
      expect(last().body).toEqual({ domain: "example.com", record_id: "9" });
    });

    test("service errors map to PddApiError with the service's code", async () => {
      rig.server.enqueue(jsonReply({ success: "error", error: "bad_record_id", domain: "example.com" }));
      const err = await rejectionOf(rig.client.deleteRecord("example.com", 9));
      expect(err).toBeInstanceOf(PddApiError);
      expect(err).toMatchObject({ code: "bad_record_id", apiCode: "bad_record_id", endpoint: "dns/del" });
    });
  });

  describe("domain/domains", () => {
    const hyphenated = {
      name: "example.com",
      status: "added",
      stage: "added",
      aliases: ["example.net"],
      logo_enabled: true,
      logo_url: "https://avatars.example/logo.png",
      nsdelegated: true,
      master_admin: true,
      "emails-count": 3,
      "emails-max-count": 1000,
      "dkim-ready": true,
      from_registrar: "no",
      ws_technical: "no",
    };
    const underscored = {
      ws_technical: "no",
      "show-ready-soon": "no",
      dkim_enabled: "no",
      emails_max_count: "2147483647",
      emails_count: "0",
      ns_delegated: "no",
      master_admin: "yes",
      logo_url: "",
      logo_enabled: "no",
      status: "domain-activate",
      name: "example.org",
    };

    test("reads both key spellings, yes/no booleans and numeric strings; '' logo → undefined", async () => {
      rig.server.enqueue(
        jsonReply({
          success: "ok",
          direction: "asc",
          order: "default",
          page: "2",
          on_page: 2,
          total: 4,
          found: "4",
          domains: [hyphenated, underscored],
        }),
      );
      const page = await rig.client.listDomains({ page: 2, onPage: 2 });
      expect(last()).toMatchObject({ method: "GET", path: "/api2/admin/domain/domains" });
      expect(last().query).toEqual({ page: "2", on_page: "2" });
      expect(page).toEqual({
        page: 2,
        onPage: 2,
        total: 4,
        found: 4,
        domains: [
          {
            name: "example.com",
            status: "added",
            stage: "added",
            aliases: ["example.net"],
            logoEnabled: true,
            logoUrl: "https://avatars.example/logo.png",
            nsDelegated: true,
            masterAdmin: true,
            emailsCount: 3,
            emailsMaxCount: 1000,
            dkimEnabled: true,
          },
          {
            name: "example.org",
            status: "domain-activate",
            aliases: [],
            logoEnabled: false,
            nsDelegated: false,
            masterAdmin: true,
            emailsCount: 0,
            emailsMaxCount: 2147483647,
            dkimEnabled: false,
          },
        ],
      });
      expect(page.domains[1]).not.toHaveProperty("logoUrl");
    });

    test("defaults to page 1 and falls back to the request for omitted paging keys; `nodkim` is understood", async () => {
      const { "dkim-ready": _omit, ...noDkimReady } = hyphenated;
      rig.server.enqueue(
        jsonReply({ success: "ok", total: 1, found: 1, domains: [{ ...noDkimReady, nodkim: "yes" }] }),
      );
      const page = await rig.client.listDomains();
      expect(last().query).toEqual({ page: "1", on_page: "10" });
      expect(page).toMatchObject({ page: 1, onPage: 10, total: 1, found: 1 });
      expect(page.domains[0].dkimEnabled).toBe(false);
    });

    test("a domain without a required attribute fails validation with its path", async () => {
      const { "emails-count": _omit, ...noCount } = hyphenated;
      rig.server.enqueue(jsonReply({ success: "ok", total: 1, found: 1, domains: [noCount] }));
      const err = await rejectionOf(rig.client.listDomains());
      expect(err).toBeInstanceOf(PddResponseValidationError);
      expect((err as PddResponseValidationError).issues.map((i) => i.path)).toEqual([
        "domains[0].emails_count",
      ]);
    });

    test("a boolean that is neither boolean nor yes/no is rejected", async () => {
      rig.server.enqueue(
        jsonReply({ success: "ok", total: 1, found: 1, domains: [{ ...hyphenated, nsdelegated: "maybe" }] }),
      );
      const err = await rejectionOf(rig.client.listDomains());
      expect((err as PddResponseValidationError).issues[0].path).toBe("domains[0].nsdelegated");
    });
  });

  describe("logos", () => {
    test("setLogo posts multipart parts `domain` and `file` (filename logo, the image's type)", async () => {
      rig.server.enqueue(jsonReply({ success: "ok", domain: "example.com" }));
      const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
      await rig.client.setLogo("example.com", png, "image/png");
      const req = last();
      expect(req).toMatchObject({ method: "POST", path: "/api2/admin/domain/logo/set", query: {} });
      expect(req.headers.pddtoken).toBe(TOKEN);
      expect(req.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
      expect(req.body).toEqual({ domain: "example.com" });
      expect(Object.keys(req.files)).toEqual(["file"]);
      expect(req.files.file.filename).toBe("logo");
      expect(req.files.file.contentType).toBe("image/png");
      expect(req.files.file.data.equals(png)).toBe(true);
      expect(Number(req.headers["content-length"])).toBe(req.rawBody.length);
    });

    test("checkLogo reads the hyphenated `logo-url`; '' means no logo", async () => {
      rig.server.enqueue(
        jsonReply({ success: "ok", domain: "example.com", "logo-url": "https://l.example/1.png" }),
      );
      await expect(rig.client.checkLogo("example.com")).resolves.toEqual({
        logoUrl: "https://l.example/1.png",
      });
      expect(last()).toMatchObject({ method: "GET", path: "/api2/admin/domain/logo/check" });
      expect(last().query).toEqual({ domain: "example.com" });

      rig.server.enqueue(jsonReply({ success: "ok", domain: "example.com", "logo-url": "" }));
      const none = await rig.client.checkLogo("example.com");
      expect(none).toEqual({});
      expect(none.logoUrl).toBeUndefined();
    });

    test("checkLogo with a logo-url that is not a string is a validation error", async () => {
      // A missing logo-url means "no logo" (see optionalFields.test.ts); a wrong type stays an error.
      rig.server.enqueue(jsonReply({ success: "ok", domain: "example.com", "logo-url": 42 }));
      const err = await rejectionOf(rig.client.checkLogo("example.com"));
      expect(err).toBeInstanceOf(PddResponseValidationError);
      expect((err as PddResponseValidationError).issues.map((i) => i.path)).toEqual(["logo_url"]);
    });

    test("deleteLogo posts the domain", async () => {
      rig.server.enqueue(jsonReply({ success: "ok", domain: "example.com" }));
      await expect(rig.client.deleteLogo("example.com")).resolves.toBeUndefined();
      expect(last()).toMatchObject({ method: "POST", path: "/api2/admin/domain/logo/del" });
      expect(last().body).toEqual({ domain: "example.com" });
    });
  });

  describe("import/check_settings", () => {
    const params = {
      domain: "example.com",
      server: "imap.example.net",
      method: "imap" as const,
      port: 993,
      ssl: true,
    };

    test("sends ssl as yes/no and returns the echoed settings", async () => {
      rig.server.enqueue(
        jsonReply({
          success: "ok",
          domain: "example.com",
          server: "IMAP.example.net",
          method: "imap",
          port: "993",
          ssl: "no",
        }),
      );
      await expect(rig.client.checkImportSettings(params)).resolves.toEqual({
        domain: "example.com",
        server: "IMAP.example.net",
        method: "imap",
        port: 993,
        ssl: false,
      });
      expect(last()).toMatchObject({ method: "POST", path: "/api2/admin/import/check_settings" });
      expect(last().body).toEqual({
        domain: "example.com",
        server: "imap.example.net",
        method: "imap",
        port: "993",
        ssl: "yes",
      });

      rig.server.enqueue(jsonReply({ success: "ok" }));
      await rig.client.checkImportSettings({ ...params, method: "pop3", port: 110, ssl: false });
      expect(last().body).toMatchObject({ method: "pop3", port: "110", ssl: "no" });
    });

    test("falls back to the request's values for keys the service omits", async () => {
      rig.server.enqueue(jsonReply({ success: "ok", server: "imap.example.net" }));
      await expect(rig.client.checkImportSettings(params)).resolves.toEqual(params);
    });

    test("no_reply maps to an actionable API error", async () => {
      rig.server.enqueue(jsonReply({ success: "error", error: "no_reply" }));
      const err = await rejectionOf(rig.client.checkImportSettings(params));
      expect(err).toBeInstanceOf(PddApiError);
      expect(err.message).toMatch(/server name, port and SSL/);
    });
  });

  test("events describe each exchange without the token or headers", async () => {
    rig.server.enqueue(jsonReply({ success: "ok", records: [] }));
    await rig.client.listRecords("example.com");
    expect(rig.events).toEqual([
      { type: "request", endpoint: "dns/list", method: "GET", attempt: 1 },
      {
        type: "response",
        endpoint: "dns/list",
        method: "GET",
        attempt: 1,
        status: 200,
        durationMs: expect.any(Number),
      },
    ]);
    expect(rig.client.stats()).toEqual({ requests: 1, retries: 0, byEndpoint: { "dns/list": 1 } });
  });

  test("a throwing onEvent hook does not break calls", async () => {
    const client = new PddClient({
      token: TOKEN,
      endpoint: rig.server.url,
      onEvent: () => {
        throw new Error("logger down");
      },
    });
    try {
      rig.server.enqueue(jsonReply({ success: "ok", records: [] }));
      await expect(client.listRecords("example.com")).resolves.toEqual([]);
    } finally {
      await client.close();
    }
  });
});

import {
  API_ERROR_MESSAGES,
  PddApiError,
  PddConfigError,
  PddError,
  PddResponseValidationError,
  PddTransportError,
  isOutcomeUnknown,
  isPddApiError,
  isPddError,
} from "../../src/client";
import type { PddApiErrorCode } from "../../src/client";
import { jsonReply } from "../helpers/replayServer";
import type { Rig } from "./support";
import { rejectionOf, startRig } from "./support";

/** The PDD documentation's codes, and the HTTP-level codes pdd-emulator answers with in the envelope. */
const DOCUMENTED: PddApiErrorCode[] = [
  "unknown",
  "no_token",
  "no_domain",
  "no_ip",
  "bad_domain",
  "prohibited",
  "bad_token",
  "bad_login",
  "bad_passwd",
  "no_auth",
  "not_allowed",
  "blocked",
  "occupied",
  "domain_limit_reached",
  "no_reply",
  "no_such_domain",
  "record_exists",
  "bad_record_id",
  "no_record_id",
  "bad_type",
  "no_type",
  "bad_subdomain",
  "bad_content",
  "no_content",
  "bad_ttl",
  "bad_priority",
  "bad_weight",
  "bad_port",
  "no_port",
  "bad_admin_mail",
  "bad_refresh",
  "bad_retry",
  "bad_expire",
  "bad_neg_cache",
  "bad_flag",
  "bad_tag",
  "bad_on_page",
  "bad_page",
  "bad_method",
  "no_method",
  "bad_server",
  "no_server",
  "bad_ssl",
  "no_file",
  "file_too_big",
  "bad_image",
  "not_found",
  "method_not_allowed",
  "request_too_large",
  "bad_request",
  "internal",
];

const GENERIC = /does not know/;

describe("API error codes", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ retry: { retries: 0 } });
  });
  afterEach(() => rig.close());

  test("every documented code has its own explanation", () => {
    expect(Object.keys(API_ERROR_MESSAGES).sort()).toEqual([...DOCUMENTED].sort());
    expect(new Set(Object.values(API_ERROR_MESSAGES)).size).toBe(DOCUMENTED.length);
  });

  test.each(DOCUMENTED)("%s → PddApiError with an actionable message", async (code) => {
    rig.server.enqueue(jsonReply({ success: "error", error: code, domain: "example.com" }));
    const err = await rejectionOf(
      rig.client.addRecord({ domain: "example.com", type: "A", content: "192.0.2.1" }),
    );
    expect(err).toBeInstanceOf(PddApiError);
    expect(err).toBeInstanceOf(PddError);
    expect(err).toMatchObject({
      name: "PddApiError",
      code,
      apiCode: code,
      endpoint: "dns/add",
      outcomeUnknown: false,
      cause: { endpoint: "dns/add", error: code },
    });
    expect(err.message).toContain(`"${code}"`);
    expect(err.message).toContain(API_ERROR_MESSAGES[code]);
    expect(err.message).not.toMatch(GENERIC);
  });

  test.each(["bad_token", "no_auth", "no_token"])("%s tells how to set the token", (code) => {
    const err = new PddApiError("dns/list", code);
    expect(err.message).toContain("pulumi config set --secret pdd:token");
    expect(err.message).toContain("`pdd:token`");
    expect(err.message).toContain("PDD_TOKEN");
  });

  test("an unknown code gets a generic message that still names it", () => {
    const err = new PddApiError("dns/del", "quota_exceeded_v2");
    expect(err.code).toBe("quota_exceeded_v2");
    expect(err.message).toContain('"quota_exceeded_v2"');
    expect(err.message).toMatch(GENERIC);
  });

  test("inherited keys such as toString are not mistaken for documented codes", () => {
    expect(new PddApiError("dns/del", "toString").message).toMatch(GENERIC);
  });
});

describe("error classes", () => {
  test("every class has a stable code, a cause and JSON-safe serialization", () => {
    const errors: PddError[] = [
      new PddApiError("dns/add", "record_exists"),
      new PddTransportError("reset", {
        code: "connection_reset",
        endpoint: "dns/add",
        outcomeUnknown: true,
        cause: { name: "SocketError", code: "UND_ERR_SOCKET" },
      }),
      new PddResponseValidationError("dns/list", [{ path: "records", message: "Invalid input" }]),
      new PddConfigError("bad endpoint", { setting: "endpoint" }),
    ];
    expect(errors.map((e) => e.code)).toEqual([
      "record_exists",
      "connection_reset",
      "invalid_response",
      "invalid_config",
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      expect(isPddError(e)).toBe(true);
      expect(e.cause).toBeDefined();
      expect(Object.getOwnPropertyNames(e)).toContain("cause");
      const json = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
      expect(json).toMatchObject({ name: e.name, code: e.code, message: e.message });
      expect(json.cause).toEqual(e.cause);
      expect(JSON.parse(JSON.stringify(e, Object.getOwnPropertyNames(e)))).toMatchObject({ code: e.code });
    }
  });

  test("type guards", () => {
    const api = new PddApiError("dns/add", "record_exists");
    expect(isPddApiError(api)).toBe(true);
    expect(isPddApiError(api, "record_exists")).toBe(true);
    expect(isPddApiError(api, "bad_record_id")).toBe(false);
    expect(isPddApiError(new Error("x"))).toBe(false);
    expect(isOutcomeUnknown(api)).toBe(false);
    expect(isOutcomeUnknown(new PddResponseValidationError("dns/add", []))).toBe(true);
    expect(isOutcomeUnknown(new Error("x"))).toBe(false);
  });

  test("validation errors summarize at most five issue paths in the message", () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({
      path: `records[${i}].ttl`,
      message: "Invalid input",
    }));
    const err = new PddResponseValidationError("dns/list", issues);
    expect(err.message).toContain("records[4].ttl");
    expect(err.message).not.toContain("records[5].ttl");
    expect(err.message).toContain("(+2 more)");
    expect(err.issues).toHaveLength(7);
  });

  test("config errors take the cause details as their second argument", () => {
    const err = new PddConfigError("No token", { setting: "pdd:token" });
    expect(err).toMatchObject({
      code: "invalid_config",
      cause: { setting: "pdd:token" },
      outcomeUnknown: false,
    });
    expect(err.name).toBe("PddConfigError");
  });
});

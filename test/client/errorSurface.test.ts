/**
 * The error surface as a user of "pulumi-yandex-pdd/client" sees it: a message for every PDD code
 * (every code pdd-emulator can answer with included), literal error names, the one narrowing guard,
 * the typed `setting`, and no token in any message, cause or JSON, even a one- or two-character one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  API_ERROR_MESSAGES,
  PDD_API_ERROR_CODES,
  PddApiError,
  PddClient,
  PddConfigError,
  PddError,
  PddResponseValidationError,
  PddTransportError,
  Yandex360ApiError,
  Yandex360Client,
  isPddApiError,
  isPddError,
  isYandex360ApiError,
  redactSecret,
} from "../../src/client";
import type { PddApiErrorCode, Yandex360ErrorCode } from "../../src/client";
import { resolvePublicSettings, resolveSettings } from "../../src/config";
import { EmulatorApiRefusal } from "../../src/emulator/state";
import type { ReplayServer } from "../helpers/replayServer";
import { jsonReply, startReplayServer } from "../helpers/replayServer";
import { rejectionOf } from "./support";

const EMULATOR_DIR = path.join(__dirname, "..", "..", "src", "emulator");

/**
 * Every code pdd-emulator's PDD face can put in `{"success":"error","error":code}`, read from its
 * source: refusals it throws, envelopes it sends, and the `bad_<param>` codes of its integer
 * parameters (`optionalInt(params, "ttl", …)` answers `bad_ttl`).
 */
function emulatorCodes(): Set<string> {
  const codes = new Set<string>();
  const literals = (text: string) => [...text.matchAll(/"([a-z][a-z_]*)"/g)].map((m) => m[1]!);
  // The PDD face's sources: the state's refusals, the face's answers and the server's own envelopes.
  for (const file of ["state.ts", "pdd.ts", "server.ts", "httpPlumbing.ts"]) {
    const source = fs.readFileSync(path.join(EMULATOR_DIR, file), "utf8");
    for (const m of source.matchAll(/new EmulatorApiRefusal\(([^;]*?)\);/g)) {
      for (const code of literals(m[1]!)) codes.add(code);
    }
    for (const m of source.matchAll(/\berror: "([a-z_]+)"/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/parseIntParam\([^;]*?"([a-z_]+)"\)/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/optionalInt\(\s*params,\s*([^;]*?)\)/g)) {
      const args = m[1]!.split(",").map((a) => a.trim());
      const explicit = args[5]?.match(/^"([a-z_]+)"$/)?.[1];
      const name = args[0]!.match(/^"([a-z_]+)"$/)?.[1];
      if (explicit !== undefined) codes.add(explicit);
      else if (name !== undefined) codes.add(`bad_${name}`);
    }
  }
  return codes;
}

/** For every code about one input: the input (resource argument or function argument) its message names. */
const INPUT_OF: Partial<Record<PddApiErrorCode, string>> = {
  no_domain: "domain",
  bad_domain: "domain",
  prohibited: "domain",
  no_such_domain: "domain",
  bad_on_page: "pageSize",
  bad_page: "page",
  no_ip: "content",
  record_exists: "adoptExisting",
  no_record_id: "recordId",
  bad_record_id: "recordId",
  no_type: "type",
  bad_type: "type",
  bad_subdomain: "subdomain",
  no_content: "content",
  bad_content: "content",
  bad_ttl: "ttl",
  bad_priority: "priority",
  bad_weight: "weight",
  no_port: "port",
  bad_port: "port",
  bad_admin_mail: "adminMail",
  bad_refresh: "refresh",
  bad_retry: "retry",
  bad_expire: "expire",
  bad_neg_cache: "negCache",
  bad_flag: "flag",
  bad_tag: "tag",
  no_method: "method",
  bad_method: "method",
  no_server: "server",
  bad_server: "server",
  bad_ssl: "ssl",
  no_reply: "server",
  no_file: "file",
  file_too_big: "file",
  bad_image: "file",
  request_too_large: "contentBase64",
};

const TOKEN_CODES: PddApiErrorCode[] = ["no_token", "bad_token", "bad_login", "bad_passwd", "no_auth"];

describe("PDD error codes", () => {
  test("the codes are one list, and API_ERROR_MESSAGES has exactly their keys", () => {
    expect(new Set(PDD_API_ERROR_CODES).size).toBe(PDD_API_ERROR_CODES.length);
    expect(Object.keys(API_ERROR_MESSAGES).sort()).toEqual([...PDD_API_ERROR_CODES].sort());
  });

  test("the PDD documentation's codes are all there", () => {
    const documented = [
      "unknown", "no_token", "no_domain", "no_ip", "bad_domain", "prohibited", "bad_token", "bad_login",
      "bad_passwd", "no_auth", "not_allowed", "blocked", "occupied", "domain_limit_reached", "no_reply",
      "no_such_domain", "record_exists", "bad_record_id", "bad_type", "bad_subdomain", "bad_content",
      "no_content", "no_type", "bad_ttl", "bad_priority", "bad_weight", "bad_port", "no_port",
      "bad_admin_mail", "bad_neg_cache", "bad_on_page", "bad_page", "bad_method", "no_method",
      "bad_server", "no_server", "bad_ssl", "no_file", "file_too_big", "bad_image", "no_record_id",
      "bad_refresh", "bad_retry", "bad_expire",
    ]; // prettier-ignore
    expect(PDD_API_ERROR_CODES).toEqual(expect.arrayContaining(documented));
  });

  test("every code pdd-emulator can answer with has a message", () => {
    const codes = emulatorCodes();
    // The scan found the refusals, the envelopes and the integer parameters (a broken scan finds none).
    expect([...codes]).toEqual(
      expect.arrayContaining(["bad_token", "not_found", "bad_ttl", "bad_neg_cache"]),
    );
    expect([...codes].filter((code) => !(PDD_API_ERROR_CODES as readonly string[]).includes(code))).toEqual(
      [],
    );
  });

  test.each([...PDD_API_ERROR_CODES])("%s: its own actionable message", (code) => {
    const message = API_ERROR_MESSAGES[code];
    expect(message.length).toBeGreaterThan(30);
    expect(message).not.toMatch(/service's documentation|does not know/i);
    expect(Object.values(API_ERROR_MESSAGES).filter((m) => m === message)).toHaveLength(1);
    const err = new PddApiError("dns/add", code);
    expect(err.message).toBe(`PDD API dns/add failed with "${code}": ${message}.`);
  });

  test.each(Object.entries(INPUT_OF))("%s names the input to fix, `%s`", (code, input) => {
    expect(API_ERROR_MESSAGES[code as PddApiErrorCode]).toContain(`\`${input}\``);
  });

  test("every bad_ and no_ code is about an input or setting the message names in backticks", () => {
    const vague = PDD_API_ERROR_CODES.filter(
      (code) => /^(bad|no)_/.test(code) && !/`[A-Za-z:]+`/.test(API_ERROR_MESSAGES[code]),
    );
    expect(vague).toEqual([]);
  });

  test("a code the client does not know still names itself and says what to do", () => {
    const err = new PddApiError("dns/del", "quota_exceeded_v2");
    expect(err.message).toContain('"quota_exceeded_v2"');
    expect(err.message).not.toMatch(/service's documentation/);
    expect(err.setting).toBeUndefined();
    expect(isPddError(new PddApiError("dns/del", "toString"), "unknown")).toBe(false);
  });
});

describe("error names are literals", () => {
  const samples: [string, () => PddError][] = [
    ["PddApiError", () => new PddApiError("dns/add", "record_exists")],
    [
      "PddTransportError",
      () =>
        new PddTransportError("reset", {
          code: "network",
          endpoint: "dns/add",
          outcomeUnknown: true,
          cause: {},
        }),
    ],
    ["PddResponseValidationError", () => new PddResponseValidationError("dns/list", [])],
    ["PddConfigError", () => new PddConfigError("bad", { setting: "pdd:endpoint" })],
    [
      "Yandex360ApiError",
      () => new Yandex360ApiError({ endpoint: "dns/list", status: 400, grpcCode: 3, serviceMessage: "x" }),
    ],
    ["PddError", () => new PddError("x", { code: "x", cause: {} })],
  ];

  test.each(samples)("%s", (name, make) => {
    const err = make();
    expect(err.name).toBe(name);
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ name });
    expect(String(err)).toMatch(new RegExp(`^${name}: `));
    expect(err.stack?.split("\n")[0]).toMatch(new RegExp(`^${name}: `));
  });

  test("a renamed class (as a minifier renames it) keeps the name", () => {
    const renamed = { Q: class extends PddApiError {} }.Q;
    expect(renamed.name).toBe("Q");
    expect(new renamed("dns/add", "record_exists").name).toBe("PddApiError");
    const config = { Z: class extends PddConfigError {} }.Z;
    expect(new config("bad").name).toBe("PddConfigError");
  });

  test("the emulator's refusal is another class with another name", () => {
    const refusal = new EmulatorApiRefusal("record_exists");
    expect(refusal.name).toBe("EmulatorApiRefusal");
    expect(refusal).not.toBeInstanceOf(PddApiError);
    expect(isPddError(refusal)).toBe(false);
    const exported = Object.keys(jest.requireActual<object>("../../src/emulator/state"));
    expect(exported).not.toContain("PddApiError");
  });
});

describe("isPddError narrows by code or class", () => {
  test("a PDD code narrows to PddApiError with that code", () => {
    const err: unknown = new PddApiError("dns/add", "record_exists");
    expect(isPddError(err)).toBe(true);
    expect(isPddError(err, "bad_record_id")).toBe(false);
    if (!isPddError(err, "record_exists")) throw new Error("expected record_exists");
    // Compile-time: the narrowed type carries the literal code.
    const code: "record_exists" = err.code;
    const apiCode: "record_exists" = err.apiCode;
    const cause: { endpoint: string; error: string } = err.cause;
    expect({ code, apiCode, cause }).toEqual({
      code: "record_exists",
      apiCode: "record_exists",
      cause: { endpoint: "dns/add", error: "record_exists" },
    });
  });

  test("a Yandex 360 code narrows to Yandex360ApiError", () => {
    const err: unknown = new Yandex360ApiError({
      endpoint: "dns/list",
      status: 403,
      grpcCode: 7,
      serviceMessage: "Not an admin",
      orgId: 42,
    });
    if (!isPddError(err, "permission_denied")) throw new Error("expected permission_denied");
    const status: number = err.status;
    const grpcCode: number = err.grpcCode;
    expect({ status, grpcCode, setting: err.setting }).toEqual({
      status: 403,
      grpcCode: 7,
      setting: "pdd:orgId",
    });
  });

  test("transport, validation and config codes narrow to their classes", () => {
    const transport: unknown = new PddTransportError("t", {
      code: "timeout",
      endpoint: "dns/list",
      outcomeUnknown: false,
      status: 504,
      cause: {},
    });
    if (!isPddError(transport, "timeout")) throw new Error("expected timeout");
    const status: number | undefined = transport.status;
    expect(status).toBe(504);

    const invalid: unknown = new PddResponseValidationError("dns/list", [{ path: "records", message: "x" }]);
    if (!isPddError(invalid, "invalid_response")) throw new Error("expected invalid_response");
    expect(invalid.issues).toHaveLength(1);

    const config: unknown = new PddConfigError("bad", { setting: "pdd:orgId" });
    if (!isPddError(config, "invalid_config")) throw new Error("expected invalid_config");
    const setting: string | undefined = config.cause.setting;
    expect(setting).toBe("pdd:orgId");
  });

  test("a class narrows to its instances", () => {
    const err: unknown = new PddConfigError("bad", { setting: "pdd:token" });
    expect(isPddError(err, PddApiError)).toBe(false);
    if (!isPddError(err, PddConfigError)) throw new Error("expected PddConfigError");
    expect(err.code).toBe("invalid_config");
    expect(isPddError(new Error("x"), PddError)).toBe(false);
  });

  test("the class decides: a service code equal to another class's code does not narrow to it", () => {
    // `not_found` is both pdd-emulator's 404 envelope and Yandex 360's 404 code: either class matches.
    expect(isPddError(new PddApiError("dns/list", "not_found"), "not_found")).toBe(true);
    expect(
      isPddError(
        new Yandex360ApiError({ endpoint: "dns/list", status: 404, grpcCode: 5, serviceMessage: "x" }),
        "not_found",
      ),
    ).toBe(true);
    // A PDD service that answered "timeout" did not time out: it is no PddTransportError.
    expect(isPddError(new PddApiError("dns/list", "timeout"), "timeout")).toBe(false);
  });

  test("unknown codes are refused at compile time", () => {
    const err: unknown = new PddApiError("dns/list", "record_exists");
    // @ts-expect-error "record_exist" is no client error's code
    expect(isPddError(err, "record_exist")).toBe(false);
  });

  test.each([...PDD_API_ERROR_CODES])("isPddApiError(err, %s) agrees with isPddError", (code) => {
    const err = new PddApiError("dns/add", code);
    expect(isPddApiError(err, code)).toBe(true);
    expect(isPddError(err, code)).toBe(true);
    expect(isPddApiError(err, code === "unknown" ? "internal" : "unknown")).toBe(false);
  });

  test.each<[number, Yandex360ErrorCode]>([
    [400, "invalid_argument"],
    [401, "unauthenticated"],
    [403, "permission_denied"],
    [404, "not_found"],
    [409, "already_exists"],
    [418, "api_error"],
  ])("isYandex360ApiError agrees with isPddError for HTTP %d", (status, code) => {
    const err = new Yandex360ApiError({ endpoint: "dns/list", status, grpcCode: 3, serviceMessage: "x" });
    expect(isYandex360ApiError(err, code)).toBe(true);
    expect(isPddError(err, code)).toBe(true);
  });
});

describe("setting names what to fix", () => {
  const source = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

  test.each([
    [{}, "pdd:token"],
    [{ "pdd:token": " token" }, "pdd:token"],
    [{ "pdd:token": "t", "pdd:endpoint": "http://pdd.example.com" }, "pdd:endpoint"],
    [{ "pdd:token": "t", "pdd:orgId": "-1" }, "pdd:orgId"],
    [{ "pdd:token": "t", "pdd:api": "pdd2" }, "pdd:api"],
  ])("config %j → %s", (values, setting) => {
    let caught: unknown;
    try {
      resolveSettings(source(values), {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PddConfigError);
    const err = caught as PddConfigError;
    expect(err.setting).toBe(setting);
    expect(err.cause).toEqual(expect.objectContaining({ setting }));
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ setting, cause: { setting } });
  });

  test("the endpoint's own error keeps its reason and gets the provider's setting", () => {
    let caught: unknown;
    try {
      resolvePublicSettings(source({ "pdd:endpoint": "ftp://127.0.0.1:21" }), {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ setting: "pdd:endpoint", cause: { reason: "unsupported_scheme" } });
  });

  test("a PddConfigError always has a cause, with or without a setting", () => {
    const bare = new PddConfigError("bad");
    expect(bare.cause).toEqual({});
    expect(bare.setting).toBeUndefined();
    expect(Object.keys(bare)).not.toContain("setting");
  });

  test.each(TOKEN_CODES)("PDD %s → pdd:token", (code) => {
    const err = new PddApiError("dns/list", code);
    expect(err.setting).toBe("pdd:token");
    expect(err.cause).toEqual({ endpoint: "dns/list", error: code });
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ setting: "pdd:token" });
  });

  test("PDD codes about an input have no setting; a wrong endpoint's 404 names pdd:endpoint", () => {
    expect(new PddApiError("dns/add", "bad_ttl").setting).toBeUndefined();
    expect(new PddApiError("dns/add", "record_exists").setting).toBeUndefined();
    expect(new PddApiError("dns/add", "not_found").setting).toBe("pdd:endpoint");
  });

  test.each([
    [401, 16, "Unauthenticated", "pdd:token"],
    [403, 7, "Not an admin", "pdd:orgId"],
    [403, 7, "Permission denied", "pdd:orgId"],
  ])("Yandex 360 HTTP %d (code %d, %s) → %s", (status, grpcCode, serviceMessage, setting) => {
    const err = new Yandex360ApiError({ endpoint: "dns/list", status, grpcCode, serviceMessage, orgId: 42 });
    expect(err.setting).toBe(setting);
    expect(err.cause).toMatchObject({ status, grpcCode });
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ setting });
  });
});

describe("no token in messages, causes or JSON, however short", () => {
  // Not "7" or "16": a token equal to a status or gRPC code the service sent matches that number
  // by coincidence (the client keeps such stable fields as they are), it does not leak.
  const SHORT_TOKENS = ["a", "Z", "5", "ab", "x9", "no"];

  /** The forms of an error a user or a log sees. */
  function renderings(err: Error): Record<string, string> {
    return {
      message: err.message,
      stack: err.stack ?? "",
      cause: JSON.stringify((err as { cause?: unknown }).cause) ?? "",
      json: JSON.stringify(err),
      setting: String((err as PddError).setting),
    };
  }

  /** The token as redaction defines it: on its own, not inside a longer word or number. */
  function leaks(err: Error, token: string): string[] {
    return Object.entries(renderings(err))
      .filter(([, text]) => redactSecret(text, token) !== text)
      .map(([where, text]) => `${where}: ${text}`);
  }

  let server: ReplayServer;
  beforeAll(async () => {
    server = await startReplayServer();
  });
  afterAll(() => server.close());

  test.each(SHORT_TOKENS)("PDD, token %j: every code, and a body that echoes the token", async (token) => {
    const client = new PddClient({ token, endpoint: server.url, retry: { retries: 0 } });
    try {
      const replies = [
        ...PDD_API_ERROR_CODES.map((code) => jsonReply({ success: "error", error: code })),
        jsonReply({ success: "error", error: token }),
        jsonReply({ success: "error", error: `bad_token ${token}` }),
        { kind: "json" as const, status: 401, body: { success: "error", error: `no_auth: ${token}` } },
        { kind: "text" as const, status: 403, body: `<title>token ${token} refused</title>` },
        jsonReply({ success: "ok", records: [{ record_id: token }] }),
      ];
      for (const reply of replies) {
        server.enqueue(reply);
        const err = await rejectionOf(client.listRecords("example.com"));
        expect(err).toBeInstanceOf(PddError);
        expect(leaks(err, token)).toEqual([]);
      }
    } finally {
      await client.close();
    }
  });

  test.each(SHORT_TOKENS)("Yandex 360, token %j: 401 and 403 that echo it", async (token) => {
    const client = new Yandex360Client({ token, endpoint: server.url, retry: { retries: 0 } });
    try {
      for (const [status, grpcCode, message] of [
        [401, 16, `OAuth token ${token} is not valid`],
        [403, 7, `Not an admin: ${token}`],
        [403, 7, token],
      ] as const) {
        server.enqueue({ kind: "json", status, body: { code: grpcCode, message, details: [] } });
        const err = await rejectionOf(client.listRecords(7654321, "example.com"));
        expect(err).toBeInstanceOf(Yandex360ApiError);
        expect((err as Yandex360ApiError).setting).toBe(status === 401 ? "pdd:token" : "pdd:orgId");
        expect(leaks(err, token)).toEqual([]);
      }
    } finally {
      await client.close();
    }
  });

  test("config errors about a token do not depend on its value", () => {
    const render = (token: string) => {
      try {
        resolveSettings({ get: (key) => (key === "pdd:token" ? token : undefined) }, {});
      } catch (err) {
        return renderings(err as Error);
      }
      throw new Error("expected a PddConfigError");
    };
    const { stack: _a, ...first } = render(" a");
    const { stack: _b, ...second } = render(" q");
    expect(first).toEqual(second);
    expect(first.setting).toBe("pdd:token");
  });
});

/**
 * Error types of the PDD and Yandex 360 clients. Every error has a stable string `code`, a JSON-safe `cause`
 * (plain data, never headers or sockets) and `outcomeUnknown`, which tells the resource layer
 * whether a mutation may have been applied even though the call failed.
 */

const REDACTED = "[REDACTED]";

/**
 * Secrets shorter than this are only redacted where they stand alone (not between letters or
 * digits): a one- or two-character token would otherwise turn every message into confetti, while
 * an echo of it as a value ("token=ab", "ab is invalid") is still hidden.
 */
export const SHORT_SECRET_LENGTH = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces every occurrence of `secret` (also URL- and JSON-escaped) in `text`. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  const variants = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  let out = text;
  for (const v of variants) {
    if (v.length >= SHORT_SECRET_LENGTH) {
      out = out.split(v).join(REDACTED);
    } else {
      out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(v)}(?![A-Za-z0-9])`, "g"), REDACTED);
    }
  }
  return out;
}

/** Deep copy of plain data with the secret redacted from every string (keys included). */
export function redactDeep(value: unknown, secret: string | undefined, depth = 0): unknown {
  if (!secret) return value;
  if (typeof value === "string") return redactSecret(value, secret);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secret, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactSecret(value.message, secret) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactSecret(k, secret)] = redactDeep(v, secret, depth + 1);
  return out;
}

/** The name of the provider setting an error asks the user to fix, e.g. "pdd:token". */
function settingOf(cause: unknown): string | undefined {
  if (cause === null || typeof cause !== "object") return undefined;
  const setting = (cause as { setting?: unknown }).setting;
  return typeof setting === "string" && setting !== "" ? setting : undefined;
}

interface PddErrorInit {
  code: string;
  cause: unknown;
  endpoint?: string;
  outcomeUnknown?: boolean;
  /** The setting to fix; when absent, a string `setting` in `cause` is taken. */
  setting?: string;
}

/**
 * The base of every error the clients throw. Each class sets its `name` as a string literal, so
 * it survives minifiers that rename classes (`new.target.name` would not).
 */
export class PddError extends Error {
  override readonly name: string = "PddError";
  readonly code: string;
  /** API method, e.g. "dns/add", when the error is about one call. */
  readonly endpoint?: string;
  /** True when the request may have reached the service and been applied. */
  readonly outcomeUnknown: boolean;
  /**
   * The setting most likely to fix the error, when one applies: a provider config key such as
   * "pdd:token", "pdd:orgId" or "pdd:endpoint", or a client option such as "endpoint" or
   * "retry.maxDelayMs" for errors of a client constructed directly.
   */
  declare readonly setting?: string;
  declare readonly cause: unknown;

  constructor(message: string, init: PddErrorInit) {
    super(message, { cause: init.cause });
    this.code = init.code;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    const setting = init.setting ?? settingOf(init.cause);
    if (setting !== undefined) {
      Object.defineProperty(this, "setting", { value: setting, enumerable: true, configurable: true });
    }
  }

  /** Plain JSON form; what Pulumi and loggers see when they serialize the error. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(this)) {
      if (key === "stack") continue;
      out[key] = (this as unknown as Record<string, unknown>)[key];
    }
    out.name = this.name;
    out.message = this.message;
    return out;
  }
}

/** How to set the PDD token; every message about a missing or rejected token ends with it. */
const TOKEN_HELP =
  "set the `pdd:token` stack config as a secret (`pulumi config set --secret pdd:token …`) or the `PDD_TOKEN` environment variable";

const ENDPOINT_HELP =
  "check that `pdd:endpoint` (PDD_ENDPOINT) is the service's base URL, such as https://pddimp.yandex.ru or a pdd-emulator's http://127.0.0.1:<port>, without the /api2/admin path";

/**
 * Every error code the PDD service documented for `{"success":"error","error":code}`, plus the
 * codes pdd-emulator answers with at the HTTP level (`not_found`, `method_not_allowed`,
 * `request_too_large`, `bad_request`, `internal`).
 */
export const PDD_API_ERROR_CODES = [
  // General and authentication.
  "unknown",
  "no_token",
  "bad_token",
  "bad_login",
  "bad_passwd",
  "no_auth",
  "not_allowed",
  // Domains.
  "no_domain",
  "bad_domain",
  "prohibited",
  "blocked",
  "occupied",
  "domain_limit_reached",
  "no_such_domain",
  "bad_on_page",
  "bad_page",
  // DNS records.
  "no_ip",
  "record_exists",
  "no_record_id",
  "bad_record_id",
  "no_type",
  "bad_type",
  "bad_subdomain",
  "no_content",
  "bad_content",
  "bad_ttl",
  "bad_priority",
  "bad_weight",
  "no_port",
  "bad_port",
  "bad_admin_mail",
  "bad_refresh",
  "bad_retry",
  "bad_expire",
  "bad_neg_cache",
  "bad_flag",
  "bad_tag",
  // Mail import checks.
  "no_method",
  "bad_method",
  "no_server",
  "bad_server",
  "bad_ssl",
  "no_reply",
  // Domain logos.
  "no_file",
  "file_too_big",
  "bad_image",
  // HTTP-level answers in the PDD envelope (pdd-emulator).
  "not_found",
  "method_not_allowed",
  "request_too_large",
  "bad_request",
  "internal",
] as const;

/** A code of {@link PDD_API_ERROR_CODES}: what {@link PddApiError.apiCode} is, unless the service sent a new one. */
export type PddApiErrorCode = (typeof PDD_API_ERROR_CODES)[number];

/** Actionable explanations of the codes the service returns in `{"success":"error","error":code}`. */
export const API_ERROR_MESSAGES: Readonly<Record<PddApiErrorCode, string>> = {
  unknown: "a temporary error on the service's side; the request was not applied and can be retried later",
  no_token: `the request carried no PDD token; ${TOKEN_HELP}`,
  bad_token: `the PDD token was rejected (invalid or revoked); issue a new one and ${TOKEN_HELP}`,
  bad_login: `the PDD token was rejected (bad login); issue a new one and ${TOKEN_HELP}`,
  bad_passwd: `the PDD token was rejected (bad password); issue a new one and ${TOKEN_HELP}`,
  no_auth: `the request was not authenticated; ${TOKEN_HELP}`,
  not_allowed:
    "the token's account is not allowed to do this: check the `domain` input and that the domain is connected to the account that issued the token (`pdd:token`); " +
    "for getPddDomains, the page asked for is past the last one, and for a PddImportCheck, the service refuses to contact that `server`",
  no_domain:
    "the request did not name a domain; set the `domain` input to the domain the record or setting belongs to",
  bad_domain:
    "the domain name is invalid; check the `domain` input's spelling (a bare name such as example.com: no scheme, no path, no trailing dot)",
  prohibited:
    "the service does not allow this domain name to be connected or managed (a reserved or forbidden name); use another `domain`",
  blocked: "the domain is blocked by the service (for example for spam or abuse); contact its support",
  occupied:
    "the domain is already connected to another account; disconnect it there, or use that account's token in `pdd:token`",
  domain_limit_reached: "the account has reached its limit of connected domains; remove unused domains first",
  no_such_domain:
    "the domain is not connected to the token's account; check the `domain` input and that `pdd:token` belongs to the account that holds it",
  bad_on_page:
    "the page size is out of range; set getPddDomains' `pageSize` (the API's `on_page`) to a whole number from 1 to 20",
  bad_page:
    "the page number is invalid; the API's `page` must be a whole number from 1 (getPddDomains pages by itself, so check a direct listDomains call's `page`)",
  no_ip:
    "a required IP address is missing; set the record's `content` to an IPv4 (A record) or IPv6 (AAAA record) address",
  record_exists:
    "an identical DNS record (same `type`, `subdomain` and `content`) already exists in the zone; remove the duplicate, or set the record's `adoptExisting` to true to take it over",
  no_record_id:
    "the request named no DNS record; pass the record's `recordId` (the API's `record_id`) to edit or delete it",
  bad_record_id:
    "no DNS record with this id exists in the zone (it may have been deleted outside Pulumi), or the `recordId` is not a record id",
  no_type: "the record has no type; set the `type` input (A, AAAA, CNAME, MX, NS, SOA, SRV or TXT)",
  bad_type:
    "the service does not manage records of this `type`; PDD takes A, AAAA, CNAME, MX, NS, SOA, SRV and TXT (CAA needs `pdd:api` yandex360)",
  bad_subdomain:
    "the record name is invalid; set `subdomain` to `@` for the apex, a relative name such as `www` or `_acme-challenge.www` " +
    "(letters, digits, `-` and `_`, at most 63 characters a label), or a name ending in the `domain`, 253 characters in all at most",
  no_content:
    "the record has no data; set the `content` input (for SRV records the `target` input, for CAA records `content` with `tag`)",
  bad_content:
    "the record's `content` does not fit its `type`: an IPv4 address for A, an IPv6 address for AAAA, a host name for CNAME, MX and NS " +
    "(`target` for SRV), text of at most 4096 characters without control characters for TXT, and for CAA an issuer host name (issue, issuewild) " +
    "or a mailto: or https:// URL (iodef)",
  bad_ttl: "the record's `ttl` must be a whole number of seconds from 1 to 1209600 (14 days)",
  bad_priority: "the record's `priority` must be a whole number from 0 to 65535 (MX and SRV records)",
  bad_weight: "the SRV record's `weight` must be a whole number from 0 to 65535",
  no_port: "an SRV record needs a `port`; set it to the service's port, a whole number from 1 to 65535",
  bad_port:
    "the `port` must be a whole number from 1 to 65535 (an SRV record's port, or a PddImportCheck's mail server port)",
  bad_admin_mail:
    "the SOA record's `adminMail` (the API's `admin_mail`) is not a mailbox; set it to an address such as hostmaster@example.com",
  bad_refresh: "the SOA record's `refresh` must be a whole number of seconds from 1 to 2147483647",
  bad_retry: "the SOA record's `retry` must be a whole number of seconds from 1 to 2147483647",
  bad_expire: "the SOA record's `expire` must be a whole number of seconds from 1 to 2147483647",
  bad_neg_cache:
    "the SOA record's `negCache` (the API's `neg_cache`, listed as `minttl`) must be a whole number of seconds from 1 to 2147483647",
  bad_flag:
    "the CAA record's `flag` must be a whole number from 0 to 255 (0, or 128 for a critical property)",
  bad_tag: "the CAA record's `tag` must be issue, issuewild or iodef",
  no_method: "the import check names no protocol; set the PddImportCheck's `method` to imap or pop3",
  bad_method:
    "the import check's `method` is not a protocol the service imports from; set it to imap or pop3 (imap4 and pop are accepted too)",
  no_server:
    "the import check names no mail server; set the PddImportCheck's `server` to a host name or IP address",
  bad_server:
    "the import check's `server` is not a host name or IP address; set it to the mail server's name, such as imap.example.net",
  bad_ssl: "the import check's `ssl` setting is invalid; set the PddImportCheck's `ssl` to true or false",
  no_reply:
    "the service could not get a reply from the server it had to contact (for import checks: the external mail server); check the server name, port and SSL setting (the PddImportCheck's `server`, `port`, `ssl` and `method`)",
  no_file:
    "the logo upload carried no image; set the PddDomainLogo's `file` (a path) or `contentBase64` to a GIF, JPEG or PNG image",
  file_too_big:
    "the logo image is larger than the service accepts (2 MB); give the PddDomainLogo's `file` or `contentBase64` a smaller image",
  bad_image:
    "the logo is not an image the service accepts; give the PddDomainLogo's `file` or `contentBase64` a GIF, JPEG or PNG image",
  not_found: `the service has no such API method (HTTP 404); ${ENDPOINT_HELP}`,
  method_not_allowed: `the service refused the request's HTTP method (HTTP 405), so it is not a PDD API; ${ENDPOINT_HELP}`,
  request_too_large:
    "the request was larger than the service accepts (HTTP 413); keep a PddDomainLogo's `file` or `contentBase64` under 2 MB and a TXT record's `content` under 4096 characters",
  bad_request: `the service could not read the request's address (HTTP 400); ${ENDPOINT_HELP}`,
  internal: "an internal error of the service; retry later, and if it persists check the service's status",
};

/** The setting to fix for a PDD service code, where one applies (the rest are about resource inputs). */
const PDD_API_ERROR_SETTINGS: Readonly<Partial<Record<PddApiErrorCode, string>>> = {
  no_token: "pdd:token",
  bad_token: "pdd:token",
  bad_login: "pdd:token",
  bad_passwd: "pdd:token",
  no_auth: "pdd:token",
  not_found: "pdd:endpoint",
  method_not_allowed: "pdd:endpoint",
  bad_request: "pdd:endpoint",
};

/** True when `code` is one of {@link PDD_API_ERROR_CODES} (own keys only: "toString" is not a code). */
export function isPddApiErrorCode(code: unknown): code is PddApiErrorCode {
  return typeof code === "string" && Object.prototype.hasOwnProperty.call(API_ERROR_MESSAGES, code);
}

/** The service refused the request with `{"success":"error"}`. */
export class PddApiError extends PddError {
  override readonly name = "PddApiError" as const;
  declare readonly code: PddApiErrorCode | (string & {});
  /** The service's error code, e.g. "record_exists" (same as `code`). */
  readonly apiCode: PddApiErrorCode | (string & {});
  declare readonly cause: { endpoint: string; error: string };

  constructor(endpoint: string, apiCode: PddApiErrorCode | (string & {})) {
    const known = isPddApiErrorCode(apiCode);
    const explanation = known
      ? API_ERROR_MESSAGES[apiCode]
      : "an error code this client does not know; the request was not applied. Check the call's inputs, and report the code to the package's maintainers";
    const setting = known ? PDD_API_ERROR_SETTINGS[apiCode] : undefined;
    super(`PDD API ${endpoint} failed with "${apiCode}": ${explanation}.`, {
      code: apiCode,
      endpoint,
      cause: { endpoint, error: apiCode },
      outcomeUnknown: false,
      ...(setting !== undefined ? { setting } : {}),
    });
    this.apiCode = apiCode;
  }
}

/** Stable codes of {@link PddTransportError}. */
export const PDD_TRANSPORT_ERROR_CODES = [
  "timeout",
  "connection_reset",
  "connection_refused",
  "http_status",
  "invalid_json",
  "truncated_body",
  "network",
] as const;

export type PddTransportErrorCode = (typeof PDD_TRANSPORT_ERROR_CODES)[number];

export interface PddTransportErrorInit {
  code: PddTransportErrorCode;
  endpoint: string;
  outcomeUnknown: boolean;
  status?: number;
  /** Parsed Retry-After of a 429/503, in ms. */
  retryAfterMs?: number;
  /** The service's X-Request-Id of the failed answer, when it sent one (Yandex 360 does). */
  requestId?: string;
  /** Plain details of the underlying failure (name, code, message, body excerpt). */
  cause: Record<string, unknown>;
}

/** The exchange failed below the API level: connection, timeout, HTTP status or unreadable body. */
export class PddTransportError extends PddError {
  override readonly name = "PddTransportError" as const;
  declare readonly code: PddTransportErrorCode;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly requestId?: string;

  constructor(message: string, init: PddTransportErrorInit) {
    super(message, init);
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * The body was JSON but not the shape the client expects. The service did process the request,
 * so for a mutation its effect is unknown.
 */
export class PddResponseValidationError extends PddError {
  override readonly name = "PddResponseValidationError" as const;
  declare readonly code: "invalid_response";
  readonly issues: ValidationIssue[];

  /** `api` names the service in the message: "PDD API" (default) or "Yandex 360 API". */
  constructor(endpoint: string, issues: ValidationIssue[], api = "PDD API") {
    const shown = issues
      .slice(0, 5)
      .map((i) => `${i.path || "(root)"}: ${i.message}`)
      .join("; ");
    const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : "";
    super(`${api} ${endpoint} returned an unexpected response: ${shown}${more}.`, {
      code: "invalid_response",
      endpoint,
      cause: { endpoint, issues },
      outcomeUnknown: true,
    });
    this.issues = issues;
  }
}

/** The details of a {@link PddConfigError}: `setting` names what to fix, the rest is plain data. */
export interface PddConfigErrorCause {
  /** The setting at fault, e.g. "pdd:token"; also exposed as {@link PddError.setting}. */
  setting?: string;
  [key: string]: unknown;
}

/** Unusable client configuration: missing token, malformed endpoint, plain http to a remote host. */
export class PddConfigError extends PddError {
  override readonly name = "PddConfigError" as const;
  declare readonly code: "invalid_config";
  declare readonly cause: PddConfigErrorCause;

  /** `cause.setting`, when given, becomes the error's {@link PddError.setting}; the cause keeps it too. */
  constructor(message: string, cause: PddConfigErrorCause = {}) {
    super(message, { code: "invalid_config", cause });
  }
}

/** Stable codes of {@link Yandex360ApiError}, from the HTTP status of the refusal. */
export const YANDEX360_ERROR_CODES = [
  "invalid_argument",
  "unauthenticated",
  "permission_denied",
  "not_found",
  "already_exists",
  "api_error",
] as const;

export type Yandex360ErrorCode = (typeof YANDEX360_ERROR_CODES)[number];

const YANDEX360_CODES: Readonly<Record<number, Yandex360ErrorCode>> = {
  400: "invalid_argument",
  401: "unauthenticated",
  403: "permission_denied",
  404: "not_found",
  409: "already_exists",
};

/** The settings a Yandex 360 refusal asks the user to fix (names of the provider's config). */
export const YANDEX360_TOKEN_SETTINGS =
  "the `pdd:token` stack config (secret: `pulumi config set --secret pdd:token …`) or the `PDD_TOKEN` / `YANDEX360_OAUTH_TOKEN` environment variable";
export const YANDEX360_ORG_SETTINGS =
  "`pdd:orgId` (environment variable `YANDEX360_ORG_ID`, or the resource's `orgId` input)";
export const YANDEX360_SCOPES =
  "directory:manage_dns (DNS records), directory:read_domains (domains and DKIM) and, to discover the organization id, directory:read_organization";

export interface Yandex360ApiErrorInit {
  /** The client's method label, e.g. "dns/list". */
  endpoint: string;
  status: number;
  /** The gRPC status code the body carries (`code`). */
  grpcCode: number;
  /** The body's `message`, already redacted. */
  serviceMessage: string;
  requestId?: string;
  /** The organization the call was about, for the message. */
  orgId?: number;
  /** The domain the call was about, for the message. */
  domain?: string;
  /** The DNS record the call was about, for the message. */
  recordId?: number;
  /** The `@type`s of the body's `details`, for the cause. */
  detailTypes?: string[];
}

function y360Explanation(init: Yandex360ApiErrorInit): { text: string; setting?: string } {
  const org = init.orgId !== undefined ? `organization ${init.orgId}` : "the organization";
  const domain = init.domain !== undefined ? JSON.stringify(init.domain) : "the domain";
  switch (init.status) {
    case 401:
      return {
        text:
          `the OAuth token was not accepted (missing, invalid, revoked or expired). Issue another token and set it in ${YANDEX360_TOKEN_SETTINGS}; ` +
          `the token needs the scopes ${YANDEX360_SCOPES}, and only tokens issued after the scopes were granted carry them`,
        setting: "pdd:token",
      };
    case 403:
      if (init.grpcCode === 7 && /not an admin/i.test(init.serviceMessage)) {
        return {
          text:
            `the token's user is not an administrator of ${org}. Check ${YANDEX360_ORG_SETTINGS}, ` +
            "and that the user who issued the token administers that organization",
          setting: "pdd:orgId",
        };
      }
      return {
        text:
          `permission denied for ${org}. Check ${YANDEX360_ORG_SETTINGS} and that the token's user administers that organization, ` +
          `and that the token carries the scopes ${YANDEX360_SCOPES} (set in ${YANDEX360_TOKEN_SETTINGS})`,
        setting: "pdd:orgId",
      };
    case 404:
      if (init.recordId !== undefined) {
        return {
          text: `no DNS record ${init.recordId} exists in ${domain} of ${org} (it may have been deleted outside Pulumi), or the domain is not in that organization`,
        };
      }
      if (init.domain !== undefined) {
        return {
          text:
            `the domain ${domain} is not in ${org}. Check the domain name (Punycode for an internationalized name), ` +
            `and ${YANDEX360_ORG_SETTINGS}`,
          setting: "pdd:orgId",
        };
      }
      return {
        text: `${org} or the object asked for does not exist; check ${YANDEX360_ORG_SETTINGS}`,
        setting: "pdd:orgId",
      };
    case 400:
      return { text: "the service rejected the request as invalid; check the record's or call's fields" };
    case 409:
      return { text: "the object already exists" };
    default:
      return { text: "the service refused the request" };
  }
}

/**
 * The Yandex 360 API refused the request with a 4xx (not 429) and its error body
 * `{"code": <gRPC code>, "message": …, "details": […]}`. The service processed and refused the
 * request, so nothing was applied (`outcomeUnknown` false) and it is not retried.
 */
export class Yandex360ApiError extends PddError {
  override readonly name = "Yandex360ApiError" as const;
  declare readonly code: Yandex360ErrorCode;
  readonly status: number;
  /** The gRPC status code from the body (7 PERMISSION_DENIED, 5 NOT_FOUND, 16 UNAUTHENTICATED, …). */
  readonly grpcCode: number;
  /** The body's `message` (redacted). */
  readonly serviceMessage: string;
  /** X-Request-Id of the answer (or the RequestInfo detail's requestId); quote it to Yandex support. */
  readonly requestId?: string;

  constructor(init: Yandex360ApiErrorInit) {
    const code = YANDEX360_CODES[init.status] ?? "api_error";
    const { text, setting } = y360Explanation(init);
    const rid = init.requestId !== undefined ? ` (X-Request-Id: ${init.requestId})` : "";
    super(
      `Yandex 360 API ${init.endpoint} failed with HTTP ${init.status} ` +
        `(code ${init.grpcCode}, ${JSON.stringify(init.serviceMessage)}): ${text}.${rid}`,
      {
        code,
        endpoint: init.endpoint,
        outcomeUnknown: false,
        ...(setting !== undefined ? { setting } : {}),
        cause: {
          endpoint: init.endpoint,
          status: init.status,
          grpcCode: init.grpcCode,
          message: init.serviceMessage,
          ...(init.requestId !== undefined ? { requestId: init.requestId } : {}),
          ...(init.detailTypes !== undefined && init.detailTypes.length > 0
            ? { detailTypes: init.detailTypes }
            : {}),
        },
      },
    );
    this.status = init.status;
    this.grpcCode = init.grpcCode;
    this.serviceMessage = init.serviceMessage;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }
}

/** Every stable code a client error can carry. */
export type PddErrorCode =
  PddApiErrorCode | Yandex360ErrorCode | PddTransportErrorCode | "invalid_response" | "invalid_config";

/**
 * The error {@link isPddError} narrows to for `code`. `not_found` is both a PDD envelope code and a
 * Yandex 360 one, so it narrows to either.
 */
export type PddErrorWithCode<C extends PddErrorCode> =
  | (C extends PddApiErrorCode ? PddApiError & { readonly code: C; readonly apiCode: C } : never)
  | (C extends Yandex360ErrorCode ? Yandex360ApiError & { readonly code: C } : never)
  | (C extends PddTransportErrorCode ? PddTransportError & { readonly code: C } : never)
  | (C extends "invalid_response" ? PddResponseValidationError : never)
  | (C extends "invalid_config" ? PddConfigError : never);

const Y360_CODES: ReadonlySet<string> = new Set(YANDEX360_ERROR_CODES);
const TRANSPORT_CODES: ReadonlySet<string> = new Set(PDD_TRANSPORT_ERROR_CODES);

/** Does `err`'s class carry `code` by design (so a service code that collides with another class's cannot narrow wrongly)? */
function classCarries(err: PddError, code: string): boolean {
  if (err instanceof PddApiError) return isPddApiErrorCode(code);
  if (err instanceof Yandex360ApiError) return Y360_CODES.has(code);
  if (err instanceof PddTransportError) return TRANSPORT_CODES.has(code);
  if (err instanceof PddResponseValidationError) return code === "invalid_response";
  if (err instanceof PddConfigError) return code === "invalid_config";
  return false;
}

/**
 * The one guard for client errors:
 * - `isPddError(err)`: any {@link PddError};
 * - `isPddError(err, "record_exists")`: the error with that stable code, narrowed to its class
 *   (here a {@link PddApiError} whose `code` and `apiCode` are `"record_exists"`);
 * - `isPddError(err, PddConfigError)`: an instance of that error class.
 */
export function isPddError(err: unknown): err is PddError;
export function isPddError<C extends PddErrorCode>(err: unknown, code: C): err is PddErrorWithCode<C>;
export function isPddError<E extends PddError>(
  err: unknown,
  errorClass: abstract new (...args: never[]) => E,
): err is E;
export function isPddError(
  err: unknown,
  codeOrClass?: string | (abstract new (...args: never[]) => PddError),
): boolean {
  if (!(err instanceof PddError)) return false;
  if (codeOrClass === undefined) return true;
  if (typeof codeOrClass === "function") return err instanceof codeOrClass;
  return err.code === codeOrClass && classCarries(err, codeOrClass);
}

/**
 * True for a {@link PddApiError}, optionally with the given service code (also one this client
 * does not know). Same as `isPddError(err, code)` for a known code.
 */
export function isPddApiError<C extends PddApiErrorCode>(
  err: unknown,
  apiCode: C,
): err is PddApiError & { readonly code: C; readonly apiCode: C };
export function isPddApiError(err: unknown, apiCode?: string): err is PddApiError;
export function isPddApiError(err: unknown, apiCode?: string): boolean {
  return err instanceof PddApiError && (apiCode === undefined || err.apiCode === apiCode);
}

/** True for a {@link Yandex360ApiError}, optionally with the given stable code; `isPddError` does the same. */
export function isYandex360ApiError<C extends Yandex360ErrorCode>(
  err: unknown,
  code: C,
): err is Yandex360ApiError & { readonly code: C };
export function isYandex360ApiError(err: unknown, code?: Yandex360ErrorCode): err is Yandex360ApiError;
export function isYandex360ApiError(err: unknown, code?: Yandex360ErrorCode): boolean {
  return err instanceof Yandex360ApiError && (code === undefined || err.code === code);
}

/** True when the failed call may still have been applied by the service. */
export function isOutcomeUnknown(err: unknown): boolean {
  return err instanceof PddError && err.outcomeUnknown;
}

const CLIENT_OWNED_KEYS = new Set([
  "name",
  "code",
  "apiCode",
  "endpoint",
  "outcomeUnknown",
  "status",
  "grpcCode",
  "setting",
]);

/**
 * Last line of defence: rewrites message, stack and cause of an error in place so none contains
 * the secret. Construction sites already redact; this catches anything derived from a body later.
 */
export function scrubError<E extends Error>(err: E, secret: string | undefined): E {
  if (!secret) return err;
  const define = (key: string, value: unknown) =>
    Object.defineProperty(err, key, { value, writable: true, configurable: true, enumerable: false });
  const message = redactSecret(err.message, secret);
  if (message !== err.message) define("message", message);
  if (err.stack !== undefined) define("stack", redactSecret(err.stack, secret));
  if ("cause" in err) define("cause", redactDeep(err.cause, secret));
  for (const key of Object.keys(err)) {
    // Set by the client itself (an API code is redacted when the error is built); rewriting them
    // would only garble stable identifiers when the token is short.
    if (CLIENT_OWNED_KEYS.has(key)) continue;
    const value = (err as unknown as Record<string, unknown>)[key];
    if (typeof value === "string" || (value !== null && typeof value === "object")) {
      Object.defineProperty(err, key, {
        value: redactDeep(value, secret),
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
  }
  return err;
}

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

interface PddErrorInit {
  code: string;
  cause: unknown;
  endpoint?: string;
  outcomeUnknown?: boolean;
}

export class PddError extends Error {
  readonly code: string;
  /** API method, e.g. "dns/add", when the error is about one call. */
  readonly endpoint?: string;
  /** True when the request may have reached the service and been applied. */
  readonly outcomeUnknown: boolean;
  declare readonly cause: unknown;

  constructor(message: string, init: PddErrorInit) {
    super(message, { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
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

/** Actionable explanations of the codes the service returns in `{"success":"error","error":code}`. */
const TOKEN_HELP =
  "set the `pdd:token` stack config as a secret (`pulumi config set --secret pdd:token …`) or the `PDD_TOKEN` environment variable";

export const API_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  unknown: "a temporary error on the service's side; the request was not applied and can be retried later",
  no_token: `the request carried no PDD token; ${TOKEN_HELP}`,
  no_domain: "the request did not name a domain; pass the domain the record or setting belongs to",
  no_ip: "a required IP address parameter is missing; check the record's content",
  bad_domain: "the domain name is missing or invalid; check its spelling (no scheme, no trailing dot)",
  prohibited: "the domain name is prohibited by the service and cannot be managed",
  bad_token: `the PDD token was rejected (invalid or revoked); issue a new one and ${TOKEN_HELP}`,
  bad_login: `the PDD token was rejected (bad login); issue a new one and ${TOKEN_HELP}`,
  bad_passwd: `the PDD token was rejected (bad password); issue a new one and ${TOKEN_HELP}`,
  no_auth: `the request was not authenticated; ${TOKEN_HELP}`,
  not_allowed:
    "the token's account is not allowed to do this with the domain; check that the domain is connected to the account that issued the token",
  blocked: "the domain is blocked by the service (for example for spam or abuse); contact its support",
  occupied: "the domain is already connected to another account",
  domain_limit_reached: "the account has reached its limit of connected domains; remove unused domains first",
  no_reply:
    "the service could not get a reply from the server it had to contact (for import checks: the external mail server); check the server name, port and SSL setting",
  no_such_domain: "the domain is not connected to the token's account; check the domain name and the token",
  record_exists: "an identical DNS record already exists in the zone",
  bad_record_id: "no DNS record with this id exists in the zone (it may have been deleted outside Pulumi)",
};

/** The service refused the request with `{"success":"error"}`. */
export class PddApiError extends PddError {
  /** The service's error code, e.g. "record_exists" (same as `code`). */
  readonly apiCode: string;
  declare readonly cause: { endpoint: string; error: string };

  constructor(endpoint: string, apiCode: string) {
    const known = Object.prototype.hasOwnProperty.call(API_ERROR_MESSAGES, apiCode);
    const explanation = known
      ? API_ERROR_MESSAGES[apiCode]
      : "an error code this client does not know; see the service's documentation for it";
    super(`PDD API ${endpoint} failed with "${apiCode}": ${explanation}.`, {
      code: apiCode,
      endpoint,
      cause: { endpoint, error: apiCode },
      outcomeUnknown: false,
    });
    this.apiCode = apiCode;
  }
}

export type PddTransportErrorCode =
  | "timeout"
  | "connection_reset"
  | "connection_refused"
  | "http_status"
  | "invalid_json"
  | "truncated_body"
  | "network";

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

/** Unusable client configuration: missing token, malformed endpoint, plain http to a remote host. */
export class PddConfigError extends PddError {
  constructor(message: string, cause: Record<string, unknown> = {}) {
    super(message, { code: "invalid_config", cause });
  }
}

/** Stable codes of {@link Yandex360ApiError}, from the HTTP status of the refusal. */
export type Yandex360ErrorCode =
  "invalid_argument" | "unauthenticated" | "permission_denied" | "not_found" | "already_exists" | "api_error";

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
  declare readonly code: Yandex360ErrorCode;
  readonly status: number;
  /** The gRPC status code from the body (7 PERMISSION_DENIED, 5 NOT_FOUND, 16 UNAUTHENTICATED, …). */
  readonly grpcCode: number;
  /** The body's `message` (redacted). */
  readonly serviceMessage: string;
  /** X-Request-Id of the answer (or the RequestInfo detail's requestId); quote it to Yandex support. */
  readonly requestId?: string;
  /** The setting most likely to fix the refusal, e.g. "pdd:token" or "pdd:orgId". */
  readonly setting?: string;

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
    if (setting !== undefined) this.setting = setting;
  }
}

/** True for a {@link Yandex360ApiError}, optionally with the given stable code. */
export function isYandex360ApiError(err: unknown, code?: Yandex360ErrorCode): err is Yandex360ApiError {
  return err instanceof Yandex360ApiError && (code === undefined || err.code === code);
}

export function isPddError(err: unknown): err is PddError {
  return err instanceof PddError;
}

/** True for a {@link PddApiError}, optionally with the given service code. */
export function isPddApiError(err: unknown, apiCode?: string): err is PddApiError {
  return err instanceof PddApiError && (apiCode === undefined || err.apiCode === apiCode);
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

import { BlockList, isIP } from "node:net";
import type { Dispatcher } from "undici";
import { Pool } from "undici";
import { PddConfigError, PddTransportError, redactSecret } from "./errors";
import type { PddTransportErrorCode } from "./errors";
import type { HttpMethod } from "./types";

export const DEFAULT_ENDPOINT = "https://pddimp.yandex.ru";
export const API_PREFIX = "/api2/admin/";

/** Sockets per endpoint: as many as requests in flight at `pulumi up --parallel 16` (see docs/performance.md). */
export const MAX_CONNECTIONS = 16;

/** Larger bodies are refused rather than buffered; real answers are a few kilobytes. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const loopbackAddresses = new BlockList();
loopbackAddresses.addSubnet("127.0.0.0", 8, "ipv4");
loopbackAddresses.addAddress("::1", "ipv6");

/**
 * True for `localhost`, 127.0.0.0/8 and ::1 (bracketed or not; IPv4-mapped forms included).
 * Other names are not trusted: they may resolve anywhere.
 */
export function isLoopbackHost(hostname: string): boolean {
  let host = hostname.trim().toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "localhost") return true;
  const family = isIP(host);
  if (family === 0) return false;
  return loopbackAddresses.check(host, family === 6 ? "ipv6" : "ipv4");
}

/** The endpoint with any `user:password@` hidden, for messages. */
function displayEndpoint(endpoint: string): string {
  return endpoint.replace(/\/\/[^/@]*@/, "//***@");
}

/** How {@link assertSafeEndpoint} names the service in its messages. */
export interface EndpointLabels {
  /** "PDD" or "Yandex 360". */
  service: string;
  /** The example endpoint suggested when the value is not a URL. */
  defaultEndpoint: string;
  /** Where the token travels, e.g. "in the PddToken header". */
  tokenCarrier: string;
  /** The local server plain http is meant for, e.g. "a local pdd-emulator". */
  localServer: string;
}

export const PDD_ENDPOINT_LABELS: Readonly<EndpointLabels> = {
  service: "PDD",
  defaultEndpoint: DEFAULT_ENDPOINT,
  tokenCarrier: "in the PddToken header",
  localServer: "a local pdd-emulator",
};

/**
 * Parses and checks an endpoint URL: https, or plain http only for loopback hosts (a local
 * emulator), because the token would otherwise cross the network in clear text. No credentials,
 * query or fragment. Throws {@link PddConfigError} explaining the rule.
 */
export function assertSafeEndpoint(endpoint: string, labels: EndpointLabels = PDD_ENDPOINT_LABELS): URL {
  const { service } = labels;
  const shown = JSON.stringify(displayEndpoint(endpoint));
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new PddConfigError(
      `The ${service} endpoint ${shown} is not an absolute URL; use e.g. "${labels.defaultEndpoint}", or "http://127.0.0.1:<port>" for a local emulator.`,
      { setting: "endpoint", reason: "invalid_url" },
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PddConfigError(`The ${service} endpoint ${shown} must use https:// (got ${url.protocol}).`, {
      setting: "endpoint",
      reason: "unsupported_scheme",
    });
  }
  if (url.username !== "" || url.password !== "") {
    throw new PddConfigError(
      `The ${service} endpoint ${shown} must not contain user credentials; the token is sent ${labels.tokenCarrier}.`,
      { setting: "endpoint", reason: "credentials_in_url" },
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new PddConfigError(
      `The ${service} endpoint ${shown} must not contain a query string or fragment.`,
      {
        setting: "endpoint",
        reason: "query_or_fragment",
      },
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new PddConfigError(
      `The ${service} endpoint ${shown} uses plain http to a non-loopback host (${url.hostname}). ` +
        `The ${service} token would travel unencrypted, so http is only allowed for loopback endpoints ` +
        `(127.0.0.0/8, [::1], localhost), such as ${labels.localServer}; use https:// for remote services.`,
      { setting: "endpoint", reason: "insecure_http", host: url.hostname },
    );
  }
  return url;
}

/** Canonical endpoint string: origin plus any path prefix, without trailing slashes. */
export function normalizeEndpoint(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * How the token is sent: PDD's `PddToken: <token>` header, or Yandex 360's
 * `Authorization: OAuth <token>`.
 */
export type AuthStyle = "pdd-token" | "oauth";

export interface TransportOptions {
  /** The endpoint; its path is a prefix in front of every request's `path`. */
  endpoint: URL;
  token: string;
  /** Default "pdd-token". */
  auth?: AuthStyle;
  /** The service as messages name it: "PDD API" (default) or "Yandex 360 API". */
  apiName?: string;
  dispatcher?: Dispatcher;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface TransportRequest {
  /** The client's label for the API method ("dns/list"); used in messages and events only. */
  endpoint: string;
  method: HttpMethod;
  /**
   * Path relative to the endpoint's base path, already encoded, e.g. "/api2/admin/dns/list" or
   * "/directory/v1/org/1/domains/example.com/dns".
   */
  path: string;
  query?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  multipart?: { body: Buffer; contentType: string };
  /** Serialized with JSON.stringify and sent as application/json. */
  json?: unknown;
}

export interface RawResponse {
  status: number;
  contentType?: string;
  retryAfter?: string;
  /** The X-Request-Id header, when the service sent one. */
  requestId?: string;
  body: string;
}

/** Error codes that mean nothing reached the server: the connection was never established. */
const NOT_SENT_CODES: Record<string, PddTransportErrorCode> = {
  ECONNREFUSED: "connection_refused",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  ENOTFOUND: "network",
  EAI_AGAIN: "network",
  EAI_FAIL: "network",
  EHOSTUNREACH: "network",
  ENETUNREACH: "network",
  EHOSTDOWN: "network",
  ENETDOWN: "network",
  EADDRNOTAVAIL: "network",
  UND_ERR_INVALID_ARG: "network",
  UND_ERR_CLOSED: "network",
  UND_ERR_DESTROYED: "network",
  UND_ERR_NOT_SUPPORTED: "network",
};

/** TLS handshake failures also happen before any request byte is sent. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** After sending: the request may have been applied. */
const SENT_CODES: Record<string, PddTransportErrorCode> = {
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  ECONNRESET: "connection_reset",
  EPIPE: "connection_reset",
  UND_ERR_SOCKET: "connection_reset",
  ECONNABORTED: "connection_reset",
  ETIMEDOUT: "timeout",
};

function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === "string") return e.code;
  // Happy-eyeballs connects fail with an AggregateError of per-address errors.
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  if (e.cause !== undefined) return errorCode(e.cause);
  return undefined;
}

function errorSyscall(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { syscall?: unknown; errors?: unknown };
  if (typeof e.syscall === "string") return e.syscall;
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorSyscall(e.errors[0]);
  return undefined;
}

function plainCause(
  err: unknown,
  secret: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    ...extra,
    name: e.name,
    ...(errorCode(err) !== undefined ? { code: errorCode(err) } : {}),
    message: redactSecret(e.message, secret),
  };
}

/** Maps a failure of `dispatcher.request` (before response headers) to a transport error. */
export function classifyRequestError(
  err: unknown,
  endpoint: string,
  secret: string,
  api = "PDD API",
): PddTransportError {
  const code = errorCode(err) ?? "";
  const message = redactSecret(err instanceof Error ? err.message : String(err), secret);
  const syscall = errorSyscall(err);
  const notSent =
    NOT_SENT_CODES[code] ??
    (TLS_CODE.test(code) ? "network" : undefined) ??
    // A system error raised by connect() or DNS lookup: no request byte left the process.
    (syscall === "connect" || syscall === "getaddrinfo"
      ? code === "ETIMEDOUT"
        ? "timeout"
        : "network"
      : undefined);
  if (notSent !== undefined) {
    const what =
      notSent === "connection_refused"
        ? "the connection was refused"
        : notSent === "timeout"
          ? "connecting timed out"
          : "the connection could not be established";
    return new PddTransportError(
      `${api} ${endpoint}: ${what} (${code || "error"}: ${message}); the request was not sent.`,
      { code: notSent, endpoint, outcomeUnknown: false, cause: plainCause(err, secret, { endpoint }) },
    );
  }
  const sent = SENT_CODES[code] ?? "network";
  const what =
    sent === "timeout"
      ? "no response arrived in time"
      : sent === "connection_reset"
        ? "the connection was reset before the response arrived"
        : "the exchange failed";
  return new PddTransportError(
    `${api} ${endpoint}: ${what} (${code || "error"}: ${message}); the request may have been applied.`,
    { code: sent, endpoint, outcomeUnknown: true, cause: plainCause(err, secret, { endpoint }) },
  );
}

/** Maps a failure while reading the response body: the service had answered, so outcome unknown. */
export function classifyBodyError(
  err: unknown,
  endpoint: string,
  status: number,
  secret: string,
  api = "PDD API",
): PddTransportError {
  if (err instanceof PddTransportError) return err;
  const code = errorCode(err) ?? "";
  const timeout = code === "UND_ERR_BODY_TIMEOUT";
  const message = redactSecret(err instanceof Error ? err.message : String(err), secret);
  return new PddTransportError(
    timeout
      ? `${api} ${endpoint}: the response body stalled (HTTP ${status}); the request may have been applied.`
      : `${api} ${endpoint}: the response body was cut off (HTTP ${status}, ${code || "error"}: ${message}); the request may have been applied.`,
    {
      code: timeout ? "timeout" : "truncated_body",
      endpoint,
      status,
      outcomeUnknown: true,
      cause: plainCause(err, secret, { endpoint, status }),
    },
  );
}

function headerValue(headers: Dispatcher.ResponseData["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * One HTTP exchange with the PDD or Yandex 360 API over a keep-alive pool. It never retries, and always reads
 * the body to the end (or destroys it) so the connection can be reused or is released.
 */
export class Transport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly origin: string;
  private readonly basePath: string;
  private closed = false;

  // #private: util.inspect and JSON.stringify of the transport never show the token in the options.
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.origin = options.endpoint.origin;
    this.basePath = options.endpoint.pathname.replace(/\/+$/, "");
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = new Pool(this.origin, {
        connect: { timeout: options.connectTimeoutMs },
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
        // One socket per operation in flight at Pulumi's classic `--parallel` of 16, so requests are never
        // queued behind each other; bounded so an unbounded update cannot open hundreds to one service.
        connections: MAX_CONNECTIONS,
      });
      this.ownsDispatcher = true;
    }
  }

  /** `signal` aborts the exchange (an operation's deadline); the caller reports why. */
  async send(req: TransportRequest, signal?: AbortSignal): Promise<RawResponse> {
    const { token, requestTimeoutMs } = this.#options;
    const api = this.#options.apiName ?? "PDD API";
    const headers: Record<string, string> =
      this.#options.auth === "oauth"
        ? { authorization: `OAuth ${token}`, accept: "application/json" }
        : { PddToken: token, accept: "application/json" };
    let body: string | Buffer | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers["content-type"] = "application/json";
    } else if (req.multipart) {
      body = req.multipart.body;
      headers["content-type"] = req.multipart.contentType;
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : "";
    const path = `${this.basePath}${req.path}${query}`;

    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request({
        origin: this.origin,
        path,
        method: req.method,
        headers,
        body,
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      throw classifyRequestError(err, req.endpoint, token, api);
    }

    let text: string;
    try {
      text = await readBody(res.body, req.endpoint, res.statusCode, api);
    } catch (err) {
      throw classifyBodyError(err, req.endpoint, res.statusCode, token, api);
    }
    // undici marks the connection idle on a later tick; a caller that sends its next request straight
    // away would otherwise find it busy and open a second socket. One turn of the loop avoids that.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const out: RawResponse = { status: res.statusCode, body: text };
    const contentType = headerValue(res.headers, "content-type");
    if (contentType !== undefined) out.contentType = contentType;
    const retryAfter = headerValue(res.headers, "retry-after");
    if (retryAfter !== undefined) out.retryAfter = retryAfter;
    const requestId = headerValue(res.headers, "x-request-id");
    if (requestId !== undefined && requestId !== "") out.requestId = requestId;
    return out;
  }

  /** Closes the pool if this transport created it; an injected dispatcher is left to its owner. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

async function readBody(
  body: Dispatcher.ResponseData["body"],
  endpoint: string,
  status: number,
  api: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new PddTransportError(
        `${api} ${endpoint}: the response body exceeds ${MAX_BODY_BYTES} bytes (HTTP ${status}); refusing to buffer it.`,
        { code: "invalid_json", endpoint, status, outcomeUnknown: true, cause: { endpoint, status, size } },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The machinery both API clients share: option checks, the keep-alive transport, and the one
 * attempt/retry/event loop. A client supplies the request and how to read the answer; the caller
 * sends it, retries it as the policy allows, scrubs the token from every error and emits events.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher } from "undici";
import { PddConfigError, PddError, PddTransportError, redactSecret, scrubError } from "./errors";
import { isRetriable, resolveRetryPolicy, retryDelay } from "./retry";
import type { RetryPolicy } from "./retry";
import type { AuthStyle, RawResponse, TransportRequest } from "./transport";
import { Transport } from "./transport";
import type { ApiClientEvent, ApiClientStats, PddRetryOptions } from "./types";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface CallSpec extends TransportRequest {
  /** Safe to send again whatever happened to the previous attempt. */
  idempotent: boolean;
}

export function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new PddConfigError(
      `${name} must be a positive whole number of milliseconds, got ${String(value)}.`,
      {
        setting: name,
      },
    );
  }
  return value;
}

/**
 * Checks a token before it goes into a header: present, and free of control characters or padding
 * that would corrupt the request. `missing` is the message for an absent token (it names the
 * settings); `service` names the token in the other message ("PDD", "Yandex 360").
 */
export function assertUsableToken(token: unknown, missing: string, service: string): asserts token is string {
  if (typeof token !== "string" || token === "") {
    throw new PddConfigError(missing, { setting: "token" });
  }
  const hasControl = [...token].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (hasControl || token.trim() !== token) {
    throw new PddConfigError(
      `The ${service} token contains whitespace or control characters; check how it was set.`,
      {
        setting: "token",
      },
    );
  }
}

/** First meaningful text of a body (an HTML error page's title, say), redacted, for messages. */
export function excerpt(body: string, secret: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  const cut = text.length > 160 ? `${text.slice(0, 160)}…` : text;
  return redactSecret(cut, secret);
}

/**
 * A response body as text (byte-order mark stripped) and its JSON, when it parses: both services
 * answer JSON whatever their Content-Type says, so the body decides.
 */
export function readJson(raw: RawResponse): { text: string; json: unknown; jsonOk: boolean } {
  const text = raw.body.replace(/^\uFEFF/, "");
  if (text.trim() === "") return { text, json: undefined, jsonOk: false };
  try {
    return { text, json: JSON.parse(text) as unknown, jsonOk: true };
  } catch {
    return { text, json: undefined, jsonOk: false };
  }
}

export interface ApiCallerOptions {
  /** Parsed and checked (see assertSafeEndpoint). */
  endpoint: URL;
  token: string;
  auth: AuthStyle;
  /** "PDD API" or "Yandex 360 API", for transport messages. */
  apiName: string;
  dispatcher?: Dispatcher;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: PddRetryOptions;
  onEvent?: (event: ApiClientEvent) => void;
  random?: () => number;
  /** The abort signal of the operation a call belongs to (its overall deadline), read at each call. */
  operationSignal?: () => AbortSignal | undefined;
}

/**
 * Sends calls with retries. `interpret` turns one HTTP answer into the result or throws a
 * {@link PddError}; whether that error is retried is decided by {@link isRetriable} with the
 * call's `idempotent` flag. Counters and events are per caller (one per client).
 */
export class ApiCaller {
  // A #private field: util.inspect and JSON.stringify of a client never show the token.
  readonly #token: string;
  private readonly transport: Transport;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly onEvent: ((event: ApiClientEvent) => void) | undefined;
  private readonly operationSignal: (() => AbortSignal | undefined) | undefined;
  private readonly counters = { requests: 0, retries: 0, byEndpoint: {} as Record<string, number> };

  constructor(options: ApiCallerOptions) {
    this.#token = options.token;
    this.policy = resolveRetryPolicy(options.retry);
    this.random = options.random ?? Math.random;
    this.onEvent = options.onEvent;
    this.operationSignal = options.operationSignal;
    this.transport = new Transport({
      endpoint: options.endpoint,
      token: options.token,
      auth: options.auth,
      apiName: options.apiName,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      connectTimeoutMs: positiveInt("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
      requestTimeoutMs: positiveInt("requestTimeoutMs", options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
    });
  }

  /** Request and retry counters since the caller was created. */
  stats(): ApiClientStats {
    return {
      requests: this.counters.requests,
      retries: this.counters.retries,
      byEndpoint: { ...this.counters.byEndpoint },
    };
  }

  /** Closes the connection pool if the caller created it; an injected dispatcher stays open. */
  close(): Promise<void> {
    return this.transport.close();
  }

  async call<T>(spec: CallSpec, interpret: (raw: RawResponse) => T): Promise<T> {
    const signal = this.operationSignal?.();
    for (let attempt = 1; ; attempt++) {
      // The operation's deadline has passed: its reason (an error naming the limit) ends the call.
      signal?.throwIfAborted();
      try {
        return await this.attempt(spec, attempt, interpret, signal);
      } catch (caught) {
        signal?.throwIfAborted();
        if (!(caught instanceof PddError)) throw caught;
        const err = scrubError(caught, this.#token);
        const status = err instanceof PddTransportError ? err.status : undefined;
        if (attempt <= this.policy.retries && isRetriable(err, spec.idempotent)) {
          const delayMs = retryDelay(err, attempt, this.policy, this.random);
          this.counters.retries++;
          this.emit({
            type: "retry",
            endpoint: spec.endpoint,
            method: spec.method,
            attempt,
            delayMs,
            code: err.code,
            ...(status !== undefined ? { status } : {}),
          });
          if (delayMs > 0) await sleep(delayMs, undefined, signal ? { signal } : {}).catch(() => undefined);
          continue;
        }
        this.emit({
          type: "error",
          endpoint: spec.endpoint,
          method: spec.method,
          attempt,
          errorName: err.name,
          code: err.code,
          message: err.message,
          outcomeUnknown: err.outcomeUnknown,
          ...(status !== undefined ? { status } : {}),
        });
        throw err;
      }
    }
  }

  private async attempt<T>(
    spec: CallSpec,
    attempt: number,
    interpret: (raw: RawResponse) => T,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    this.counters.requests++;
    this.counters.byEndpoint[spec.endpoint] = (this.counters.byEndpoint[spec.endpoint] ?? 0) + 1;
    this.emit({ type: "request", endpoint: spec.endpoint, method: spec.method, attempt });
    const started = Date.now();
    const raw = await this.transport.send(spec, signal);
    this.emit({
      type: "response",
      endpoint: spec.endpoint,
      method: spec.method,
      attempt,
      status: raw.status,
      durationMs: Date.now() - started,
    });
    return interpret(raw);
  }

  private emit(event: ApiClientEvent): void {
    if (!this.onEvent) return;
    try {
      // Events hold constants and error text that scrubError already redacted; redact the free text again anyway.
      this.onEvent(
        event.type === "error" ? { ...event, message: redactSecret(event.message, this.#token) } : event,
      );
    } catch {
      // A logging hook must not change the outcome of an API call.
    }
  }
}

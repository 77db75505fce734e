import { setTimeout as sleep } from "node:timers/promises";
import FormData from "form-data";
import type { z } from "zod";
import {
  PddApiError,
  PddConfigError,
  PddError,
  PddResponseValidationError,
  PddTransportError,
  redactDeep,
  redactSecret,
  scrubError,
} from "./errors";
import { isRetriable, parseRetryAfter, resolveRetryPolicy, retryDelay } from "./retry";
import type { RetryPolicy } from "./retry";
import {
  addRecordSchema,
  checkLogoSchema,
  domainsPageSchema,
  editRecordSchema,
  envelopeSchema,
  importCheckSchema,
  listRecordsSchema,
  okSchema,
  summarizeIssues,
} from "./schemas";
import type { RawResponse, TransportRequest } from "./transport";
import { DEFAULT_ENDPOINT, Transport, assertSafeEndpoint, normalizeEndpoint } from "./transport";
import type {
  AddRecordParams,
  DomainsPage,
  EditRecordParams,
  ImportCheckParams,
  ImportCheckResult,
  PddClientEvent,
  PddClientOptions,
  PddClientStats,
  PddEndpoint,
  PddRecord,
} from "./types";

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

interface CallSpec<T> extends TransportRequest {
  schema: z.ZodType<T>;
  /** Safe to send again whatever happened to the previous attempt. */
  idempotent: boolean;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
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

/** Record parameters in the service's snake_case; undefined ones are not sent. */
function recordForm(params: Partial<AddRecordParams & EditRecordParams>): Record<string, string> {
  const mapping: [keyof (AddRecordParams & EditRecordParams), string][] = [
    ["subdomain", "subdomain"],
    ["content", "content"],
    ["ttl", "ttl"],
    ["priority", "priority"],
    ["weight", "weight"],
    ["port", "port"],
    ["target", "target"],
    ["adminMail", "admin_mail"],
    ["refresh", "refresh"],
    ["retry", "retry"],
    ["expire", "expire"],
    ["negCache", "neg_cache"],
  ];
  const form: Record<string, string> = {};
  for (const [key, wire] of mapping) {
    const value = params[key];
    if (value !== undefined) form[wire] = String(value);
  }
  return form;
}

/** First meaningful text of a non-JSON body (an HTML error page's title, say), for messages. */
function excerpt(body: string, secret: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  const cut = text.length > 160 ? `${text.slice(0, 160)}…` : text;
  return redactSecret(cut, secret);
}

/**
 * Typed client of the PDD ("Mail for Domain") admin API. Every response is validated; failures
 * surface as {@link PddError} subclasses that never contain the token.
 */
export class PddClient {
  readonly endpoint: string;
  // A #private field: util.inspect and JSON.stringify of the client never show the token.
  readonly #token: string;
  private readonly transport: Transport;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly onEvent: ((event: PddClientEvent) => void) | undefined;
  private readonly counters = { requests: 0, retries: 0, byEndpoint: {} as Record<string, number> };

  constructor(options: PddClientOptions) {
    const token: unknown = options?.token;
    if (typeof token !== "string" || token === "") {
      throw new PddConfigError(
        "No PDD token was given; set the `pdd:token` stack config as a secret (`pulumi config set --secret pdd:token …`) or the `PDD_TOKEN` environment variable.",
        { setting: "token" },
      );
    }
    // The token goes into a header; control characters or padding would corrupt the request.
    const hasControl = [...token].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
    if (hasControl || token.trim() !== token) {
      throw new PddConfigError(
        "The PDD token contains whitespace or control characters; check how it was set.",
        {
          setting: "token",
        },
      );
    }
    const url = assertSafeEndpoint(options.endpoint ?? DEFAULT_ENDPOINT);
    this.endpoint = normalizeEndpoint(url);
    this.#token = token;
    this.policy = resolveRetryPolicy(options.retry);
    this.random = options.random ?? Math.random;
    this.onEvent = options.onEvent;
    this.transport = new Transport({
      endpoint: url,
      token,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      connectTimeoutMs: positiveInt("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
      requestTimeoutMs: positiveInt("requestTimeoutMs", options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
    });
  }

  /** GET dns/list: every record of the domain's zone. */
  listRecords(domain: string): Promise<PddRecord[]> {
    return this.call({
      endpoint: "dns/list",
      method: "GET",
      query: { domain },
      schema: listRecordsSchema,
      idempotent: true,
    });
  }

  /** POST dns/add. Never re-sent when the outcome is unknown (see {@link isRetriable}). */
  addRecord(params: AddRecordParams): Promise<PddRecord> {
    return this.call({
      endpoint: "dns/add",
      method: "POST",
      form: { domain: params.domain, type: params.type, ...recordForm(params) },
      schema: addRecordSchema,
      idempotent: false,
    });
  }

  /** POST dns/edit: changes only the fields given. */
  editRecord(params: EditRecordParams): Promise<PddRecord> {
    return this.call({
      endpoint: "dns/edit",
      method: "POST",
      form: { domain: params.domain, record_id: String(params.recordId), ...recordForm(params) },
      schema: editRecordSchema,
      idempotent: false,
    });
  }

  /** POST dns/del. */
  async deleteRecord(domain: string, recordId: number): Promise<void> {
    await this.call({
      endpoint: "dns/del",
      method: "POST",
      form: { domain, record_id: String(recordId) },
      schema: okSchema,
      idempotent: false,
    });
  }

  /** GET domain/domains: one page of the account's domains. */
  listDomains(params: { page?: number; onPage?: number } = {}): Promise<DomainsPage> {
    const page = params.page ?? 1;
    const onPage = params.onPage ?? 10;
    return this.call({
      endpoint: "domain/domains",
      method: "GET",
      query: { page: String(page), on_page: String(onPage) },
      schema: domainsPageSchema({ page, onPage }),
      idempotent: true,
    });
  }

  /** POST domain/logo/set (multipart: `domain` and `file`). The body is buffered so it can be re-sent. */
  async setLogo(domain: string, image: Buffer, contentType: string): Promise<void> {
    const form = new FormData();
    form.append("domain", domain);
    form.append("file", image, { filename: "logo", contentType });
    await this.call({
      endpoint: "domain/logo/set",
      method: "POST",
      multipart: { body: form.getBuffer(), contentType: form.getHeaders()["content-type"] as string },
      schema: okSchema,
      idempotent: false,
    });
  }

  /** GET domain/logo/check: the logo URL, undefined when the domain has none. */
  checkLogo(domain: string): Promise<{ logoUrl?: string }> {
    return this.call({
      endpoint: "domain/logo/check",
      method: "GET",
      query: { domain },
      schema: checkLogoSchema,
      idempotent: true,
    });
  }

  /** POST domain/logo/del. */
  async deleteLogo(domain: string): Promise<void> {
    await this.call({
      endpoint: "domain/logo/del",
      method: "POST",
      form: { domain },
      schema: okSchema,
      idempotent: false,
    });
  }

  /** POST import/check_settings: tests import settings; changes nothing, so it is retried like a GET. */
  checkImportSettings(params: ImportCheckParams): Promise<ImportCheckResult> {
    return this.call({
      endpoint: "import/check_settings",
      method: "POST",
      form: {
        domain: params.domain,
        server: params.server,
        method: params.method,
        port: String(params.port),
        ssl: params.ssl ? "yes" : "no",
      },
      schema: importCheckSchema(params),
      idempotent: true,
    });
  }

  /** Request and retry counters since the client was created. */
  stats(): PddClientStats {
    return {
      requests: this.counters.requests,
      retries: this.counters.retries,
      byEndpoint: { ...this.counters.byEndpoint },
    };
  }

  /** Closes the connection pool if the client created it; an injected dispatcher stays open. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private emit(event: PddClientEvent): void {
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

  private async call<T>(spec: CallSpec<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(spec, attempt);
      } catch (caught) {
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
          if (delayMs > 0) await sleep(delayMs);
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

  private async attempt<T>(spec: CallSpec<T>, attempt: number): Promise<T> {
    this.counters.requests++;
    this.counters.byEndpoint[spec.endpoint] = (this.counters.byEndpoint[spec.endpoint] ?? 0) + 1;
    this.emit({ type: "request", endpoint: spec.endpoint, method: spec.method, attempt });
    const started = Date.now();
    const raw = await this.transport.send(spec);
    this.emit({
      type: "response",
      endpoint: spec.endpoint,
      method: spec.method,
      attempt,
      status: raw.status,
      durationMs: Date.now() - started,
    });
    const body = this.decode(spec.endpoint, raw);
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) {
      throw new PddResponseValidationError(
        spec.endpoint,
        redactDeep(summarizeIssues(envelope.error), this.#token) as PddResponseValidationError["issues"],
      );
    }
    if (envelope.data.success === "error") {
      throw new PddApiError(spec.endpoint, redactSecret(envelope.data.error, this.#token));
    }
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) {
      throw new PddResponseValidationError(
        spec.endpoint,
        redactDeep(summarizeIssues(parsed.error), this.#token) as PddResponseValidationError["issues"],
      );
    }
    return parsed.data;
  }

  /**
   * HTTP status and JSON decoding. The service answers 200 with JSON whatever its Content-Type
   * says, so the body decides; a non-2xx answer is an API error only when it carries a PDD error
   * envelope and is not a 429/5xx (those are transport conditions that drive retries).
   */
  private decode(endpoint: PddEndpoint, raw: RawResponse): unknown {
    const text = raw.body.replace(/^\uFEFF/, "");
    let json: unknown;
    let jsonOk = false;
    if (text.trim() !== "") {
      try {
        json = JSON.parse(text);
        jsonOk = true;
      } catch {
        jsonOk = false;
      }
    }
    const { status } = raw;
    if (status < 200 || status >= 300) {
      if (jsonOk && status !== 429 && status < 500) {
        const envelope = envelopeSchema.safeParse(json);
        if (envelope.success && envelope.data.success === "error") {
          throw new PddApiError(endpoint, redactSecret(envelope.data.error, this.#token));
        }
      }
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(raw.retryAfter) : undefined;
      const snippet = excerpt(text, this.#token);
      throw new PddTransportError(
        `PDD API ${endpoint} answered HTTP ${status}${snippet ? `: ${snippet}` : ""}` +
          (status >= 500 ? "; the request may have been applied." : "."),
        {
          code: "http_status",
          endpoint,
          status,
          // 5xx: the service may have acted before failing. 4xx (429 included): it refused the request.
          outcomeUnknown: status >= 500,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          cause: { endpoint, status, body: snippet },
        },
      );
    }
    if (!jsonOk) {
      const snippet = excerpt(text, this.#token);
      const what =
        text.trim() === "" ? "an empty body" : `a body that is not JSON (${raw.contentType ?? "no type"})`;
      throw new PddTransportError(
        `PDD API ${endpoint} returned ${what}${snippet ? `: ${snippet}` : ""}; the request may have been applied.`,
        {
          code: "invalid_json",
          endpoint,
          status,
          outcomeUnknown: true,
          cause: { endpoint, status, body: snippet },
        },
      );
    }
    return json;
  }
}

import FormData from "form-data";
import type { z } from "zod";
import {
  PddApiError,
  PddResponseValidationError,
  PddTransportError,
  redactDeep,
  redactSecret,
} from "./errors";
import { ApiCaller, assertUsableToken, excerpt, readJson } from "./caller";
import type { CallSpec } from "./caller";
import { parseRetryAfter } from "./retry";
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
import type { RawResponse } from "./transport";
import { API_PREFIX, DEFAULT_ENDPOINT, assertSafeEndpoint, normalizeEndpoint } from "./transport";
import type {
  AddRecordParams,
  DomainsPage,
  EditRecordParams,
  ImportCheckParams,
  ImportCheckResult,
  PddClientOptions,
  PddClientStats,
  PddEndpoint,
  PddRecord,
} from "./types";

interface PddCallSpec<T> extends Omit<CallSpec, "endpoint" | "path" | "method"> {
  endpoint: PddEndpoint;
  method: "GET" | "POST";
  schema: z.ZodType<T>;
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

/**
 * Typed client of the PDD ("Mail for Domain") admin API. Every response is validated; failures
 * surface as {@link PddError} subclasses that never contain the token.
 */
export class PddClient {
  readonly endpoint: string;
  // A #private field: util.inspect and JSON.stringify of the client never show the token.
  readonly #token: string;
  readonly #caller: ApiCaller;

  constructor(options: PddClientOptions) {
    const token: unknown = options?.token;
    assertUsableToken(
      token,
      "No PDD token was given; set the `pdd:token` stack config as a secret (`pulumi config set --secret pdd:token …`) or the `PDD_TOKEN` environment variable.",
      "PDD",
    );
    const url = assertSafeEndpoint(options.endpoint ?? DEFAULT_ENDPOINT);
    this.endpoint = normalizeEndpoint(url);
    this.#token = token;
    this.#caller = new ApiCaller({
      endpoint: url,
      token,
      auth: "pdd-token",
      apiName: "PDD API",
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
      ...(options.random !== undefined ? { random: options.random } : {}),
      ...(options.operationSignal !== undefined ? { operationSignal: options.operationSignal } : {}),
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
    return this.#caller.stats();
  }

  /** Closes the connection pool if the client created it; an injected dispatcher stays open. */
  close(): Promise<void> {
    return this.#caller.close();
  }

  private call<T>(spec: PddCallSpec<T>): Promise<T> {
    const { schema, ...request } = spec;
    return this.#caller.call({ ...request, path: `${API_PREFIX}${spec.endpoint}` }, (raw) =>
      this.interpret(spec.endpoint, schema, raw),
    );
  }

  /** One answer: HTTP status and JSON, then the `success` envelope, then the method's schema. */
  private interpret<T>(endpoint: PddEndpoint, schema: z.ZodType<T>, raw: RawResponse): T {
    const body = this.decode(endpoint, raw);
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) {
      throw new PddResponseValidationError(
        endpoint,
        redactDeep(summarizeIssues(envelope.error), this.#token) as PddResponseValidationError["issues"],
      );
    }
    if (envelope.data.success === "error") {
      throw new PddApiError(endpoint, redactSecret(envelope.data.error, this.#token));
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new PddResponseValidationError(
        endpoint,
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
    const { text, json, jsonOk } = readJson(raw);
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

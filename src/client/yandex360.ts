/**
 * Typed client of the Yandex 360 for Business API (`api360.yandex.net/directory/v1/...`): DNS
 * records, domains, DKIM status and organization discovery. It shares the transport, retry policy,
 * attempt loop and error types with {@link PddClient}; see /shared/reference/yandex360-api.md.
 */
import type { z } from "zod";
import { ApiCaller, assertUsableToken, excerpt, readJson } from "./caller";
import type { CallSpec } from "./caller";
import {
  PddConfigError,
  PddResponseValidationError,
  PddTransportError,
  Yandex360ApiError,
  YANDEX360_TOKEN_SETTINGS,
  isYandex360ApiError,
  redactDeep,
  redactSecret,
} from "./errors";
import { parseRetryAfter } from "./retry";
import { summarizeIssues } from "./schemas";
import type { EndpointLabels, RawResponse } from "./transport";
import { assertSafeEndpoint, normalizeEndpoint } from "./transport";
import type {
  AddRecordParams,
  ApiClientStats,
  DnsRecord,
  DnsRecordType,
  EditRecordParams,
  Yandex360ClientOptions,
  Yandex360Dkim,
  Yandex360Domain,
  Yandex360DomainsPage,
  Yandex360Endpoint,
  Yandex360Organization,
  Yandex360RecordsPage,
} from "./types";
import { YANDEX360_RECORD_TYPES } from "./types";
import {
  dkimSchema,
  dnsPageSchema,
  domainsPageSchema,
  emptyAnswerSchema,
  errorBodySchema,
  fqdnOf,
  mutationAnswerSchema,
  organizationsPageSchema,
  relativeName,
  yandex360RecordType,
} from "./yandex360Schemas";

export const YANDEX360_DEFAULT_ENDPOINT = "https://api360.yandex.net";

/**
 * Records asked for per DNS page: the largest `perPage` a client is known to have had accepted (an
 * acme.sh version sent 1000 and got `"perPage":1000` back). The service's own maximum is
 * undocumented; a smaller echoed `perPage` is followed, and a 400 makes the client fall back to
 * {@link YANDEX360_DNS_FALLBACK_PAGE_SIZE} for the rest of its life.
 */
export const YANDEX360_DNS_PAGE_SIZE = 1000;

/** The page size acme.sh uses, and the one the client falls back to after a 400 at the larger one. */
export const YANDEX360_DNS_FALLBACK_PAGE_SIZE = 100;

/** Domains per page: the documented maximum. */
export const YANDEX360_DOMAINS_PAGE_SIZE = 10;

/** Organizations per page: the documented maximum. */
export const YANDEX360_ORG_PAGE_SIZE = 100;

/** Pages followed at most in one listing, so a service that never stops paging cannot loop forever. */
export const YANDEX360_MAX_PAGES = 10_000;

const API = "Yandex 360 API";

const ENDPOINT_LABELS: EndpointLabels = {
  service: "Yandex 360",
  defaultEndpoint: YANDEX360_DEFAULT_ENDPOINT,
  tokenCarrier: "in the Authorization header",
  localServer: "pdd-emulator's Yandex 360 face",
};

/** What a call is about, for the messages of its refusals. */
interface CallContext {
  orgId?: number;
  domain?: string;
  recordId?: number;
}

interface Y360Call<T> {
  endpoint: Yandex360Endpoint;
  method: CallSpec["method"];
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  idempotent: boolean;
  schema: z.ZodType<T>;
  context: CallContext;
  /** An empty 2xx body reads as `{}` (delete; the unconfirmed edit answer). */
  allowEmpty?: boolean;
}

function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

function checkOrgId(orgId: number): void {
  if (!Number.isSafeInteger(orgId) || orgId < 1) {
    throw new PddConfigError(
      `A Yandex 360 organization id must be a positive whole number, got ${JSON.stringify(orgId)}; set \`pdd:orgId\` (environment variable YANDEX360_ORG_ID, or the resource's orgId input).`,
      { setting: "pdd:orgId" },
    );
  }
}

function checkDomain(domain: string): void {
  if (typeof domain !== "string" || domain.trim() === "") {
    throw new PddConfigError(`A Yandex 360 call needs a domain name, got ${JSON.stringify(domain)}.`, {
      setting: "domain",
    });
  }
}

function checkRecordId(recordId: number): void {
  if (!Number.isSafeInteger(recordId) || recordId < 0) {
    throw new PddConfigError(
      `A Yandex 360 DNS record id must be a non-negative whole number, got ${JSON.stringify(recordId)}.`,
      { setting: "recordId" },
    );
  }
}

type RecordFields = Omit<AddRecordParams, "type" | "domain"> & { type: DnsRecordType };

/**
 * The JSON body of a create or edit: `name`, `type`, `ttl` and the type's data fields (reference
 * 4.1). The subdomain is the name ("@" for the apex, also for "" or an absent subdomain); TXT text is
 * sent raw, without escapes.
 */
export function yandex360RecordBody(params: RecordFields): Record<string, unknown> {
  const type = yandex360RecordType(params.type);
  if (type === undefined) {
    throw new PddConfigError(
      `Yandex 360 has no ${JSON.stringify(params.type)} records; it supports ${YANDEX360_RECORD_TYPES.join(", ")}.`,
      { setting: "type" },
    );
  }
  const sub = params.subdomain;
  const body: Record<string, unknown> = {
    name: sub === undefined || sub === "" ? "@" : sub,
    type,
  };
  if (params.ttl !== undefined) body.ttl = params.ttl;
  const content = params.content ?? "";
  switch (type) {
    case "A":
    case "AAAA":
      body.address = content;
      break;
    case "CNAME":
    case "NS":
      body.target = content;
      break;
    case "MX":
      body.exchange = content;
      body.preference = params.priority ?? 0;
      break;
    case "TXT":
      body.text = content;
      break;
    case "SRV":
      body.priority = params.priority ?? 0;
      body.weight = params.weight ?? 0;
      body.port = params.port ?? 0;
      body.target = params.target ?? content;
      break;
    case "CAA":
      body.flag = params.flag ?? 0;
      body.tag = params.tag ?? "";
      body.value = content;
      break;
  }
  return body;
}

/** The record a create or edit asked for, as a {@link DnsRecord} with the given id. */
function requestedRecord(params: RecordFields, domain: string, recordId: number): DnsRecord {
  const body = yandex360RecordBody(params);
  const subdomain = relativeName(String(body.name), domain);
  const type = body.type as DnsRecordType;
  const out: DnsRecord = {
    recordId,
    domain,
    type,
    subdomain,
    fqdn: fqdnOf(subdomain, domain),
    content: type === "SRV" ? String(body.target) : (params.content ?? ""),
    ttl: params.ttl ?? 0,
  };
  if (type === "MX") out.priority = body.preference as number;
  if (type === "SRV") {
    out.priority = body.priority as number;
    out.weight = body.weight as number;
    out.port = body.port as number;
  }
  if (type === "CAA") {
    out.flag = body.flag as number;
    out.tag = body.tag as string;
  }
  return out;
}

/**
 * Typed client of the Yandex 360 for Business API. Every response is validated; failures surface
 * as {@link PddError} subclasses ({@link Yandex360ApiError} for the service's refusals) that never
 * contain the token.
 */
export class Yandex360Client {
  readonly endpoint: string;
  // #private fields: util.inspect and JSON.stringify of the client never show the token.
  readonly #token: string;
  readonly #caller: ApiCaller;
  /** Lowered to the fallback after the service refused the larger page size once. */
  #dnsPageSize = YANDEX360_DNS_PAGE_SIZE;

  constructor(options: Yandex360ClientOptions) {
    const token: unknown = options?.token;
    assertUsableToken(
      token,
      `No Yandex 360 OAuth token was given; set ${YANDEX360_TOKEN_SETTINGS}.`,
      "Yandex 360",
    );
    const url = assertSafeEndpoint(options.endpoint ?? YANDEX360_DEFAULT_ENDPOINT, ENDPOINT_LABELS);
    this.endpoint = normalizeEndpoint(url);
    this.#token = token;
    this.#caller = new ApiCaller({
      endpoint: url,
      token,
      auth: "oauth",
      apiName: API,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
      ...(options.random !== undefined ? { random: options.random } : {}),
      ...(options.operationSignal !== undefined ? { operationSignal: options.operationSignal } : {}),
    });
  }

  /** The DNS page size the client currently asks for (1000, or 100 after a refusal). */
  get dnsPageSize(): number {
    return this.#dnsPageSize;
  }

  /** `GET /directory/v1/org`: every organization the token's user can manage (cursor paging). */
  async listOrganizations(): Promise<Yandex360Organization[]> {
    const out: Yandex360Organization[] = [];
    const seen = new Set<number>();
    const tokens = new Set<string>();
    let pageToken = "";
    for (let n = 0; n < YANDEX360_MAX_PAGES; n++) {
      const query: Record<string, string> = { pageSize: String(YANDEX360_ORG_PAGE_SIZE) };
      if (pageToken !== "") query.pageToken = pageToken;
      const page = await this.call({
        endpoint: "org/list",
        method: "GET",
        path: "/directory/v1/org",
        query,
        idempotent: true,
        schema: organizationsPageSchema,
        context: {},
      });
      for (const org of page.organizations) {
        if (seen.has(org.id)) continue;
        seen.add(org.id);
        out.push(org);
      }
      // An empty token ends the listing; a token seen before would loop forever.
      if (page.nextPageToken === "" || tokens.has(page.nextPageToken)) return out;
      tokens.add(page.nextPageToken);
      pageToken = page.nextPageToken;
    }
    return out;
  }

  /** One page of a DNS listing, exactly as asked for. */
  listRecordsPage(
    orgId: number,
    domain: string,
    page: number,
    perPage: number,
  ): Promise<Yandex360RecordsPage> {
    checkOrgId(orgId);
    checkDomain(domain);
    return this.call({
      endpoint: "dns/list",
      method: "GET",
      path: this.dnsPath(orgId, domain),
      query: { page: String(page), perPage: String(perPage) },
      idempotent: true,
      schema: dnsPageSchema(domain),
      context: { orgId, domain },
    });
  }

  /**
   * Every DNS record of `domain` in organization `orgId`, asking for {@link YANDEX360_DNS_PAGE_SIZE}
   * records a page and following a smaller `perPage` the service echoes. Records are deduplicated by
   * id (keeping the first), in the service's order; records of a type this client does not model
   * are left out.
   *
   * Pages are offsets into a list ordered by record id, which other writers change while it is
   * walked: a record deleted on an earlier page moves every later record one place towards page 1,
   * and a walk from page 1 onwards then skips the record that crossed into a page already read. The
   * provider decides on such listings whether its own add landed, whether a delete did, and whether
   * a record still exists, so a skipped record would become a duplicate or an orphan. After page 1
   * (which says how many pages there are) the walk therefore goes from the last page back to page 2
   * and then reads page 1 again: a record that moves only towards page 1 cannot overtake a walk in
   * that direction, so every record present for the whole listing is in it. (New records get larger
   * ids, at the end.) A one-page zone costs one call, as before; a zone of `n` pages `n + 1`.
   */
  async listRecords(orgId: number, domain: string): Promise<DnsRecord[]> {
    checkOrgId(orgId);
    checkDomain(domain);
    let perPage = this.#dnsPageSize;
    let first: Yandex360RecordsPage;
    try {
      first = await this.listRecordsPage(orgId, domain, 1, perPage);
    } catch (err) {
      if (!isYandex360ApiError(err, "invalid_argument") || perPage <= YANDEX360_DNS_FALLBACK_PAGE_SIZE)
        throw err;
      perPage = YANDEX360_DNS_FALLBACK_PAGE_SIZE;
      first = await this.listRecordsPage(orgId, domain, 1, perPage);
      // The smaller size worked where the larger did not: use it from now on.
      this.#dnsPageSize = perPage;
    }
    if (first.perPage > 0 && first.perPage < perPage) perPage = first.perPage;
    const fromTotal = first.total > 0 ? Math.ceil(first.total / perPage) : 1;
    const pages = Math.min(first.pages > 0 ? first.pages : fromTotal, YANDEX360_MAX_PAGES);

    const out: DnsRecord[] = [];
    const seen = new Set<number>();
    const take = (records: DnsRecord[]) => {
      for (const r of records) {
        if (seen.has(r.recordId)) continue;
        seen.add(r.recordId);
        out.push(r);
      }
    };
    if (pages <= 1) {
      take(first.records);
      return out;
    }
    const later: DnsRecord[][] = [];
    for (let page = pages; page >= 2; page--) {
      later[page] = (await this.listRecordsPage(orgId, domain, page, perPage)).records;
    }
    // Page 1 again, newest first: what moved into it while the later pages were read.
    take((await this.listRecordsPage(orgId, domain, 1, perPage)).records);
    take(first.records);
    for (let page = 2; page <= pages; page++) take(later[page]!);
    return out;
  }

  /**
   * `POST …/dns`: creates a record and returns it with its id. Never re-sent when the outcome is
   * unknown (a lost answer could otherwise create it twice); reconcile by listing.
   */
  async addRecord(orgId: number, params: AddRecordParams): Promise<DnsRecord> {
    checkOrgId(orgId);
    checkDomain(params.domain);
    const body = yandex360RecordBody(params);
    const answer = await this.call({
      endpoint: "dns/create",
      method: "POST",
      path: this.dnsPath(orgId, params.domain),
      json: body,
      idempotent: false,
      schema: mutationAnswerSchema(params.domain),
      context: { orgId, domain: params.domain },
    });
    if (answer.record) return answer.record;
    if (answer.recordId !== undefined) return requestedRecord(params, params.domain, answer.recordId);
    throw new PddResponseValidationError(
      "dns/create",
      [{ path: "recordId", message: "the created record's id is missing" }],
      API,
    );
  }

  /**
   * `POST …/dns/{recordId}` with the full record (name, type, ttl and the type's fields). The
   * answer is undocumented: the updated record when it carries one, else the record built from the
   * request with the same id. Not re-sent when the outcome is unknown.
   */
  async editRecord(orgId: number, params: EditRecordParams & { type: DnsRecordType }): Promise<DnsRecord> {
    checkOrgId(orgId);
    checkDomain(params.domain);
    checkRecordId(params.recordId);
    const body = yandex360RecordBody(params);
    const answer = await this.call({
      endpoint: "dns/edit",
      method: "POST",
      path: `${this.dnsPath(orgId, params.domain)}/${segment(params.recordId)}`,
      json: body,
      idempotent: false,
      schema: mutationAnswerSchema(params.domain),
      context: { orgId, domain: params.domain, recordId: params.recordId },
      allowEmpty: true,
    });
    if (answer.record) return answer.record;
    return requestedRecord(params, params.domain, answer.recordId ?? params.recordId);
  }

  /**
   * `DELETE …/dns/{recordId}` (200 `{}`). Retried like a read: deleting twice deletes once. A retry
   * that then finds the record gone fails with `not_found`, which the caller may treat as done.
   */
  async deleteRecord(orgId: number, domain: string, recordId: number): Promise<void> {
    checkOrgId(orgId);
    checkDomain(domain);
    checkRecordId(recordId);
    await this.call({
      endpoint: "dns/delete",
      method: "DELETE",
      path: `${this.dnsPath(orgId, domain)}/${segment(recordId)}`,
      idempotent: true,
      schema: emptyAnswerSchema,
      context: { orgId, domain, recordId },
      allowEmpty: true,
    });
  }

  /** One page of `GET …/org/{orgId}/domains`, exactly as asked for (the service allows perPage ≤ 10). */
  listDomainsPage(orgId: number, page: number, perPage: number): Promise<Yandex360DomainsPage> {
    checkOrgId(orgId);
    return this.call({
      endpoint: "domains/list",
      method: "GET",
      path: `/directory/v1/org/${segment(orgId)}/domains`,
      query: { page: String(page), perPage: String(perPage) },
      idempotent: true,
      schema: domainsPageSchema,
      context: { orgId },
    });
  }

  /** `GET …/org/{orgId}/domains`: every domain of the organization, 10 a page, deduplicated by name. */
  async listDomains(orgId: number): Promise<Yandex360Domain[]> {
    checkOrgId(orgId);
    const out: Yandex360Domain[] = [];
    const seen = new Set<string>();
    let pages = 1;
    for (let page = 1; page <= pages && page <= YANDEX360_MAX_PAGES; page++) {
      const answer = await this.listDomainsPage(orgId, page, YANDEX360_DOMAINS_PAGE_SIZE);
      if (page === 1) {
        const perPage = answer.perPage > 0 ? answer.perPage : YANDEX360_DOMAINS_PAGE_SIZE;
        pages = answer.pages > 0 ? answer.pages : answer.total > 0 ? Math.ceil(answer.total / perPage) : 1;
      }
      for (const d of answer.domains) {
        if (seen.has(d.name)) continue;
        seen.add(d.name);
        out.push(d);
      }
    }
    return out;
  }

  /** `GET …/domains/{domain}/dkim`: whether DKIM signing is on, and its public key. */
  getDkim(orgId: number, domain: string): Promise<Yandex360Dkim> {
    checkOrgId(orgId);
    checkDomain(domain);
    return this.call({
      endpoint: "domains/dkim",
      method: "GET",
      path: `/directory/v1/org/${segment(orgId)}/domains/${segment(domain)}/dkim`,
      idempotent: true,
      schema: dkimSchema,
      context: { orgId, domain },
    });
  }

  /** Request and retry counters since the client was created, per {@link Yandex360Endpoint}. */
  stats(): ApiClientStats {
    return this.#caller.stats();
  }

  /** Closes the connection pool if the client created it; an injected dispatcher stays open. */
  close(): Promise<void> {
    return this.#caller.close();
  }

  private dnsPath(orgId: number, domain: string): string {
    return `/directory/v1/org/${segment(orgId)}/domains/${segment(domain)}/dns`;
  }

  private call<T>(spec: Y360Call<T>): Promise<T> {
    const request: CallSpec = {
      endpoint: spec.endpoint,
      method: spec.method,
      path: spec.path,
      idempotent: spec.idempotent,
      ...(spec.query !== undefined ? { query: spec.query } : {}),
      ...(spec.json !== undefined ? { json: spec.json } : {}),
    };
    return this.#caller.call(request, (raw) => this.interpret(spec, raw));
  }

  private interpret<T>(spec: Y360Call<T>, raw: RawResponse): T {
    const body = this.decode(spec, raw);
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) {
      throw new PddResponseValidationError(
        spec.endpoint,
        redactDeep(summarizeIssues(parsed.error), this.#token) as PddResponseValidationError["issues"],
        API,
      );
    }
    return parsed.data;
  }

  /**
   * HTTP status and JSON. A 4xx other than 429 with the documented error body is the service's
   * refusal ({@link Yandex360ApiError}); 429, 5xx and anything unreadable are transport conditions
   * ({@link PddTransportError}) that the retry policy looks at.
   */
  private decode(spec: Y360Call<unknown>, raw: RawResponse): unknown {
    const { endpoint } = spec;
    const { text, json, jsonOk } = readJson(raw);
    const requestId = raw.requestId !== undefined ? redactSecret(raw.requestId, this.#token) : undefined;
    const rid = requestId !== undefined ? ` (X-Request-Id: ${requestId})` : "";
    const { status } = raw;
    if (status < 200 || status >= 300) {
      if (jsonOk && status !== 429 && status >= 400 && status < 500) {
        const refusal = errorBodySchema.safeParse(json);
        if (refusal.success) {
          const details = refusal.data.details ?? [];
          const detailTypes = details
            .map((d) =>
              typeof d === "object" && d !== null ? (d as Record<string, unknown>)["@type"] : undefined,
            )
            .filter((t): t is string => typeof t === "string")
            .map((t) => redactSecret(t, this.#token));
          // The RequestInfo detail carries the request id too; the header wins when both exist.
          const fromDetail = details
            .map((d) =>
              typeof d === "object" && d !== null ? (d as Record<string, unknown>).requestId : undefined,
            )
            .find((v): v is string => typeof v === "string" && v !== "");
          const id =
            requestId ?? (fromDetail !== undefined ? redactSecret(fromDetail, this.#token) : undefined);
          throw new Yandex360ApiError({
            endpoint,
            status,
            grpcCode: refusal.data.code,
            serviceMessage: redactSecret(refusal.data.message, this.#token),
            ...(id !== undefined ? { requestId: id } : {}),
            ...spec.context,
            ...(detailTypes.length > 0 ? { detailTypes } : {}),
          });
        }
      }
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(raw.retryAfter) : undefined;
      const snippet = excerpt(text, this.#token);
      throw new PddTransportError(
        `${API} ${endpoint} answered HTTP ${status}${snippet ? `: ${snippet}` : ""}` +
          (status >= 500 ? "; the request may have been applied." : ".") +
          rid,
        {
          code: "http_status",
          endpoint,
          status,
          outcomeUnknown: status >= 500,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          ...(requestId !== undefined ? { requestId } : {}),
          cause: { endpoint, status, body: snippet, ...(requestId !== undefined ? { requestId } : {}) },
        },
      );
    }
    if (!jsonOk) {
      if (text.trim() === "" && spec.allowEmpty) return {};
      const snippet = excerpt(text, this.#token);
      const what = text.trim() === "" ? "an empty body" : `non-JSON body (${raw.contentType ?? "no type"})`;
      throw new PddTransportError(
        `${API} ${endpoint} returned ${what}${snippet ? `: ${snippet}` : ""}; the request may have been applied.${rid}`,
        {
          code: "invalid_json",
          endpoint,
          status,
          outcomeUnknown: true,
          ...(requestId !== undefined ? { requestId } : {}),
          cause: { endpoint, status, body: snippet, ...(requestId !== undefined ? { requestId } : {}) },
        },
      );
    }
    return json;
  }
}

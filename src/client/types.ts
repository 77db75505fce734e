import type { Dispatcher } from "undici";

/**
 * Every DNS record type either backend knows: PDD has SOA but no CAA, Yandex 360 has CAA but no
 * SOA. The one list the per-backend lists are derived from.
 */
export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "SOA", "CAA"] as const;

export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** CAA property tags (RFC 8659) the services accept. */
export const CAA_TAGS = ["issue", "issuewild", "iodef"] as const;
export type CaaTag = (typeof CAA_TAGS)[number];

/** Record types the PDD DNS editor supports. */
export type PddRecordType = Exclude<DnsRecordType, "CAA">;

export const PDD_RECORD_TYPES: readonly PddRecordType[] = DNS_RECORD_TYPES.filter(
  (t): t is PddRecordType => t !== "CAA",
);

/** Record types the Yandex 360 DNS API supports (DomainDNSService). */
export type Yandex360RecordType = Exclude<DnsRecordType, "SOA">;

export const YANDEX360_RECORD_TYPES: readonly Yandex360RecordType[] = DNS_RECORD_TYPES.filter(
  (t): t is Yandex360RecordType => t !== "SOA",
);

/**
 * A DNS record, backend-neutral: what PDD's `dns/list`, `dns/add` and `dns/edit` return, and what
 * the Yandex 360 client maps its records to. Validated and camelCased.
 */
export interface DnsRecord {
  recordId: number;
  /** The zone the record belongs to (Yandex 360: the domain the listing was asked for). */
  domain: string;
  type: DnsRecordType;
  /** Relative to the zone; "@" for the apex. */
  subdomain: string;
  fqdn: string;
  /**
   * The type's data: address (A/AAAA), target (CNAME/NS/SRV), exchange (MX), text (TXT), the
   * value (CAA). For SRV records this is the target host.
   */
  content: string;
  ttl: number;
  /** MX and SRV only; PDD sends "" for other types, which becomes undefined. Yandex 360: MX preference. */
  priority?: number;
  /** SRV only. */
  weight?: number;
  /** SRV only. */
  port?: number;
  /** SOA only (PDD). */
  adminMail?: string;
  refresh?: number;
  retry?: number;
  expire?: number;
  minttl?: number;
  /** CAA only (Yandex 360): the flags byte, 0 or 128. */
  flag?: number;
  /** CAA only (Yandex 360): "issue", "issuewild" or "iodef". */
  tag?: string;
}

/** The PDD name of {@link DnsRecord}, kept so existing code keeps compiling. */
export type PddRecord = DnsRecord;

export interface AddRecordParams {
  domain: string;
  type: DnsRecordType;
  subdomain?: string;
  content?: string;
  ttl?: number;
  priority?: number;
  weight?: number;
  port?: number;
  /** SRV target host (sent as `target`). */
  target?: string;
  adminMail?: string;
  /** CAA flags (Yandex 360 only). */
  flag?: number;
  /** CAA tag (Yandex 360 only). */
  tag?: string;
}

export interface EditRecordParams {
  domain: string;
  recordId: number;
  /** Not sent to PDD (a PDD record's type cannot change); Yandex 360's edit body needs it. */
  type?: DnsRecordType;
  subdomain?: string;
  content?: string;
  ttl?: number;
  priority?: number;
  weight?: number;
  port?: number;
  target?: string;
  adminMail?: string;
  refresh?: number;
  retry?: number;
  expire?: number;
  /** SOA negative-caching TTL (sent as `neg_cache`). */
  negCache?: number;
  /** CAA flags (Yandex 360 only). */
  flag?: number;
  /** CAA tag (Yandex 360 only). */
  tag?: string;
}

export interface PddDomain {
  name: string;
  status: string;
  stage?: string;
  aliases: string[];
  logoEnabled: boolean;
  /** Undefined when the service reports "" (no logo). */
  logoUrl?: string;
  nsDelegated: boolean;
  masterAdmin: boolean;
  emailsCount: number;
  emailsMaxCount: number;
  dkimEnabled: boolean;
}

export interface DomainsPage {
  page: number;
  onPage: number;
  total: number;
  found: number;
  domains: PddDomain[];
}

export interface ImportCheckParams {
  domain: string;
  server: string;
  method: "imap" | "pop3";
  port: number;
  ssl: boolean;
}

/** The settings as the service echoed them; keys it omitted fall back to the request's values. */
export interface ImportCheckResult {
  domain: string;
  server: string;
  method: string;
  port: number;
  ssl: boolean;
}

export interface PddRetryOptions {
  /** Extra attempts after the first one. Default 3. */
  retries?: number;
  /** Backoff base: the ceiling of the first full-jitter delay. Default 200. */
  minDelayMs?: number;
  /** Ceiling of any backoff delay; Retry-After is capped at four times this. Default 5000. */
  maxDelayMs?: number;
}

/** PDD admin API methods, named by their path under `/api2/admin/`. */
export type PddEndpoint =
  | "dns/list"
  | "dns/add"
  | "dns/edit"
  | "dns/del"
  | "domain/domains"
  | "domain/logo/set"
  | "domain/logo/check"
  | "domain/logo/del"
  | "import/check_settings";

/** HTTP methods the clients use. */
export type HttpMethod = "GET" | "POST" | "DELETE";

/**
 * Structured log events of either client. They carry no token, headers or request parameters, so
 * they can be written to logs as they are. `endpoint` is the client's label for the API method
 * ("dns/list", …); the Yandex 360 client's labels are {@link Yandex360Endpoint}.
 */
export type ApiClientEvent =
  | { type: "request"; endpoint: string; method: HttpMethod; attempt: number }
  | {
      type: "response";
      endpoint: string;
      method: HttpMethod;
      attempt: number;
      status: number;
      durationMs: number;
    }
  | {
      type: "retry";
      endpoint: string;
      method: HttpMethod;
      /** The attempt that failed (1-based); the next one is attempt + 1. */
      attempt: number;
      delayMs: number;
      code: string;
      status?: number;
    }
  | {
      type: "error";
      endpoint: string;
      method: HttpMethod;
      attempt: number;
      errorName: string;
      code: string;
      message: string;
      outcomeUnknown: boolean;
      status?: number;
    };

/** The PDD client's events (the same shape as every client's). */
export type PddClientEvent = ApiClientEvent;

export interface ApiClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Retries scheduled. */
  retries: number;
  /** HTTP requests sent, per endpoint. */
  byEndpoint: Record<string, number>;
}

export type PddClientStats = ApiClientStats;

/** What both API clients take; each client's options add its token and default endpoint. */
export interface ApiClientOptions {
  /** Injected transport; by default the client owns a keep-alive pool for the endpoint's origin. */
  dispatcher?: Dispatcher;
  /** Default 10_000. Applies to the client's own pool only. */
  connectTimeoutMs?: number;
  /** Headers timeout and body (idle) timeout, default 30_000. */
  requestTimeoutMs?: number;
  /**
   * The abort signal of the operation a call belongs to (an overall deadline), read at each call:
   * when it fires, the request in flight is aborted and no retry is sent.
   */
  operationSignal?: () => AbortSignal | undefined;
  retry?: PddRetryOptions;
  onEvent?: (event: ApiClientEvent) => void;
  /** Jitter source in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

export interface PddClientOptions extends ApiClientOptions {
  token: string;
  /** Default "https://pddimp.yandex.ru". Plain http is allowed only for loopback hosts. */
  endpoint?: string;
}

/**
 * The Yandex 360 client's method labels, used in messages, events and {@link ApiClientStats}
 * (they never contain the organization id, domain or record id of a call).
 */
export type Yandex360Endpoint =
  "org/list" | "domains/list" | "domains/dkim" | "dns/list" | "dns/create" | "dns/edit" | "dns/delete";

export interface Yandex360ClientOptions extends ApiClientOptions {
  /** An OAuth token, sent as `Authorization: OAuth <token>`. */
  token: string;
  /** Default "https://api360.yandex.net". Plain http is allowed only for loopback hosts. */
  endpoint?: string;
}

/** An organization as `GET /directory/v1/org` lists it. */
export interface Yandex360Organization {
  id: number;
  name: string;
  email?: string;
  language?: string;
  subscriptionPlan?: string;
}

/** One DNS check in a domain's status: whether the record matches, and the value expected. */
export interface Yandex360DomainCheck {
  match: boolean;
  value: string;
}

export interface Yandex360DomainStatus {
  name?: string;
  /** Timestamp strings as the service sends them. */
  lastCheck?: string;
  lastAdded?: string;
  spf?: Yandex360DomainCheck;
  mx?: Yandex360DomainCheck;
  ns?: Yandex360DomainCheck;
  dkim?: Yandex360DomainCheck;
}

/** A domain of an organization; absent (or null) fields stay undefined. */
export interface Yandex360Domain {
  name: string;
  country?: string;
  /** The MX record points to mx.yandex.net. */
  mx?: boolean;
  /** Delegated to Yandex name servers. */
  delegated?: boolean;
  /** The organization's main domain (false for an alias). */
  master?: boolean;
  verified?: boolean;
  status?: Yandex360DomainStatus;
}

export interface Yandex360Dkim {
  enabled: boolean;
  publicKey?: string;
}

/** One page of a DNS listing, as the service numbered it. */
export interface Yandex360RecordsPage {
  records: DnsRecord[];
  page: number;
  /** Number of pages (0 or 1 for a single page). */
  pages: number;
  /** Records per page as the service echoed it (0 when it left the field out). */
  perPage: number;
  total: number;
  /** Listed records of a type this client does not model (SOA, say), left out of `records`. */
  skipped: number;
}

/** One page of a domain listing, as the service numbered it. */
export interface Yandex360DomainsPage {
  domains: Yandex360Domain[];
  page: number;
  pages: number;
  /** Domains per page as the service echoed it (0 when it left the field out). */
  perPage: number;
  total: number;
}

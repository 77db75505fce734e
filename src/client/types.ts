import type { Dispatcher } from "undici";

/** Record types the PDD DNS editor supports. */
export type PddRecordType = "A" | "AAAA" | "CNAME" | "MX" | "NS" | "TXT" | "SRV" | "SOA";

export const PDD_RECORD_TYPES: readonly PddRecordType[] = [
  "A",
  "AAAA",
  "CNAME",
  "MX",
  "NS",
  "TXT",
  "SRV",
  "SOA",
];

/** A DNS record as `dns/list`, `dns/add` and `dns/edit` return it, validated and camelCased. */
export interface PddRecord {
  recordId: number;
  domain: string;
  type: PddRecordType;
  subdomain: string;
  fqdn: string;
  /** For SRV records this is the target host. */
  content: string;
  ttl: number;
  /** MX and SRV only; the service sends "" for other types, which becomes undefined. */
  priority?: number;
  /** SRV only. */
  weight?: number;
  /** SRV only. */
  port?: number;
  /** SOA only. */
  adminMail?: string;
  refresh?: number;
  retry?: number;
  expire?: number;
  minttl?: number;
}

export interface AddRecordParams {
  domain: string;
  type: PddRecordType;
  subdomain?: string;
  content?: string;
  ttl?: number;
  priority?: number;
  weight?: number;
  port?: number;
  /** SRV target host (sent as `target`). */
  target?: string;
  adminMail?: string;
}

export interface EditRecordParams {
  domain: string;
  recordId: number;
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

/**
 * Structured log events. They carry no token, headers or request parameters, so they can be
 * written to logs as they are.
 */
export type PddClientEvent =
  | { type: "request"; endpoint: PddEndpoint; method: "GET" | "POST"; attempt: number }
  | {
      type: "response";
      endpoint: PddEndpoint;
      method: "GET" | "POST";
      attempt: number;
      status: number;
      durationMs: number;
    }
  | {
      type: "retry";
      endpoint: PddEndpoint;
      method: "GET" | "POST";
      /** The attempt that failed (1-based); the next one is attempt + 1. */
      attempt: number;
      delayMs: number;
      code: string;
      status?: number;
    }
  | {
      type: "error";
      endpoint: PddEndpoint;
      method: "GET" | "POST";
      attempt: number;
      errorName: string;
      code: string;
      message: string;
      outcomeUnknown: boolean;
      status?: number;
    };

export interface PddClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Retries scheduled. */
  retries: number;
  /** HTTP requests sent, per endpoint. */
  byEndpoint: Record<string, number>;
}

export interface PddClientOptions {
  token: string;
  /** Default "https://pddimp.yandex.ru". Plain http is allowed only for loopback hosts. */
  endpoint?: string;
  /** Injected transport; by default the client owns a keep-alive pool for the endpoint's origin. */
  dispatcher?: Dispatcher;
  /** Default 10_000. Applies to the client's own pool only. */
  connectTimeoutMs?: number;
  /** Headers timeout and body (idle) timeout, default 30_000. */
  requestTimeoutMs?: number;
  retry?: PddRetryOptions;
  onEvent?: (event: PddClientEvent) => void;
  /** Jitter source in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

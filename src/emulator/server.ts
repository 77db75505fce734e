/**
 * HTTP front of the PDD emulator: routing, the wire format of the live service (HTTP 200 +
 * JSON "attachment"), authentication, latency, fault injection, statistics and persistence.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createHash, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { isIP } from "node:net";
import * as path from "node:path";
import { Response } from "undici";
import type { FaultKind, FaultOptions } from "./faults";
import { FAULT_KINDS, FaultPlanner, mulberry32, validateFaultOptions } from "./faults";
import type { MailProtocol } from "./mailCheck";
import { checkMailServer } from "./mailCheck";
import type { DomainEntry, DomainSeed, Params, RawRecord, SeedRecord } from "./state";
import {
  DEFAULT_ORG_ID,
  domainInfo,
  EmulatorState,
  isHostname,
  LOGO_MAX_BYTES,
  EmulatorApiRefusal,
  resolveDomainSeeds,
  toRawRecord,
  validateOrgIds,
  visibleOn,
} from "./state";
import type { Yandex360Http } from "./yandex360";
import { DEFAULT_YANDEX360_DNS_MAX_PER_PAGE, Yandex360Face, YANDEX360_ENDPOINTS } from "./yandex360";
import type { PddEra, RecordKeyOrder } from "./wireFormat";
import {
  applyKeyOrder,
  DEFAULT_ERA,
  ERAS,
  keyOrderOf,
  pythonJsonDumps,
  RECORDED_RECORD_KEY_ORDER,
  shuffledKeyOrder,
} from "./wireFormat";

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
  /** Interface to bind (default "127.0.0.1"). */
  host?: string;
  /**
   * Value the `PddToken` header must carry (default "dev-token"); the Yandex 360 face takes the same
   * token as `Authorization: OAuth <token>`.
   */
  token?: string;
  /**
   * Domains on the account (default ["example.com"]). A plain name goes to the first organization;
   * `{ name, orgId }` to that organization, which must be in `orgIds`.
   */
  domains?: DomainSeed[];
  /** Yandex 360 organizations (default [1234567]); the first gets the plain domain names. */
  orgIds?: number[];
  /** Largest `perPage` the Yandex 360 DNS list serves (default 1000); larger requests are capped. */
  yandex360DnsMaxPerPage?: number;
  /** Give each domain the records of a fresh Yandex domain (MX, 2×NS, SOA, SPF TXT). Default true. */
  seedDefaultRecords?: boolean;
  /** Extra records per domain, in the service's raw shape (e.g. a recorded dns/list answer). */
  records?: Record<string, SeedRecord[]>;
  /** Added to every API answer. */
  latencyMs?: number;
  faults?: FaultOptions;
  /** Loaded at start when present (then `domains`/`records` are ignored); rewritten after each mutation. */
  stateFile?: string;
  /** How long import/check_settings waits for a greeting (default 5000). */
  mailCheckTimeoutMs?: number;
  /** Lets import/check_settings connect to non-loopback servers (default false). */
  allowExternalMailCheck?: boolean;
  /**
   * Which service to be (default "2022"). "2017" is the 2017–2018 service of the recordings:
   * `not_allowed` for a domain not on the account (2022: `no_such_domain`), `operation: "editing"`
   * inside `dns/edit` answers (2022: absent), and record keys always in the recorded order (2022: one
   * random order per answer).
   */
  era?: PddEra;
  /** Seeds key-order shuffling, record ids and (unless faults.seed is set) fault injection. */
  seed?: number;
}

export interface EmulatorStats {
  requests: { total: number; byEndpoint: Record<string, number> };
  faults: Record<FaultKind, number>;
  mutationsApplied: number;
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  connections: number;
  maxConcurrentConnections: number;
  /** Most API requests being processed at the same time. */
  maxInFlight: number;
}

export type RequestLogBody =
  | { kind: "none" }
  | { kind: "urlencoded"; params: Record<string, string> }
  | { kind: "multipart"; fields: string[]; fileSize: number | null }
  | { kind: "other"; contentType: string; bytes: number }
  | { kind: "too_big"; bytes: number | null }
  /** A JSON body the Yandex 360 face parsed. */
  | { kind: "json"; json: unknown };

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names, including `pddtoken`. */
  headers: Record<string, string>;
  body: RequestLogBody;
  /** e.g. "dns/add" or "y360/dns/create"; null for paths that are not an API endpoint. */
  endpoint: string | null;
  fault: FaultKind | null;
}

export interface LogoInfo {
  sha256: string;
  bytes: number;
  contentType: string;
}

export interface PddEmulator {
  /** Base URL, e.g. "http://127.0.0.1:54321". */
  url: string;
  /** Stops listening and destroys every open (including hanging) socket. */
  close(): Promise<void>;
  stats(): EmulatorStats;
  resetStats(): void;
  setFaults(faults: FaultOptions | undefined): void;
  setLatency(ms: number): void;
  /** Adds a domain to `opts.orgId` (default: the first organization). */
  addDomain(name: string, opts?: { seedDefaultRecords?: boolean; orgId?: number }): void;
  removeDomain(name: string): void;
  /** Domains on the account, sorted. */
  domains(): string[];
  /** The Yandex 360 organizations, the first being where plain domain names go. */
  orgIds(): number[];
  records(domain: string): RawRecord[];
  logo(domain: string): LogoInfo | undefined;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
}

interface EndpointSpec {
  /** The first is the documented one (named in Allow when another method is refused). */
  methods: ReadonlyArray<"GET" | "POST">;
  mutation: boolean;
}

const ENDPOINTS: Record<string, EndpointSpec> = {
  "dns/list": { methods: ["GET"], mutation: false },
  "dns/add": { methods: ["POST"], mutation: true },
  "dns/edit": { methods: ["POST"], mutation: true },
  "dns/del": { methods: ["POST"], mutation: true },
  "domain/domains": { methods: ["GET"], mutation: false },
  "domain/logo/set": { methods: ["POST"], mutation: true },
  "domain/logo/check": { methods: ["GET"], mutation: false },
  "domain/logo/del": { methods: ["POST"], mutation: true },
  // Documented as GET with a query string; POST is what most clients (and this package's) send.
  "import/check_settings": { methods: ["GET", "POST"], mutation: false },
};

export const API_ENDPOINTS: readonly string[] = Object.keys(ENDPOINTS);
/** What `faults.endpoints` may name: the PDD endpoints and the Yandex 360 face's labels. */
const FAULT_ENDPOINTS: readonly string[] = [...API_ENDPOINTS, ...YANDEX360_ENDPOINTS];

const API_PREFIX = "/api2/admin/";
const JSON_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Content-Disposition": 'attachment; filename="json.txt"',
};
/** Form fields and multipart framing on top of the 2 MB logo limit. */
const MULTIPART_OVERHEAD = 64 * 1024;
const MAX_FORM_BODY = 1024 * 1024;
/** Oversized bodies up to this size are read and discarded so the client still gets an answer. */
const DRAIN_CAP = 16 * 1024 * 1024;
const REQUEST_LOG_LIMIT = 10_000;
const DEFAULT_SEED = 0x5eed;
const DEFAULT_ON_PAGE = 10;
const MAX_ON_PAGE = 20;
const RECORDED_KEY_ORDER = keyOrderOf(RECORDED_RECORD_KEY_ORDER);

type BodyResult =
  | { kind: "ok"; data: Buffer }
  | { kind: "too_big"; drained: boolean; bytes: number | null }
  | { kind: "aborted" };

/** Reads a request body, keeping at most `limit` bytes in memory. */
function readBody(req: http.IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > DRAIN_CAP) {
      resolve({ kind: "too_big", drained: false, bytes: declared });
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total <= limit) {
        chunks.push(chunk);
      } else if (total > DRAIN_CAP) {
        req.pause();
        finish({ kind: "too_big", drained: false, bytes: null });
      } else {
        // Over the limit: keep draining so the client can read our answer, but stop buffering.
        chunks.length = 0;
      }
    });
    req.on("end", () =>
      finish(
        total > limit
          ? { kind: "too_big", drained: true, bytes: total }
          : { kind: "ok", data: Buffer.concat(chunks) },
      ),
    );
    req.on("error", () => finish({ kind: "aborted" }));
    req.on("close", () => finish({ kind: "aborted" }));
  });
}

function emptyFaultCounts(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
}

function checkNonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
    throw new RangeError(`${name} must be a non-negative number, got ${String(value)}`);
  }
}

function validateOptions(options: EmulatorOptions): void {
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
  ) {
    throw new RangeError(`port must be an integer 0..65535, got ${String(options.port)}`);
  }
  if (options.token !== undefined && (typeof options.token !== "string" || options.token === "")) {
    throw new RangeError("token must be a non-empty string");
  }
  checkNonNegative("latencyMs", options.latencyMs);
  if (
    options.mailCheckTimeoutMs !== undefined &&
    (!Number.isFinite(options.mailCheckTimeoutMs) || options.mailCheckTimeoutMs <= 0)
  ) {
    throw new RangeError(`mailCheckTimeoutMs must be positive, got ${String(options.mailCheckTimeoutMs)}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new RangeError(`seed must be an integer, got ${String(options.seed)}`);
  }
  if (options.era !== undefined && !(ERAS as readonly unknown[]).includes(options.era)) {
    throw new RangeError(`era must be one of ${ERAS.map((era) => `"${era}"`).join(", ")}`);
  }
  if (options.faults !== undefined) validateFaultOptions(options.faults, FAULT_ENDPOINTS);
  const orgIds = options.orgIds === undefined ? [DEFAULT_ORG_ID] : validateOrgIds(options.orgIds);
  resolveDomainSeeds(options.domains ?? [], orgIds);
  if (
    options.yandex360DnsMaxPerPage !== undefined &&
    (!Number.isSafeInteger(options.yandex360DnsMaxPerPage) || options.yandex360DnsMaxPerPage < 1)
  ) {
    throw new RangeError(
      `yandex360DnsMaxPerPage must be a positive integer, got ${String(options.yandex360DnsMaxPerPage)}`,
    );
  }
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return isIP(host) === 6 ? `[${host}]` : host;
}

function tokensEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const digest = (value: string): Buffer => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function html5xx(status: 502 | 503): string {
  const title = status === 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable";
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

interface ApiRequest {
  endpoint: string;
  params: Map<string, string>;
  token: string | undefined;
  file: Buffer | undefined;
  bodyTooBig: boolean;
  multipartError: boolean;
}

interface ApiResult {
  body: Record<string, unknown>;
  mutated: boolean;
}

class Emulator implements PddEmulator {
  url = "";
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private readonly keyRng: () => number;
  private planner: FaultPlanner | undefined;
  private latencyMs: number;
  private readonly token: string;
  private readonly seed: number;
  private readonly seedDefaultRecords: boolean;
  private readonly era: PddEra;
  private readonly mailCheckTimeoutMs: number;
  private readonly allowExternalMailCheck: boolean;
  private readonly stateFile: string | undefined;
  private log: RequestLogEntry[] = [];
  private counters = this.freshCounters();
  private openConnections = 0;
  private inFlight = 0;
  private http5xxCount = 0;
  private tmpCounter = 0;
  private closePromise: Promise<void> | undefined;
  /** The Yandex 360 face (/directory/...), over the same state and the same HTTP plumbing. */
  private readonly yandex360: Yandex360Face;

  constructor(
    private readonly state: EmulatorState,
    options: EmulatorOptions,
  ) {
    this.seed = options.seed ?? DEFAULT_SEED;
    this.keyRng = mulberry32((this.seed ^ 0x5bd1e995) >>> 0);
    this.token = options.token ?? "dev-token";
    this.latencyMs = options.latencyMs ?? 0;
    this.seedDefaultRecords = options.seedDefaultRecords ?? true;
    this.era = options.era ?? DEFAULT_ERA;
    this.mailCheckTimeoutMs = options.mailCheckTimeoutMs ?? 5000;
    this.allowExternalMailCheck = options.allowExternalMailCheck ?? false;
    this.stateFile = options.stateFile;
    if (options.faults !== undefined) this.planner = new FaultPlanner(options.faults, this.seed);
    this.yandex360 = new Yandex360Face(this.sharedHttp(), {
      dnsMaxPerPage: options.yandex360DnsMaxPerPage ?? DEFAULT_YANDEX360_DNS_MAX_PER_PAGE,
    });

    this.server = http.createServer({ keepAlive: true });
    this.server.keepAliveTimeout = 5000;
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      this.counters.connections++;
      this.openConnections++;
      this.counters.maxConcurrentConnections = Math.max(
        this.counters.maxConcurrentConnections,
        this.openConnections,
      );
      socket.once("close", () => {
        this.sockets.delete(socket);
        this.openConnections--;
      });
    });
    this.server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.route(req, res).catch((error: unknown) => {
        console.error("pdd-emulator: internal error:", error);
        if (!res.headersSent && !res.destroyed) {
          this.sendJson(res, 500, { success: "error", error: "internal" });
        } else {
          res.destroy();
        }
      });
    });
  }

  private freshCounters(): EmulatorStats {
    return {
      requests: { total: 0, byEndpoint: {} },
      faults: emptyFaultCounts(),
      mutationsApplied: 0,
      connections: 0,
      maxConcurrentConnections: 0,
      maxInFlight: 0,
    };
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address() as AddressInfo;
        this.url = `http://${urlHost(host)}:${address.port}`;
        resolve();
      });
    });
  }

  // ---- public API -------------------------------------------------------------------------

  close(): Promise<void> {
    if (this.closePromise === undefined) {
      this.abort.abort();
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.closePromise = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        for (const socket of this.sockets) socket.destroy();
      });
    }
    return this.closePromise;
  }

  stats(): EmulatorStats {
    return structuredClone(this.counters);
  }

  resetStats(): void {
    this.counters = this.freshCounters();
    // Connections/requests already open are still concurrent after the reset.
    this.counters.maxConcurrentConnections = this.openConnections;
    this.counters.maxInFlight = this.inFlight;
  }

  setFaults(faults: FaultOptions | undefined): void {
    if (faults !== undefined) validateFaultOptions(faults, FAULT_ENDPOINTS);
    this.planner = faults === undefined ? undefined : new FaultPlanner(faults, this.seed);
  }

  setLatency(ms: number): void {
    checkNonNegative("latency", ms);
    this.latencyMs = ms;
  }

  addDomain(name: string, opts?: { seedDefaultRecords?: boolean; orgId?: number }): void {
    this.state.addDomain(name, opts?.seedDefaultRecords ?? this.seedDefaultRecords, opts?.orgId);
    this.persist();
  }

  removeDomain(name: string): void {
    this.state.removeDomain(name);
    this.persist();
  }

  domains(): string[] {
    return this.state.domainNames();
  }

  orgIds(): number[] {
    return this.state.orgIds();
  }

  records(domain: string): RawRecord[] {
    const entry = this.state.getDomain(domain);
    if (entry === undefined) throw new Error(`domain ${domain} is not on the emulator's account`);
    return entry.records.map((record) => toRawRecord(entry.name, record));
  }

  logo(domain: string): LogoInfo | undefined {
    const logo = this.state.getDomain(domain)?.logo;
    return logo === undefined
      ? undefined
      : { sha256: logo.sha256, bytes: logo.data.length, contentType: logo.contentType };
  }

  requestLog(): RequestLogEntry[] {
    return structuredClone(this.log);
  }

  clearRequestLog(): void {
    this.log = [];
  }

  // ---- persistence ------------------------------------------------------------------------

  /** Synchronous on purpose: a mutation is on disk before its answer leaves, and writes never interleave. */
  persist(): void {
    if (this.stateFile === undefined) return;
    const target = path.resolve(this.stateFile);
    mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${++this.tmpCounter}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.state.toPersisted(), null, 2) + "\n");
      renameSync(tmp, target);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }

  // ---- HTTP plumbing ----------------------------------------------------------------------

  private sendJson(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    extraHeaders: Record<string, string> = {},
  ): void {
    if (res.destroyed || res.headersSent) return;
    const payload = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { ...JSON_HEADERS, "Content-Length": payload.length, ...extraHeaders });
    res.end(payload);
  }

  /**
   * An answer under /api2/, written the way the service's `json.dumps` wrote it (clients parse it
   * with regular expressions too). The emulator's own routes keep compact JSON via sendJson.
   */
  private sendPdd(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    extraHeaders: Record<string, string> = {},
  ): void {
    if (res.destroyed || res.headersSent) return;
    const payload = Buffer.from(pythonJsonDumps(body));
    res.writeHead(status, { ...JSON_HEADERS, "Content-Length": payload.length, ...extraHeaders });
    res.end(payload);
  }

  private delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  // ---- plumbing shared by both faces (PDD here, Yandex 360 through sharedHttp) ---------------

  /** Counts an API request (total, in flight, per endpoint when it is one) and opens its log entry. */
  private beginApiRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    endpoint: string | null,
  ): RequestLogEntry {
    this.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.inFlight);
    res.once("close", () => this.inFlight--);
    this.counters.requests.total++;
    if (endpoint !== null) {
      this.counters.requests.byEndpoint[endpoint] = (this.counters.requests.byEndpoint[endpoint] ?? 0) + 1;
    }
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: headerRecord(req),
      body: { kind: "none" },
      endpoint,
      fault: null,
    };
    this.log.push(entry);
    if (this.log.length > REQUEST_LOG_LIMIT) this.log.splice(0, this.log.length - REQUEST_LOG_LIMIT);
    return entry;
  }

  /** Picks the request's fault (counted and logged), then waits out the latency. */
  private async faultThenLatency(endpoint: string, entry: RequestLogEntry): Promise<FaultKind | null> {
    const fault = this.planner?.pick(endpoint) ?? null;
    entry.fault = fault;
    if (fault !== null) this.counters.faults[fault]++;
    await this.delay(this.latencyMs);
    return fault;
  }

  /** After processing: an applied mutation is counted and on disk before its answer leaves. */
  private noteApplied(mutated: boolean): void {
    if (!mutated) return;
    this.counters.mutationsApplied++;
    this.persist();
  }

  /**
   * Faults that strike after processing: `truncated` (full Content-Length, half the bytes, then the
   * socket goes away) and `lost_response` (the socket goes away). True when the fault took over.
   */
  private deliverFaulted(
    res: http.ServerResponse,
    fault: FaultKind | null,
    status: number,
    headers: Record<string, string>,
    payload: Buffer,
  ): boolean {
    if (fault === "truncated") {
      res.writeHead(status, { ...headers, "Content-Length": payload.length });
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.socket?.destroy());
      return true;
    }
    if (fault === "lost_response") {
      res.socket?.destroy();
      return true;
    }
    return false;
  }

  /** The Yandex 360 face's view of the plumbing above. */
  private sharedHttp(): Yandex360Http {
    return {
      state: this.state,
      checkToken: (token) => tokensEqual(token, this.token),
      begin: (req, res, url, endpoint) => this.beginApiRequest(req, res, url, endpoint),
      latency: () => this.delay(this.latencyMs),
      faultThenLatency: (endpoint, entry) => this.faultThenLatency(endpoint, entry),
      injectBeforeApplying: (fault, mutation, res, sendUnknown) =>
        this.injectBeforeApplying(fault, mutation, res, sendUnknown),
      applied: (mutated) => this.noteApplied(mutated),
      deliverFaulted: (res, fault, status, headers, payload) =>
        this.deliverFaulted(res, fault, status, headers, payload),
      readBody: (req) => readBody(req, MAX_FORM_BODY),
      persist: () => this.persist(),
    };
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    let url: URL;
    let logoDomain: string | undefined;
    try {
      // Origin-form targets are always paths ("//x" is not a host here); absolute-form is taken as is.
      url = new URL(target.startsWith("/") ? `http://emulator.invalid${target}` : target);
      if (url.pathname.startsWith("/logos/"))
        logoDomain = decodeURIComponent(url.pathname.slice("/logos/".length));
    } catch {
      this.sendJson(res, 400, { success: "error", error: "bad_request" });
      return;
    }
    if (url.pathname === "/api2" || url.pathname.startsWith("/api2/")) {
      await this.handleApi(req, res, url);
    } else if (url.pathname === "/directory" || url.pathname.startsWith("/directory/")) {
      await this.yandex360.handle(req, res, url);
    } else if (url.pathname.startsWith("/_emulator/")) {
      this.handleAdmin(req, res, url.pathname.slice("/_emulator/".length));
    } else if (logoDomain !== undefined && (req.method === "GET" || req.method === "HEAD")) {
      this.serveLogo(req, res, logoDomain);
    } else {
      this.sendJson(res, 404, { success: "error", error: "not_found" });
    }
  }

  private handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, route: string): void {
    const plain = { "Content-Disposition": "inline" };
    if (route === "stats" && req.method === "GET") {
      this.sendJson(res, 200, this.stats(), plain);
    } else if (route === "state" && req.method === "GET") {
      const domains = this.state.domainNames().map((name) => ({
        name,
        orgId: this.state.getDomain(name)!.orgId,
        records: this.records(name),
        logo: this.logo(name) ?? null,
      }));
      const body = { orgIds: this.state.orgIds(), nextRecordId: this.state.nextRecordId, domains };
      this.sendJson(res, 200, body, plain);
    } else if (route === "reset-stats" && req.method === "POST") {
      this.resetStats();
      this.sendJson(res, 200, { success: "ok" }, plain);
    } else {
      this.sendJson(res, 404, { success: "error", error: "not_found" }, plain);
    }
  }

  private serveLogo(req: http.IncomingMessage, res: http.ServerResponse, domain: string): void {
    const logo = this.state.getDomain(domain)?.logo;
    if (logo === undefined) {
      this.sendJson(res, 404, { success: "error", error: "not_found" }, { "Content-Disposition": "inline" });
      return;
    }
    res.writeHead(200, {
      "Content-Type": logo.contentType,
      "Content-Length": logo.data.length,
      ETag: `"${logo.sha256}"`,
      "Cache-Control": "public, max-age=60",
    });
    res.end(req.method === "HEAD" ? undefined : logo.data);
  }

  private logoUrl(entry: DomainEntry): string {
    return entry.logo === undefined
      ? ""
      : `${this.url}/logos/${encodeURIComponent(entry.name)}?v=${entry.logo.sha256.slice(0, 16)}`;
  }

  private async handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const endpoint = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : "";
    // hasOwn: "constructor" or "__proto__" in a path must not look like an endpoint.
    const spec = Object.hasOwn(ENDPOINTS, endpoint) ? ENDPOINTS[endpoint] : undefined;
    const entry = this.beginApiRequest(req, res, url, spec === undefined ? null : endpoint);

    if (spec === undefined) {
      await this.delay(this.latencyMs);
      this.sendPdd(res, 404, { success: "error", error: "not_found" });
      return;
    }
    if (!(spec.methods as readonly string[]).includes(req.method ?? "")) {
      await this.delay(this.latencyMs);
      const allow = spec.methods.join(", ");
      this.sendPdd(res, 405, { success: "error", error: "method_not_allowed" }, { Allow: allow });
      return;
    }

    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    const isMultipart = endpoint === "domain/logo/set" && contentType.startsWith("multipart/form-data");
    const body = await readBody(req, isMultipart ? LOGO_MAX_BYTES + MULTIPART_OVERHEAD : MAX_FORM_BODY);
    if (body.kind === "aborted") return;
    if (body.kind === "too_big") {
      entry.body = { kind: "too_big", bytes: body.bytes };
      if (!isMultipart) {
        // Only logo uploads are big; for anything else answer before looking at parameters.
        await this.delay(this.latencyMs);
        this.sendPdd(res, 413, { success: "error", error: "request_too_large" }, { Connection: "close" });
        return;
      }
    }

    const api: ApiRequest = {
      endpoint,
      params: new Map(url.searchParams),
      token: typeof req.headers.pddtoken === "string" ? req.headers.pddtoken : undefined,
      file: undefined,
      bodyTooBig: body.kind === "too_big",
      multipartError: false,
    };
    if (body.kind === "ok" && body.data.length > 0) {
      entry.body = await this.parseBody(
        api,
        contentType,
        req.headers["content-type"] ?? "",
        body.data,
        isMultipart,
      );
    }

    const fault = await this.faultThenLatency(endpoint, entry);
    if (res.destroyed) return;

    const closeAfter = body.kind === "too_big" && !body.drained;
    const sendUnknown = (): void => this.sendPdd(res, 200, { success: "error", error: "unknown" });
    if (fault !== null && this.injectBeforeApplying(fault, spec.mutation, res, sendUnknown)) return;

    const result = await this.runEndpoint(api);
    this.noteApplied(result.mutated);
    const payload = Buffer.from(pythonJsonDumps(result.body));
    if (this.deliverFaulted(res, fault, 200, JSON_HEADERS, payload)) return;
    if (closeAfter) {
      // The rest of an oversized upload was not read: answer, then drop the connection.
      res.once("finish", () => res.socket?.destroy());
      this.sendPdd(res, 200, result.body, { Connection: "close" });
      return;
    }
    this.sendPdd(res, 200, result.body);
  }

  /**
   * Faults that happen instead of processing (either face). Returns true when the request is done.
   * `sendUnknown` writes the face's own "unknown error" answer.
   */
  private injectBeforeApplying(
    fault: FaultKind,
    mutation: boolean,
    res: http.ServerResponse,
    sendUnknown: () => void,
  ): boolean {
    const socket = res.socket;
    switch (fault) {
      case "http_5xx": {
        const status = this.http5xxCount++ % 2 === 0 ? 502 : 503;
        const html = Buffer.from(html5xx(status));
        res.writeHead(status, { "Content-Type": "text/html", "Content-Length": html.length });
        res.end(html);
        return true;
      }
      case "unknown":
        sendUnknown();
        return true;
      case "hang": {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          socket?.destroy();
        }, this.planner?.hangMs ?? 0);
        this.timers.add(timer);
        return true;
      }
      case "lost_response":
        // On reads there is nothing to lose but the answer: same as a reset.
        if (mutation) return false;
        this.resetSocket(socket);
        return true;
      case "reset":
        this.resetSocket(socket);
        return true;
      case "truncated":
        return false;
    }
  }

  private resetSocket(socket: Socket | null): void {
    if (socket === null || socket.destroyed) return;
    try {
      socket.resetAndDestroy(); // RST, like a middlebox dropping the connection
    } catch {
      socket.destroy();
    }
  }

  private async parseBody(
    api: ApiRequest,
    contentType: string,
    rawContentType: string,
    data: Buffer,
    isMultipart: boolean,
  ): Promise<RequestLogBody> {
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
      const params: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(data.toString("utf8"))) {
        api.params.set(key, value);
        params[key] = value;
      }
      return { kind: "urlencoded", params };
    }
    if (isMultipart) {
      try {
        const form = await new Response(data, { headers: { "content-type": rawContentType } }).formData();
        const fields: string[] = [];
        let fileSize: number | null = null;
        for (const [name, value] of form) {
          fields.push(name);
          if (typeof value === "string") {
            api.params.set(name, value);
          } else if (name === "file" && api.file === undefined) {
            api.file = Buffer.from(await value.arrayBuffer());
            fileSize = api.file.length;
          }
        }
        return { kind: "multipart", fields, fileSize };
      } catch {
        api.multipartError = true;
        return { kind: "other", contentType: rawContentType, bytes: data.length };
      }
    }
    // e.g. the empty JSON body the recorded client sent along with query-string parameters.
    return { kind: "other", contentType: rawContentType, bytes: data.length };
  }

  private async runEndpoint(api: ApiRequest): Promise<ApiResult> {
    const domainParam = api.params.get("domain")?.trim() || undefined;
    const withDomain = (body: Record<string, unknown>): Record<string, unknown> =>
      domainParam === undefined ? body : { domain: domainParam, ...body };
    try {
      if (api.token === undefined || api.token === "") throw new EmulatorApiRefusal("no_auth");
      if (!tokensEqual(api.token, this.token)) throw new EmulatorApiRefusal("bad_token");
      return await this.dispatch(api, domainParam);
    } catch (error) {
      if (!(error instanceof EmulatorApiRefusal)) throw error;
      return { body: withDomain({ success: "error", error: error.code }), mutated: false };
    }
  }

  private requireDomain(domainParam: string | undefined): DomainEntry {
    if (domainParam === undefined) throw new EmulatorApiRefusal("no_domain");
    const entry = this.state.getDomain(domainParam);
    // The 2017–2018 service did not tell "no such domain" from "not yours" (see the recordings).
    if (entry === undefined)
      throw new EmulatorApiRefusal(this.era === "2017" ? "not_allowed" : "no_such_domain");
    return entry;
  }

  /**
   * The key order of the records in one answer. In 2022 it changed between answers, so clients must
   * not depend on it; every 2017–2018 recording shows the same one, which that era reproduces.
   */
  private recordKeyOrder(): RecordKeyOrder {
    return this.era === "2017" ? RECORDED_KEY_ORDER : shuffledKeyOrder(this.keyRng);
  }

  private async dispatch(api: ApiRequest, domainParam: string | undefined): Promise<ApiResult> {
    const params: Params = api.params;
    const ok = (body: Record<string, unknown>, mutated = false): ApiResult => ({
      body: { ...body, success: "ok" },
      mutated,
    });
    switch (api.endpoint) {
      case "dns/list": {
        const entry = this.requireDomain(domainParam);
        const order = this.recordKeyOrder();
        const records = entry.records
          .filter((record) => visibleOn("pdd", record)) // PDD had no CAA (Yandex 360's)
          .map((record) => applyKeyOrder(toRawRecord(entry.name, record), order));
        return ok({ records, domain: domainParam });
      }
      case "dns/add": {
        const entry = this.requireDomain(domainParam);
        const record = this.state.addRecord(entry, params);
        const raw = applyKeyOrder(toRawRecord(entry.name, record), this.recordKeyOrder());
        return ok({ record: raw, domain: domainParam }, true);
      }
      case "dns/edit": {
        const entry = this.requireDomain(domainParam);
        const record = this.state.editRecord(entry, params);
        // Only the 2017–2018 service marked the edited record with "operation": "editing".
        const extra = this.era === "2017" ? { operation: "editing" } : {};
        const raw = applyKeyOrder({ ...toRawRecord(entry.name, record), ...extra }, this.recordKeyOrder());
        return ok({ record_id: record.id, record: raw, domain: domainParam }, true);
      }
      case "dns/del": {
        const entry = this.requireDomain(domainParam);
        const id = this.state.deleteRecord(entry, params);
        return ok({ record_id: id, domain: domainParam }, true);
      }
      case "domain/domains":
        return ok(this.domainsPage(params));
      case "domain/logo/set": {
        // An oversized body is never parsed, so its domain field is unknown: the size error comes first.
        if (api.bodyTooBig) throw new EmulatorApiRefusal("file_too_big");
        const entry = this.requireDomain(domainParam);
        if (api.file === undefined) throw new EmulatorApiRefusal("no_file");
        this.state.setLogo(entry, api.file);
        return ok({ domain: domainParam }, true);
      }
      case "domain/logo/check": {
        const entry = this.requireDomain(domainParam);
        return ok({ domain: domainParam, "logo-url": this.logoUrl(entry) });
      }
      case "domain/logo/del": {
        const entry = this.requireDomain(domainParam);
        const had = entry.logo !== undefined;
        this.state.deleteLogo(entry);
        return ok({ domain: domainParam }, had);
      }
      case "import/check_settings":
        return ok(await this.checkSettings(params, domainParam));
      default:
        throw new Error(`no handler for ${api.endpoint}`);
    }
  }

  private domainsPage(params: Params): Record<string, unknown> {
    // Documented as 1 to 20, without saying what happens outside; 2018 clients asked for 30 and 100.
    // More than 20 is served as 20; anything that is not a positive integer (0, -1, "ten", "2.5")
    // gets the default 10. The answer's on_page says which size was used.
    const onPageText = params.get("on_page")?.trim() ?? "";
    const onPage =
      /^\d+$/.test(onPageText) && Number(onPageText) > 0
        ? Math.min(Number(onPageText), MAX_ON_PAGE)
        : DEFAULT_ON_PAGE;
    const pageText = params.get("page")?.trim() ?? "";
    const page = pageText === "" ? 1 : /^\d+$/.test(pageText) ? Number(pageText) : NaN;
    if (!Number.isSafeInteger(page) || page < 1) throw new EmulatorApiRefusal("bad_page");
    const names = this.state.domainNames();
    const total = names.length;
    if (total > 0 && (page - 1) * onPage >= total) throw new EmulatorApiRefusal("not_allowed");
    const domains = names
      .slice((page - 1) * onPage, page * onPage)
      .map((name) => this.state.getDomain(name)!)
      .map((entry) => domainInfo(entry, this.logoUrl(entry)));
    return { page, on_page: onPage, total, found: domains.length, domains };
  }

  private async checkSettings(
    params: Params,
    domainParam: string | undefined,
  ): Promise<Record<string, unknown>> {
    this.requireDomain(domainParam);
    const get = (name: string): string | undefined => params.get(name)?.trim() || undefined;
    const method = get("method")?.toLowerCase();
    if (method === undefined) throw new EmulatorApiRefusal("no_method");
    if (!["imap", "imap4", "pop3", "pop"].includes(method)) throw new EmulatorApiRefusal("bad_method");
    const protocol: MailProtocol = method.startsWith("imap") ? "imap" : "pop3";
    const server = get("server");
    if (server === undefined) throw new EmulatorApiRefusal("no_server");
    const bareServer = server.replace(/^\[(.*)\]$/, "$1");
    if (isIP(bareServer) === 0 && !isHostname(server)) throw new EmulatorApiRefusal("bad_server");
    const ssl = get("ssl")?.toLowerCase() ?? "no";
    if (ssl !== "yes" && ssl !== "no") throw new EmulatorApiRefusal("bad_ssl");
    const portParam = get("port");
    const defaultPort = protocol === "imap" ? (ssl === "yes" ? 993 : 143) : ssl === "yes" ? 995 : 110;
    const port = portParam === undefined ? defaultPort : /^\d+$/.test(portParam) ? Number(portParam) : NaN;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new EmulatorApiRefusal("bad_port");

    const result = await checkMailServer({
      server,
      port,
      protocol,
      ssl: ssl === "yes",
      timeoutMs: this.mailCheckTimeoutMs,
      allowExternal: this.allowExternalMailCheck,
      signal: this.abort.signal,
    });
    if (!result.ok)
      throw new EmulatorApiRefusal(result.reason === "not_allowed" ? "not_allowed" : "no_reply");
    // The documented answer: the checked settings nested under "settings".
    return { domain: domainParam, settings: { method, server, port, ssl } };
  }
}

function loadState(options: EmulatorOptions): EmulatorState {
  if (options.stateFile !== undefined && existsSync(options.stateFile)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(options.stateFile, "utf8"));
    } catch (error) {
      throw new Error(`state file ${options.stateFile} is not valid JSON: ${(error as Error).message}`);
    }
    // A version 1 file has no organizations: its domains go to the first of `orgIds`.
    return EmulatorState.fromPersisted(json, options.stateFile, options.orgIds);
  }
  const idRng = mulberry32(options.seed ?? DEFAULT_SEED);
  return EmulatorState.seeded({
    domains: options.domains ?? ["example.com"],
    orgIds: options.orgIds ?? [DEFAULT_ORG_ID],
    seedDefaultRecords: options.seedDefaultRecords ?? true,
    records: options.records ?? {},
    // Ids look like the service's (8 digits) and differ per seed, so tests cannot hard-code them.
    firstRecordId: 40_000_000 + Math.floor(idRng() * 1_000_000),
  });
}

/** Starts an emulator listening on `options.host`:`options.port` (default 127.0.0.1, any free port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<PddEmulator> {
  validateOptions(options); // also checks `domains` against `orgIds`
  const state = loadState(options);
  const emulator = new Emulator(state, options);
  await emulator.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  try {
    emulator.persist(); // a fresh state file records the seeded ids, so a restart sees the same zone
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}

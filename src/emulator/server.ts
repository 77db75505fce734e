/**
 * The emulator itself: puts the HTTP plumbing, fault injection, the state file and the two API faces
 * (PDD under /api2/, Yandex 360 under /directory/) together over one state, and routes requests to
 * them, to the admin routes (/_emulator/) and to logo files (/logos/).
 */
import type * as http from "node:http";
import { FaultInjector } from "./faultInjection";
import type { FaultOptions } from "./faults";
import { validateFaultOptions } from "./faults";
import type { EmulatorStats, FaceHttp, RequestLogEntry } from "./httpPlumbing";
import { HttpPlumbing, MAX_FORM_BODY, readBody, sendJson, tokensEqual } from "./httpPlumbing";
import type { EmulatorOptions } from "./options";
import { checkNonNegative, DEFAULT_SEED, FAULT_ENDPOINTS, validateOptions } from "./options";
import { PddFace } from "./pdd";
import { loadState, StateFile } from "./persistence";
import type { EmulatorState, RawRecord } from "./state";
import { toRawRecord } from "./state";
import { DEFAULT_ERA } from "./wireFormat";
import { DEFAULT_YANDEX360_DNS_MAX_PER_PAGE, Yandex360Face } from "./yandex360";

export type { EmulatorOptions } from "./options";
export type { EmulatorStats, RequestLogBody, RequestLogEntry } from "./httpPlumbing";
export { API_ENDPOINTS } from "./pdd";

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

class Emulator implements PddEmulator {
  url = "";
  private readonly plumbing: HttpPlumbing;
  private readonly faults: FaultInjector;
  private readonly stateFile: StateFile;
  /** Ends pending mail checks on close. */
  private readonly abort = new AbortController();
  private readonly pdd: PddFace;
  private readonly yandex360: Yandex360Face;
  private readonly seed: number;
  private readonly token: string;
  private readonly seedDefaultRecords: boolean;

  constructor(
    private readonly state: EmulatorState,
    options: EmulatorOptions,
  ) {
    this.seed = options.seed ?? DEFAULT_SEED;
    this.token = options.token ?? "dev-token";
    this.seedDefaultRecords = options.seedDefaultRecords ?? true;
    this.stateFile = new StateFile(options.stateFile, state);
    this.plumbing = new HttpPlumbing((req, res) => this.route(req, res), options.latencyMs ?? 0);
    this.faults = new FaultInjector(this.seed, options.faults, (fault) => this.plumbing.countFault(fault));
    const shared = this.sharedHttp();
    this.pdd = new PddFace(shared, {
      era: options.era ?? DEFAULT_ERA,
      seed: this.seed,
      mailCheckTimeoutMs: options.mailCheckTimeoutMs ?? 5000,
      allowExternalMailCheck: options.allowExternalMailCheck ?? false,
      signal: this.abort.signal,
      baseUrl: () => this.url,
    });
    this.yandex360 = new Yandex360Face(shared, {
      dnsMaxPerPage: options.yandex360DnsMaxPerPage ?? DEFAULT_YANDEX360_DNS_MAX_PER_PAGE,
    });
  }

  async listen(port: number, host: string): Promise<void> {
    this.url = await this.plumbing.listen(port, host);
  }

  // ---- public API -------------------------------------------------------------------------

  close(): Promise<void> {
    this.abort.abort();
    this.faults.stop();
    return this.plumbing.close();
  }

  stats(): EmulatorStats {
    return this.plumbing.stats();
  }

  resetStats(): void {
    this.plumbing.resetStats();
  }

  setFaults(faults: FaultOptions | undefined): void {
    if (faults !== undefined) validateFaultOptions(faults, FAULT_ENDPOINTS);
    this.faults.set(faults);
  }

  setLatency(ms: number): void {
    checkNonNegative("latency", ms);
    this.plumbing.latencyMs = ms;
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
    return this.plumbing.requestLog();
  }

  clearRequestLog(): void {
    this.plumbing.clearRequestLog();
  }

  persist(): void {
    this.stateFile.save();
  }

  // ---- routing ----------------------------------------------------------------------------

  /** What both faces share: plumbing, fault injection and persistence, one instance of each. */
  private sharedHttp(): FaceHttp {
    return {
      state: this.state,
      checkToken: (token) => tokensEqual(token, this.token),
      begin: (req, res, url, endpoint) => this.plumbing.begin(req, res, url, endpoint),
      latency: () => this.plumbing.latency(),
      faultThenLatency: async (endpoint, entry) => {
        const fault = this.faults.pick(endpoint, entry);
        await this.plumbing.latency();
        return fault;
      },
      injectBeforeApplying: (fault, mutation, res, sendUnknown) =>
        this.faults.beforeApplying(fault, mutation, res, sendUnknown),
      applied: (mutated) => {
        if (!mutated) return;
        this.plumbing.countMutation();
        this.persist();
      },
      deliverFaulted: (res, fault, status, headers, payload) =>
        this.faults.afterApplying(res, fault, status, headers, payload),
      readBody: (req, limit = MAX_FORM_BODY) => readBody(req, limit),
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
      sendJson(res, 400, { success: "error", error: "bad_request" });
      return;
    }
    if (url.pathname === "/api2" || url.pathname.startsWith("/api2/")) {
      await this.pdd.handle(req, res, url);
    } else if (url.pathname === "/directory" || url.pathname.startsWith("/directory/")) {
      await this.yandex360.handle(req, res, url);
    } else if (url.pathname.startsWith("/_emulator/")) {
      this.handleAdmin(req, res, url.pathname.slice("/_emulator/".length));
    } else if (logoDomain !== undefined && (req.method === "GET" || req.method === "HEAD")) {
      this.serveLogo(req, res, logoDomain);
    } else {
      sendJson(res, 404, { success: "error", error: "not_found" });
    }
  }

  /** The emulator's own routes: no token, compact JSON shown inline. */
  private handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, route: string): void {
    const plain = { "Content-Disposition": "inline" };
    if (route === "stats" && req.method === "GET") {
      sendJson(res, 200, this.stats(), plain);
    } else if (route === "state" && req.method === "GET") {
      const domains = this.state.domainNames().map((name) => ({
        name,
        orgId: this.state.getDomain(name)!.orgId,
        records: this.records(name),
        logo: this.logo(name) ?? null,
      }));
      const body = { orgIds: this.state.orgIds(), nextRecordId: this.state.nextRecordId, domains };
      sendJson(res, 200, body, plain);
    } else if (route === "reset-stats" && req.method === "POST") {
      this.resetStats();
      sendJson(res, 200, { success: "ok" }, plain);
    } else {
      sendJson(res, 404, { success: "error", error: "not_found" }, plain);
    }
  }

  private serveLogo(req: http.IncomingMessage, res: http.ServerResponse, domain: string): void {
    const logo = this.state.getDomain(domain)?.logo;
    if (logo === undefined) {
      sendJson(res, 404, { success: "error", error: "not_found" }, { "Content-Disposition": "inline" });
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

/**
 * The HTTP plumbing both API faces share: listening and closing, sockets, reading bodies, latency,
 * sending, the request log and the statistics. Nothing here knows an endpoint.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { isIP } from "node:net";
import type { FaultKind } from "./faults";
import { FAULT_KINDS } from "./faults";
import type { EmulatorState } from "./state";

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

export type BodyResult =
  | { kind: "ok"; data: Buffer }
  | { kind: "too_big"; drained: boolean; bytes: number | null }
  | { kind: "aborted" };

/**
 * What an API face gets from the server: this plumbing plus fault injection and persistence, so
 * both faces count, log, delay, fail and save the same way.
 */
export interface FaceHttp {
  state: EmulatorState;
  checkToken(token: string): boolean;
  /** Counts the request (total, in flight, per endpoint when known) and opens its log entry. */
  begin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    endpoint: string | null,
  ): RequestLogEntry;
  /** Waits out the configured latency. */
  latency(): Promise<void>;
  /** Picks this request's fault (counted, logged), then waits out the latency. */
  faultThenLatency(endpoint: string, log: RequestLogEntry): Promise<FaultKind | null>;
  /** Faults that happen instead of processing; true when the request is done. */
  injectBeforeApplying(
    fault: FaultKind,
    mutation: boolean,
    res: http.ServerResponse,
    sendUnknown: () => void,
  ): boolean;
  /** After processing: an applied mutation is counted and on disk before its answer leaves. */
  applied(mutated: boolean): void;
  /** truncated/lost_response after processing; true when the fault took over the answer. */
  deliverFaulted(
    res: http.ServerResponse,
    fault: FaultKind | null,
    status: number,
    headers: Record<string, string>,
    payload: Buffer,
  ): boolean;
  /** Reads a body, keeping at most `limit` bytes (default MAX_FORM_BODY). */
  readBody(req: http.IncomingMessage, limit?: number): Promise<BodyResult>;
  persist(): void;
}

export const JSON_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Content-Disposition": 'attachment; filename="json.txt"',
};
export const MAX_FORM_BODY = 1024 * 1024;
/** Oversized bodies up to this size are read and discarded so the client still gets an answer. */
const DRAIN_CAP = 16 * 1024 * 1024;
const REQUEST_LOG_LIMIT = 10_000;

/** Reads a request body, keeping at most `limit` bytes in memory. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<BodyResult> {
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

export function tokensEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const digest = (value: string): Buffer => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return isIP(host) === 6 ? `[${host}]` : host;
}

function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function freshCounters(): EmulatorStats {
  return {
    requests: { total: 0, byEndpoint: {} },
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    mutationsApplied: 0,
    connections: 0,
    maxConcurrentConnections: 0,
    maxInFlight: 0,
  };
}

/** Compact JSON: the emulator's own routes (PDD answers go through the face's Python-style writer). */
export function sendJson(
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

export class HttpPlumbing {
  latencyMs: number;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private log: RequestLogEntry[] = [];
  private counters = freshCounters();
  private openConnections = 0;
  private inFlight = 0;
  private closePromise: Promise<void> | undefined;

  constructor(
    route: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
    latencyMs: number,
  ) {
    this.latencyMs = latencyMs;
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
      route(req, res).catch((error: unknown) => {
        console.error("pdd-emulator: internal error:", error);
        if (!res.headersSent && !res.destroyed) {
          sendJson(res, 500, { success: "error", error: "internal" });
        } else {
          res.destroy();
        }
      });
    });
  }

  /** Resolves to the base URL, e.g. "http://127.0.0.1:54321". */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address() as AddressInfo;
        resolve(`http://${urlHost(host)}:${address.port}`);
      });
    });
  }

  /** Stops listening and destroys every open (including hanging) socket. */
  close(): Promise<void> {
    if (this.closePromise === undefined) {
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
    this.counters = freshCounters();
    // Connections/requests already open are still concurrent after the reset.
    this.counters.maxConcurrentConnections = this.openConnections;
    this.counters.maxInFlight = this.inFlight;
  }

  countFault(fault: FaultKind): void {
    this.counters.faults[fault]++;
  }

  countMutation(): void {
    this.counters.mutationsApplied++;
  }

  requestLog(): RequestLogEntry[] {
    return structuredClone(this.log);
  }

  clearRequestLog(): void {
    this.log = [];
  }

  /** Counts an API request (total, in flight, per endpoint when it is one) and opens its log entry. */
  begin(
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

  latency(): Promise<void> {
    return this.delay(this.latencyMs);
  }

  /** A timer that close() cancels, so a closed emulator leaves nothing pending. */
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
}

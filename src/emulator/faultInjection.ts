/**
 * What an injected fault does to a request, for both faces: FaultPlanner (faults.ts) decides which
 * request gets which fault; this class carries it out on the socket, before or after processing.
 */
import type * as http from "node:http";
import type { Socket } from "node:net";
import type { FaultKind, FaultOptions } from "./faults";
import { FaultPlanner } from "./faults";
import type { RequestLogEntry } from "./httpPlumbing";

function html5xx(status: 502 | 503): string {
  const title = status === 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable";
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

function resetSocket(socket: Socket | null): void {
  if (socket === null || socket.destroyed) return;
  try {
    socket.resetAndDestroy(); // RST, like a middlebox dropping the connection
  } catch {
    socket.destroy();
  }
}

export class FaultInjector {
  private planner: FaultPlanner | undefined;
  /** Alternates 502 and 503 across the emulator's life, whatever the fault options. */
  private http5xxCount = 0;
  private readonly hangs = new Set<NodeJS.Timeout>();

  /** `onFault` counts each injected fault in the statistics. */
  constructor(
    private readonly seed: number,
    faults: FaultOptions | undefined,
    private readonly onFault: (fault: FaultKind) => void,
  ) {
    this.set(faults);
  }

  /** Options must already be validated (validateFaultOptions). */
  set(faults: FaultOptions | undefined): void {
    this.planner = faults === undefined ? undefined : new FaultPlanner(faults, this.seed);
  }

  /** The request's fault, or null; counted and written to its log entry. */
  pick(endpoint: string, entry: RequestLogEntry): FaultKind | null {
    const fault = this.planner?.pick(endpoint) ?? null;
    entry.fault = fault;
    if (fault !== null) this.onFault(fault);
    return fault;
  }

  /**
   * Faults that happen instead of processing. Returns true when the request is done.
   * `sendUnknown` writes the face's own "unknown error" answer.
   */
  beforeApplying(
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
          this.hangs.delete(timer);
          socket?.destroy();
        }, this.planner?.hangMs ?? 0);
        this.hangs.add(timer);
        return true;
      }
      case "lost_response":
        // On reads there is nothing to lose but the answer: same as a reset.
        if (mutation) return false;
        resetSocket(socket);
        return true;
      case "reset":
        resetSocket(socket);
        return true;
      case "truncated":
        return false;
    }
  }

  /**
   * Faults that strike after processing: `truncated` (full Content-Length, half the bytes, then the
   * socket goes away) and `lost_response` (the socket goes away). True when the fault took over.
   */
  afterApplying(
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

  /** Cancels pending hangs (their sockets are destroyed by the server's close). */
  stop(): void {
    for (const timer of this.hangs) clearTimeout(timer);
    this.hangs.clear();
  }
}

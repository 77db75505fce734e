/**
 * The real work behind `import/check_settings`: connect to the mail server the way the import
 * robot would and wait for the protocol greeting. Only loopback targets are reachable unless the
 * caller opts in, because the emulator runs on developer machines and CI that must not probe
 * arbitrary hosts.
 */
import { isIP, Socket } from "node:net";
import * as tls from "node:tls";

export type MailProtocol = "imap" | "pop3";

export interface MailCheckRequest {
  server: string;
  port: number;
  protocol: MailProtocol;
  ssl: boolean;
  timeoutMs: number;
  allowExternal: boolean;
  /** Aborts the check (the emulator is shutting down). */
  signal?: AbortSignal;
}

export type MailCheckFailure = "not_allowed" | "refused" | "timeout" | "tls" | "bad_greeting" | "aborted";

export type MailCheckResult =
  { ok: true; greeting: string } | { ok: false; reason: MailCheckFailure; detail: string };

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.toLowerCase().replace(/^::ffff:/, "");
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1" || plain === "0:0:0:0:0:0:0:1";
}

/** Greeting lines that mean "a server of this protocol is ready" (RFC 3501 §7.1, RFC 1939 §4). */
function greetingMatches(protocol: MailProtocol, line: string): boolean {
  return protocol === "imap" ? /^\* (OK|PREAUTH)\b/i.test(line) : /^\+OK\b/.test(line);
}

const MAX_GREETING_BYTES = 1024;

export function checkMailServer(request: MailCheckRequest): Promise<MailCheckResult> {
  const host = request.server.replace(/^\[(.*)\]$/, "$1");
  const isLocalName = host.toLowerCase() === "localhost";
  if (!request.allowExternal && !isLocalName && !(isIP(host) !== 0 && isLoopbackAddress(host))) {
    // Refused before any traffic (not even a DNS lookup) leaves the machine.
    return Promise.resolve({
      ok: false,
      reason: "not_allowed",
      detail: `${request.server} is not a loopback address (set allowExternalMailCheck to reach it)`,
    });
  }
  if (request.signal?.aborted) {
    return Promise.resolve({ ok: false, reason: "aborted", detail: "emulator is closing" });
  }

  return new Promise<MailCheckResult>((resolve) => {
    let settled = false;
    let received = Buffer.alloc(0);
    // "localhost" may resolve to ::1 and 127.0.0.1; try both like a dual-stack client.
    const tcp = { host, port: request.port, autoSelectFamily: true };
    const socket: Socket = request.ssl
      ? tls.connect({
          ...tcp,
          // Import targets often use self-signed certificates; the robot only checks that TLS works.
          rejectUnauthorized: false,
          ...(isIP(host) === 0 ? { servername: host } : {}),
        })
      : new Socket().connect(tcp);

    const finish = (result: MailCheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      socket.removeAllListeners("data");
      if (result.ok) {
        // Leave politely so real servers do not log an aborted session.
        socket.end(request.protocol === "imap" ? "a1 LOGOUT\r\n" : "QUIT\r\n");
        socket.setTimeout(1000, () => socket.destroy());
      } else {
        socket.destroy();
      }
      resolve(result);
    };
    const onAbort = (): void => finish({ ok: false, reason: "aborted", detail: "emulator is closing" });
    request.signal?.addEventListener("abort", onAbort);

    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          reason: "timeout",
          detail: `no greeting from ${request.server}:${request.port} within ${request.timeoutMs} ms`,
        }),
      request.timeoutMs,
    );

    socket.once(request.ssl ? "secureConnect" : "connect", () => {
      if (!request.allowExternal && socket.remoteAddress && !isLoopbackAddress(socket.remoteAddress)) {
        // "localhost" resolving to a non-loopback address is a misconfigured host; do not talk to it.
        finish({ ok: false, reason: "not_allowed", detail: `${host} resolved to ${socket.remoteAddress}` });
      }
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const newline = received.indexOf(0x0a);
      if (newline < 0 && received.length < MAX_GREETING_BYTES) return;
      const line = received
        .subarray(0, newline < 0 ? MAX_GREETING_BYTES : newline)
        .toString("latin1")
        .replace(/\r$/, "");
      finish(
        greetingMatches(request.protocol, line)
          ? { ok: true, greeting: line }
          : { ok: false, reason: "bad_greeting", detail: `unexpected greeting ${JSON.stringify(line)}` },
      );
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      const isTlsError = request.ssl && error.code !== "ECONNREFUSED" && error.code !== "ECONNRESET";
      finish({
        ok: false,
        reason: isTlsError ? "tls" : "refused",
        detail: `${request.server}:${request.port}: ${error.message}`,
      });
    });
    socket.on("close", () =>
      finish({
        ok: false,
        reason: "refused",
        detail: `${request.server}:${request.port} closed the connection`,
      }),
    );
  });
}

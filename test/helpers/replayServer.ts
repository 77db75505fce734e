/**
 * A real HTTP server on 127.0.0.1 that answers with scripted (or recorded) PDD responses, records
 * every request it receives, and misbehaves on demand (HTML 502, non-JSON, truncated body, reset,
 * hang, 429/503 with Retry-After).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Response } from "undici";

export interface ReceivedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface ReceivedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Form fields: url-encoded body or the text parts of a multipart body. */
  body: Record<string, string>;
  /** File parts of a multipart body, by field name. */
  files: Record<string, ReceivedFile>;
  rawBody: Buffer;
  headers: http.IncomingHttpHeaders;
}

export type Reply =
  | { kind: "json"; body: unknown; status?: number; contentType?: string; headers?: Record<string, string> }
  | { kind: "text"; body: string; status?: number; contentType?: string; headers?: Record<string, string> }
  /** An nginx-style HTML error page with status 502. */
  | { kind: "html502" }
  /** Declares a Content-Length larger than the body it sends, then closes the socket. */
  | { kind: "truncated"; body?: string; declaredLength?: number }
  /** Resets the TCP connection (RST) once the request has been read. */
  | { kind: "reset" }
  /** Reads the request and never answers. */
  | { kind: "hang" }
  /** Status with an optional Retry-After header and JSON or text body. */
  | { kind: "status"; status: number; retryAfter?: string; body?: string };

export type Handler = (req: ReceivedRequest) => Reply | Promise<Reply>;

export interface ReplayServer {
  /** Base URL, e.g. "http://127.0.0.1:34567". */
  readonly url: string;
  /** Requests received so far, in order. */
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Replies served in order, one per request; the fallback answers once they run out. */
  enqueue(...replies: Reply[]): void;
  /** Scripted replies not yet used. */
  pending(): number;
  setFallback(handler: Handler): void;
  close(): Promise<void>;
}

/** The live service's download-style header: the body is JSON whatever the Content-Type says. */
export const PDD_DISPOSITION = 'attachment; filename="json.txt"';

export const NGINX_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** A JSON reply with the live service's headers. */
export function jsonReply(body: unknown, contentType = "application/json; charset=utf-8"): Reply {
  return { kind: "json", body, contentType };
}

/** The reply recorded for one interaction of a recording. */
export function recordedReply(response: { status: number; contentType: string; body: unknown }): Reply {
  return { kind: "json", status: response.status, contentType: response.contentType, body: response.body };
}

async function parseRequest(req: http.IncomingMessage, rawBody: Buffer): Promise<ReceivedRequest> {
  const url = new URL(req.url ?? "/", "http://replay.invalid");
  const body: Record<string, string> = {};
  const files: Record<string, ReceivedFile> = {};
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(rawBody.toString("utf8"))) body[k] = v;
  } else if (contentType.startsWith("multipart/form-data")) {
    // undici's Response implements the multipart parser the fetch spec requires.
    const form = await new Response(rawBody, { headers: { "content-type": contentType } }).formData();
    for (const [k, v] of form.entries()) {
      if (typeof v === "string") body[k] = v;
      else files[k] = { filename: v.name, contentType: v.type, data: Buffer.from(await v.arrayBuffer()) };
    }
  }
  return {
    method: req.method ?? "",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body,
    files,
    rawBody,
    headers: req.headers,
  };
}

function send(res: http.ServerResponse, reply: Reply): void {
  switch (reply.kind) {
    case "json":
    case "text": {
      const payload = reply.kind === "json" ? JSON.stringify(reply.body) : reply.body;
      res.writeHead(reply.status ?? 200, {
        "content-type":
          reply.contentType ?? (reply.kind === "json" ? "application/json; charset=utf-8" : "text/plain"),
        "content-disposition": PDD_DISPOSITION,
        "content-length": Buffer.byteLength(payload),
        ...reply.headers,
      });
      res.end(payload);
      return;
    }
    case "html502":
      res.writeHead(502, { "content-type": "text/html", "content-length": Buffer.byteLength(NGINX_502) });
      res.end(NGINX_502);
      return;
    case "truncated": {
      const partial = reply.body ?? '{"success":"ok","record":{"record_id":';
      res.writeHead(200, {
        "content-type": "application/json",
        "content-disposition": PDD_DISPOSITION,
        "content-length": reply.declaredLength ?? Buffer.byteLength(partial) + 500,
      });
      res.write(partial);
      // Give the partial body time to leave before the socket goes away.
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    case "reset":
      res.socket?.resetAndDestroy();
      return;
    case "hang":
      return;
    case "status": {
      const payload = reply.body ?? "";
      res.writeHead(reply.status, {
        "content-type": "text/plain",
        "content-length": Buffer.byteLength(payload),
        ...(reply.retryAfter !== undefined ? { "retry-after": reply.retryAfter } : {}),
      });
      res.end(payload);
      return;
    }
  }
}

export async function startReplayServer(options: { fallback?: Handler } = {}): Promise<ReplayServer> {
  const queue: Reply[] = [];
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  let fallback: Handler =
    options.fallback ??
    ((req) => ({
      kind: "text",
      status: 500,
      body: `replay server: no scripted reply left for ${req.method} ${req.path}`,
    }));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const received = await parseRequest(req, Buffer.concat(chunks));
        requests.push(received);
        const reply = queue.shift() ?? (await fallback(received));
        send(res, reply);
      })().catch((err: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`replay server failed: ${String(err)}`);
      });
    });
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    pending() {
      return queue.length;
    },
    setFallback(handler) {
      fallback = handler;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging and idle keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}

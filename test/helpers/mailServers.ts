/**
 * Tiny real IMAP/POP3 "greeting" servers for exercising import/check_settings over loopback:
 * they send the protocol greeting, answer LOGOUT/QUIT and nothing else.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export type GreetingProtocol = "imap" | "pop3";

export interface GreetingServer {
  host: string;
  port: number;
  /** Connections accepted so far (shows the check really connected). */
  connections(): number;
  close(): Promise<void>;
}

const GREETINGS: Record<GreetingProtocol, string> = {
  imap: "* OK IMAP4rev1 ready\r\n",
  pop3: "+OK POP3 ready\r\n",
};

let certificate: Promise<{ key: Buffer; cert: Buffer }> | undefined;

/** A throw-away self-signed certificate made with the openssl CLI (once per test process). */
export function selfSignedCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  certificate ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pdd-mail-cert-"));
    try {
      const keyFile = path.join(dir, "key.pem");
      const certFile = path.join(dir, "cert.pem");
      await execFileAsync("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-days",
        "1",
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ]);
      return { key: await readFile(keyFile), cert: await readFile(certFile) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return certificate;
}

function serve(socket: net.Socket, protocol: GreetingProtocol): void {
  socket.on("error", () => socket.destroy());
  socket.write(GREETINGS[protocol]);
  socket.on("data", (chunk: Buffer) => {
    const line = chunk.toString("latin1").trim().toUpperCase();
    if (line.endsWith("LOGOUT")) socket.end("* BYE logging out\r\na1 OK LOGOUT completed\r\n");
    else if (line === "QUIT") socket.end("+OK bye\r\n");
  });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

export async function startGreetingServer(options: {
  protocol: GreetingProtocol;
  tls: boolean;
}): Promise<GreetingServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const track = (socket: net.Socket): void => {
    connections++;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  let server: net.Server;
  if (options.tls) {
    const { key, cert } = await selfSignedCertificate();
    server = tls.createServer({ key, cert }, (socket) => serve(socket, options.protocol));
    // Count at TCP level so a failed handshake still shows that something connected.
    server.on("connection", track);
    server.on("tlsClientError", () => undefined);
  } else {
    server = net.createServer((socket) => {
      track(socket);
      serve(socket, options.protocol);
    });
  }
  const port = await listen(server);
  return {
    host: "127.0.0.1",
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts connections and never says anything (for timeouts). */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: bound by us, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

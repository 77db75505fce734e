import { Agent, request } from "undici";
import type { FaultKind, FaultOptions, PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import { TOKEN } from "./apiClient";

const DOMAIN = "example.com";

type Observation =
  | { kind: "answer"; status: number; contentType: string | undefined; body: string }
  | { kind: "body_error"; status: number; message: string }
  | { kind: "request_error"; message: string; elapsedMs: number };

/** Sends one request and reports what a client sees, whatever goes wrong. */
async function observe(
  emu: PddEmulator,
  agent: Agent,
  endpoint: string,
  params: Record<string, string>,
): Promise<Observation> {
  const search = new URLSearchParams(params).toString();
  const isGet = endpoint === "dns/list";
  const started = Date.now();
  let response;
  try {
    response = await request(`${emu.url}/api2/admin/${endpoint}${isGet ? `?${search}` : ""}`, {
      method: isGet ? "GET" : "POST",
      headers: { PddToken: TOKEN, ...(isGet ? {} : { "content-type": "application/x-www-form-urlencoded" }) },
      body: isGet ? undefined : search,
      dispatcher: agent,
    });
  } catch (error) {
    return {
      kind: "request_error",
      message: (error as Error).message,
      elapsedMs: Date.now() - started,
    };
  }
  try {
    const body = await response.body.text();
    const contentType = response.headers["content-type"];
    return {
      kind: "answer",
      status: response.statusCode,
      contentType: typeof contentType === "string" ? contentType : undefined,
      body,
    };
  } catch (error) {
    return { kind: "body_error", status: response.statusCode, message: (error as Error).message };
  }
}

describe("fault injection", () => {
  let emu: PddEmulator;
  let agent: Agent;
  let counter = 0;

  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN] });
    agent = new Agent();
  });
  afterEach(async () => {
    await emu.close();
    await agent.close();
  });

  const addParams = (): Record<string, string> => ({
    domain: DOMAIN,
    type: "TXT",
    subdomain: `fault${++counter}`,
    content: "x",
  });
  const hasRecord = (subdomain: string): boolean =>
    emu.records(DOMAIN).some((r) => r.subdomain === subdomain);

  function only(kind: FaultKind, extra: Partial<FaultOptions> = {}): void {
    emu.setFaults({ rate: 1, kinds: { [kind]: 1 }, hangMs: 300, ...extra });
  }

  test("http_5xx: an nginx-style HTML 502/503 page; nothing applied", async () => {
    only("http_5xx");
    const params = addParams();
    const first = await observe(emu, agent, "dns/add", params);
    const second = await observe(emu, agent, "dns/list", { domain: DOMAIN });
    expect(first).toMatchObject({ kind: "answer", status: 502, contentType: "text/html" });
    expect(second).toMatchObject({ kind: "answer", status: 503, contentType: "text/html" });
    expect((first as { body: string }).body).toContain("<h1>502 Bad Gateway</h1>");
    expect(hasRecord(params.subdomain!)).toBe(false);
    expect(emu.stats().faults.http_5xx).toBe(2);
    expect(emu.stats().mutationsApplied).toBe(0);
  });

  test("reset: the connection is reset before anything is applied", async () => {
    only("reset");
    const params = addParams();
    const seen = await observe(emu, agent, "dns/add", params);
    expect(seen.kind).toBe("request_error");
    expect(hasRecord(params.subdomain!)).toBe(false);
    expect((await observe(emu, agent, "dns/list", { domain: DOMAIN })).kind).toBe("request_error");
    expect(emu.stats().faults.reset).toBe(2);
  });

  test("hang: the socket is held without an answer for hangMs, then dropped; nothing applied", async () => {
    only("hang");
    const params = addParams();
    const seen = await observe(emu, agent, "dns/add", params);
    expect(seen.kind).toBe("request_error");
    expect((seen as { elapsedMs: number }).elapsedMs).toBeGreaterThanOrEqual(250);
    expect(hasRecord(params.subdomain!)).toBe(false);
    expect(emu.stats().faults.hang).toBe(1);
  });

  test("truncated: a mutation is applied, then the JSON is cut in half under the full Content-Length", async () => {
    only("truncated");
    const params = addParams();
    const seen = await observe(emu, agent, "dns/add", params);
    expect(seen).toMatchObject({ kind: "body_error", status: 200 });
    expect(hasRecord(params.subdomain!)).toBe(true);
    expect(emu.stats().mutationsApplied).toBe(1);

    // Reads are just truncated; a raw look shows half of the promised bytes.
    const raw = await rawExchange(emu, `/api2/admin/dns/list?domain=${DOMAIN}`);
    const [head, body] = splitHttp(raw);
    const length = Number(/content-length: (\d+)/i.exec(head)![1]);
    expect(body.length).toBe(Math.floor(length / 2));
    expect(() => JSON.parse(body.toString())).toThrow();
  });

  test("unknown: answers {success:error, error:unknown}; nothing applied", async () => {
    only("unknown");
    const params = addParams();
    const seen = await observe(emu, agent, "dns/add", params);
    expect(seen).toMatchObject({
      kind: "answer",
      status: 200,
      contentType: "application/json; charset=utf-8",
    });
    expect(JSON.parse((seen as { body: string }).body)).toEqual({ success: "error", error: "unknown" });
    expect(hasRecord(params.subdomain!)).toBe(false);
  });

  test("lost_response: a mutation is applied but no answer arrives; on reads it is a reset", async () => {
    only("lost_response");
    const params = addParams();
    const seen = await observe(emu, agent, "dns/add", params);
    expect(seen.kind).toBe("request_error");
    expect(hasRecord(params.subdomain!)).toBe(true);
    expect(emu.stats().mutationsApplied).toBe(1);
    expect((await observe(emu, agent, "dns/list", { domain: DOMAIN })).kind).toBe("request_error");
    expect(emu.stats().faults.lost_response).toBe(2);
  });

  test("endpoints restricts faults to the listed endpoints; setFaults(undefined) turns them off", async () => {
    only("unknown", { endpoints: ["dns/add"] });
    const list = await observe(emu, agent, "dns/list", { domain: DOMAIN });
    expect(JSON.parse((list as { body: string }).body).success).toBe("ok");
    const add = await observe(emu, agent, "dns/add", addParams());
    expect(JSON.parse((add as { body: string }).body).error).toBe("unknown");
    emu.setFaults(undefined);
    const params = addParams();
    const clean = await observe(emu, agent, "dns/add", params);
    expect(JSON.parse((clean as { body: string }).body).success).toBe("ok");
    expect(emu.requestLog().map((entry) => entry.fault)).toEqual([null, "unknown", null]);
  });

  test("a seeded rate of 0.3 gives the same fault sequence on every run", async () => {
    const run = async (seed: number): Promise<Array<string | null>> => {
      const faulty = await startEmulator({ domains: [DOMAIN], faults: { rate: 0.3, seed, hangMs: 50 } });
      const client = new Agent();
      try {
        for (let i = 0; i < 40; i++) {
          const params = { domain: DOMAIN, type: "TXT", subdomain: `seq${i}`, content: "x" };
          await observe(faulty, client, i % 2 === 0 ? "dns/add" : "dns/list", params);
        }
        const log = faulty.requestLog();
        expect(log).toHaveLength(40);
        const stats = faulty.stats();
        const injected = log.filter((entry) => entry.fault !== null).length;
        expect(Object.values(stats.faults).reduce((a, b) => a + b, 0)).toBe(injected);
        return log.map((entry) => entry.fault);
      } finally {
        await faulty.close();
        await client.close();
      }
    };
    const first = await run(42);
    const second = await run(42);
    expect(second).toEqual(first);
    const faults = first.filter((fault) => fault !== null);
    expect(faults.length).toBeGreaterThan(3);
    expect(faults.length).toBeLessThan(25);
    expect(new Set(faults).size).toBeGreaterThan(2);
    expect(await run(43)).not.toEqual(first);
  });

  test("bad fault options are refused up front", async () => {
    await expect(startEmulator({ faults: { rate: 1.5 } })).rejects.toThrow(/rate/);
    await expect(startEmulator({ faults: { rate: 0.5, kinds: { boom: 1 } as never } })).rejects.toThrow(
      /boom/,
    );
    await expect(startEmulator({ faults: { rate: 0.5, endpoints: ["dns/lsit"] } })).rejects.toThrow(
      /dns\/lsit/,
    );
    expect(() => emu.setFaults({ rate: 0.5, kinds: { reset: -1 } })).toThrow(/reset/);
  });
});

/** One HTTP/1.1 exchange over a raw socket, returning every byte the server sent before closing. */
async function rawExchange(emu: PddEmulator, path: string): Promise<Buffer> {
  const { connect } = await import("node:net");
  const url = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nPddToken: ${TOKEN}\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

function splitHttp(raw: Buffer): [string, Buffer] {
  const end = raw.indexOf("\r\n\r\n");
  return [raw.subarray(0, end).toString(), raw.subarray(end + 4)];
}

import { Agent, errors as undiciErrors } from "undici";
import {
  PddApiError,
  PddConfigError,
  PddResponseValidationError,
  PddTransportError,
  backoffDelay,
  isRetriable,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDelay,
} from "../../src/client";
import type { PddClientEvent } from "../../src/client";
import { PddClient } from "../../src/client";
import { classifyRequestError } from "../../src/client/transport";
import { jsonReply } from "../helpers/replayServer";
import type { Rig } from "./support";
import { FAST_RETRY, rejectionOf, startRig } from "./support";

const LIST_OK = { success: "ok", domain: "example.com", records: [] };
const ADD_OK = {
  success: "ok",
  domain: "example.com",
  record: {
    record_id: 77,
    domain: "example.com",
    type: "A",
    subdomain: "www",
    fqdn: "www.example.com",
    content: "192.0.2.7",
    ttl: 3600,
    priority: "",
  },
};
const ADD = { domain: "example.com", type: "A" as const, subdomain: "www", content: "192.0.2.7", ttl: 3600 };

function transportError(code: PddTransportError["code"], outcomeUnknown: boolean, status?: number) {
  return new PddTransportError("x", {
    code,
    endpoint: "dns/add",
    outcomeUnknown,
    ...(status !== undefined ? { status } : {}),
    cause: {},
  });
}

describe("backoff and Retry-After", () => {
  const policy = { retries: 3, minDelayMs: 100, maxDelayMs: 1000 };

  test("full jitter: uniform below a ceiling that doubles per attempt and is capped", () => {
    expect(backoffDelay(1, policy, () => 0.5)).toBe(50);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(100);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(10, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(10, policy, () => 0.999999)).toBeLessThan(1000);
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
  });

  test("Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2024-01-01T00:00:00Z");
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("1", now)).toBe(1000);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("Mon, 01 Jan 2024 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sun, 31 Dec 2023 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-3", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  test("Retry-After wins on 429/503, capped at 4× maxDelayMs; other statuses use backoff", () => {
    const limited = new PddTransportError("x", {
      code: "http_status",
      endpoint: "dns/list",
      status: 429,
      retryAfterMs: 60_000,
      outcomeUnknown: false,
      cause: {},
    });
    expect(retryDelay(limited, 1, policy, () => 0.5)).toBe(4000);
    const unavailable = new PddTransportError("x", {
      code: "http_status",
      endpoint: "dns/list",
      status: 503,
      retryAfterMs: 1500,
      outcomeUnknown: true,
      cause: {},
    });
    expect(retryDelay(unavailable, 1, policy, () => 0.5)).toBe(1500);
    expect(retryDelay(transportError("connection_reset", true), 2, policy, () => 0.5)).toBe(100);
  });

  test("retry options are validated", () => {
    expect(resolveRetryPolicy(undefined)).toEqual({ retries: 3, minDelayMs: 200, maxDelayMs: 5000 });
    expect(() => resolveRetryPolicy({ retries: -1 })).toThrow(PddConfigError);
    expect(() => resolveRetryPolicy({ minDelayMs: 1.5 })).toThrow(PddConfigError);
    expect(() => resolveRetryPolicy({ minDelayMs: 50, maxDelayMs: 10 })).toThrow(PddConfigError);
  });
});

describe("isRetriable", () => {
  const connectTimeout = classifyRequestError(new undiciErrors.ConnectTimeoutError(), "dns/add", "t");
  const headersTimeout = classifyRequestError(new undiciErrors.HeadersTimeoutError(), "dns/add", "t");
  const socketClosed = classifyRequestError(
    new undiciErrors.SocketError("other side closed"),
    "dns/add",
    "t",
  );
  const refused = classifyRequestError(
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
      syscall: "connect",
    }),
    "dns/add",
    "t",
  );
  const dnsFailure = classifyRequestError(
    Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND", syscall: "getaddrinfo" }),
    "dns/add",
    "t",
  );

  test("undici failures are classified by whether anything was sent", () => {
    expect(connectTimeout).toMatchObject({ code: "timeout", outcomeUnknown: false });
    expect(refused).toMatchObject({ code: "connection_refused", outcomeUnknown: false });
    expect(dnsFailure).toMatchObject({ code: "network", outcomeUnknown: false });
    expect(headersTimeout).toMatchObject({ code: "timeout", outcomeUnknown: true });
    expect(socketClosed).toMatchObject({ code: "connection_reset", outcomeUnknown: true });
  });

  test("mutations: only when the request certainly had no effect", () => {
    expect(isRetriable(refused, false)).toBe(true);
    expect(isRetriable(connectTimeout, false)).toBe(true);
    expect(isRetriable(transportError("http_status", false, 429), false)).toBe(true);
    expect(isRetriable(new PddApiError("dns/add", "unknown"), false)).toBe(true);

    expect(isRetriable(headersTimeout, false)).toBe(false);
    expect(isRetriable(socketClosed, false)).toBe(false);
    expect(isRetriable(dnsFailure, false)).toBe(false);
    expect(isRetriable(transportError("http_status", true, 503), false)).toBe(false);
    expect(isRetriable(transportError("truncated_body", true, 200), false)).toBe(false);
    expect(isRetriable(transportError("invalid_json", true, 200), false)).toBe(false);
    expect(isRetriable(new PddApiError("dns/add", "record_exists"), false)).toBe(false);
    expect(isRetriable(new PddResponseValidationError("dns/add", []), false)).toBe(false);
  });

  test("idempotent calls: any transport failure, 5xx, 429 and `unknown`, but not 4xx or validation", () => {
    for (const e of [refused, connectTimeout, headersTimeout, socketClosed, dnsFailure]) {
      expect(isRetriable(e, true)).toBe(true);
    }
    expect(isRetriable(transportError("http_status", true, 503), true)).toBe(true);
    expect(isRetriable(transportError("http_status", false, 429), true)).toBe(true);
    expect(isRetriable(transportError("invalid_json", true, 200), true)).toBe(true);
    expect(isRetriable(new PddApiError("dns/list", "unknown"), true)).toBe(true);
    expect(isRetriable(transportError("http_status", false, 404), true)).toBe(false);
    expect(isRetriable(new PddApiError("dns/list", "no_such_domain"), true)).toBe(false);
    expect(isRetriable(new PddResponseValidationError("dns/list", []), true)).toBe(false);
    expect(isRetriable(new Error("plain"), true)).toBe(false);
  });
});

describe("retries against a live server", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ requestTimeoutMs: 300 });
  });
  afterEach(() => rig.close());

  const retryEvents = () =>
    rig.events.filter((e): e is Extract<PddClientEvent, { type: "retry" }> => e.type === "retry");

  test("GET after 503 with Retry-After: 0 is retried once and succeeds", async () => {
    rig.server.enqueue({ kind: "status", status: 503, retryAfter: "0" }, jsonReply(LIST_OK));
    await expect(rig.client.listRecords("example.com")).resolves.toEqual([]);
    expect(rig.server.requests).toHaveLength(2);
    expect(retryEvents()).toEqual([
      {
        type: "retry",
        endpoint: "dns/list",
        method: "GET",
        attempt: 1,
        delayMs: 0,
        code: "http_status",
        status: 503,
      },
    ]);
    expect(rig.client.stats()).toEqual({ requests: 2, retries: 1, byEndpoint: { "dns/list": 2 } });
  });

  test("Retry-After: 1 is honoured up to the cap (4 × maxDelayMs = 80 ms here)", async () => {
    rig.server.enqueue({ kind: "status", status: 503, retryAfter: "1" }, jsonReply(LIST_OK));
    await rig.client.listRecords("example.com");
    expect(rig.server.requests).toHaveLength(2);
    expect(retryEvents().map((e) => e.delayMs)).toEqual([80]);
  });

  test("GET gives up after `retries` extra attempts with the last error", async () => {
    rig.server.enqueue({ kind: "html502" }, { kind: "reset" }, { kind: "truncated" }, { kind: "html502" });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toMatchObject({ code: "http_status", status: 502 });
    expect(rig.server.requests).toHaveLength(4);
    expect(retryEvents().map((e) => e.code)).toEqual(["http_status", "connection_reset", "truncated_body"]);
    expect(rig.events.filter((e) => e.type === "error")).toHaveLength(1);
  });

  test("GET is retried after a hang (headers timeout)", async () => {
    rig.server.enqueue({ kind: "hang" }, jsonReply(LIST_OK));
    await expect(rig.client.listRecords("example.com")).resolves.toEqual([]);
    expect(rig.server.requests).toHaveLength(2);
  });

  test("dns/add that hits a reset is sent once and reports an unknown outcome", async () => {
    rig.server.enqueue({ kind: "reset" });
    const err = await rejectionOf(rig.client.addRecord(ADD));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "connection_reset", outcomeUnknown: true, endpoint: "dns/add" });
    expect(rig.server.requests).toHaveLength(1);
    expect(retryEvents()).toHaveLength(0);
  });

  test("dns/add with a truncated body is sent once and reports an unknown outcome", async () => {
    rig.server.enqueue({ kind: "truncated" });
    const err = await rejectionOf(rig.client.addRecord(ADD));
    expect(err).toMatchObject({ code: "truncated_body", outcomeUnknown: true });
    expect(rig.server.requests).toHaveLength(1);
  });

  test("dns/add that gets a 502, a hang or non-JSON is never re-sent", async () => {
    for (const reply of [{ kind: "html502" }, { kind: "hang" }, { kind: "text", body: "oops" }] as const) {
      const before = rig.server.requests.length;
      rig.server.enqueue(reply);
      const err = await rejectionOf(rig.client.addRecord(ADD));
      expect(err).toBeInstanceOf(PddTransportError);
      expect((err as PddTransportError).outcomeUnknown).toBe(true);
      expect(rig.server.requests.length - before).toBe(1);
    }
  });

  test("dns/add that gets the `unknown` API error is retried", async () => {
    rig.server.enqueue(jsonReply({ success: "error", error: "unknown" }), jsonReply(ADD_OK));
    await expect(rig.client.addRecord(ADD)).resolves.toMatchObject({ recordId: 77 });
    expect(rig.server.requests).toHaveLength(2);
    expect(rig.server.requests[1].body).toEqual(rig.server.requests[0].body);
    expect(retryEvents().map((e) => e.code)).toEqual(["unknown"]);
  });

  test("429 is honoured for a mutation: Retry-After then the same request again", async () => {
    rig.server.enqueue({ kind: "status", status: 429, retryAfter: "0" }, jsonReply(ADD_OK));
    await expect(rig.client.addRecord(ADD)).resolves.toMatchObject({ recordId: 77 });
    expect(rig.server.requests).toHaveLength(2);
    expect(retryEvents()[0]).toMatchObject({ status: 429, delayMs: 0 });
  });

  test("a mutation that is rate limited every time fails with http_status 429, outcome known", async () => {
    for (let i = 0; i < 4; i++) rig.server.enqueue({ kind: "status", status: 429, retryAfter: "0" });
    const err = await rejectionOf(rig.client.deleteRecord("example.com", 9));
    expect(err).toMatchObject({ code: "http_status", status: 429, outcomeUnknown: false });
    expect(rig.server.requests).toHaveLength(4);
  });

  test("import/check_settings changes nothing, so it is retried like a GET", async () => {
    rig.server.enqueue({ kind: "reset" }, jsonReply({ success: "ok" }));
    await expect(
      rig.client.checkImportSettings({
        domain: "example.com",
        server: "imap.example.net",
        method: "imap",
        port: 993,
        ssl: true,
      }),
    ).resolves.toMatchObject({ server: "imap.example.net" });
    expect(rig.server.requests).toHaveLength(2);
  });

  test("logo/set is re-sent byte for byte after a 429", async () => {
    rig.server.enqueue({ kind: "status", status: 429, retryAfter: "0" }, jsonReply({ success: "ok" }));
    await rig.client.setLogo("example.com", Buffer.from([1, 2, 3, 4]), "image/png");
    expect(rig.server.requests).toHaveLength(2);
    expect(rig.server.requests[1].rawBody.equals(rig.server.requests[0].rawBody)).toBe(true);
    expect(rig.server.requests[1].files.file.data).toEqual(Buffer.from([1, 2, 3, 4]));
  });

  test("no retries when retries is 0", async () => {
    const client = new PddClient({ token: "t", endpoint: rig.server.url, retry: { retries: 0 } });
    try {
      rig.server.enqueue({ kind: "status", status: 503, retryAfter: "0" });
      await expect(client.listRecords("example.com")).rejects.toMatchObject({ status: 503 });
      expect(rig.server.requests).toHaveLength(1);
      expect(client.stats().retries).toBe(0);
    } finally {
      await client.close();
    }
  });
});

describe("retries when nothing reaches the server", () => {
  test("connect timeouts are retried even for dns/add, then reported with outcome known", async () => {
    // A connector that fails like undici's own connect timeout: the real pool/agent machinery runs.
    let connects = 0;
    const agent = new Agent({
      connect: (_opts, callback) => {
        connects++;
        setImmediate(() => callback(new undiciErrors.ConnectTimeoutError(), null));
      },
    });
    const events: PddClientEvent[] = [];
    const client = new PddClient({
      token: "t",
      endpoint: "http://127.0.0.1:9",
      dispatcher: agent,
      retry: { ...FAST_RETRY, retries: 2 },
      onEvent: (e) => events.push(e),
    });
    try {
      const err = await rejectionOf(client.addRecord(ADD));
      expect(err).toBeInstanceOf(PddTransportError);
      expect(err).toMatchObject({ code: "timeout", outcomeUnknown: false });
      expect(connects).toBe(3);
      expect(events.filter((e) => e.type === "retry")).toHaveLength(2);
      expect(client.stats()).toEqual({ requests: 3, retries: 2, byEndpoint: { "dns/add": 3 } });
    } finally {
      await client.close();
      await agent.close();
    }
  });

  test("connection refused is retried for a mutation", async () => {
    const rig = await startRig();
    const url = rig.server.url;
    await rig.close();
    const events: PddClientEvent[] = [];
    const client = new PddClient({
      token: "t",
      endpoint: url,
      retry: FAST_RETRY,
      onEvent: (e) => events.push(e),
    });
    try {
      const err = await rejectionOf(client.deleteRecord("example.com", 3));
      expect(err).toMatchObject({ code: "connection_refused", outcomeUnknown: false });
      expect(events.filter((e) => e.type === "request")).toHaveLength(4);
      expect(events.filter((e) => e.type === "retry")).toHaveLength(3);
    } finally {
      await client.close();
    }
  });
});

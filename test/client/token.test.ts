/**
 * The token must never leak through an error or an event, even when a server echoes it back in
 * whatever it answers.
 */
import { PddError, PddResponseValidationError, PddTransportError, redactSecret } from "../../src/client";
import type { Reply } from "../helpers/replayServer";
import type { Rig } from "./support";
import { rejectionOf, startRig } from "./support";

const TOKEN = "tok-SECRET-123";

/** Replies that carry the token the request came with, in every place a body can carry it. */
const echoes: Record<string, (token: string) => Reply> = {
  // Each of these would put the token into the error text if the client did not redact it.
  "API error code": (t) => ({ kind: "json", body: { success: "error", error: `bad_token:${t}` } }),
  "HTML 500 page": (t) => ({
    kind: "text",
    status: 500,
    contentType: "text/html",
    body: `<html><head><title>Error for ${t}</title></head><body>token ${t}</body></html>`,
  }),
  "non-JSON 200 body": (t) => ({ kind: "text", body: `token=${encodeURIComponent(t)} is not valid` }),
  "401 text": (t) => ({ kind: "status", status: 401, body: `Unauthorized: PddToken ${t}` }),
  "429 text": (t) => ({ kind: "status", status: 429, retryAfter: "0", body: `slow down ${t}` }),
  "4xx API envelope": (t) => ({ kind: "json", status: 403, body: { success: "error", error: t } }),
};

function everyTextOf(err: Error): string[] {
  return [
    err.message,
    String(err.stack),
    String(err),
    JSON.stringify(err),
    JSON.stringify(err, Object.getOwnPropertyNames(err)),
    JSON.stringify(err.cause),
    JSON.stringify({ ...err }),
  ];
}

describe("the token never leaks", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ token: TOKEN, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 } });
  });
  afterEach(() => rig.close());

  test.each(Object.keys(echoes))("server echoes the token in: %s", async (name) => {
    rig.server.setFallback((req) => echoes[name](String(req.headers.pddtoken)));
    const err = await rejectionOf(rig.client.listRecords("example.com"));

    // The server did receive the token and put it in its answer, so redaction had work to do.
    expect(rig.server.requests[0].headers.pddtoken).toBe(TOKEN);
    expect(err).toBeInstanceOf(PddError);
    for (const text of everyTextOf(err)) expect(text).not.toContain(TOKEN);
    expect(err.message).toContain("[REDACTED]");
    const events = JSON.stringify(rig.events);
    expect(rig.events.some((e) => e.type === "error")).toBe(true);
    expect(events).not.toContain(TOKEN);
    expect(events).not.toContain(encodeURIComponent(TOKEN));
  });

  test("validation errors do not quote values or unknown keys of the body", async () => {
    rig.server.setFallback((req) => {
      const t = String(req.headers.pddtoken);
      return {
        kind: "json",
        body: { success: "ok", records: [{ [t]: t, record_id: t, type: t, ttl: [t] }] },
      };
    });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddResponseValidationError);
    expect((err as PddResponseValidationError).issues.length).toBeGreaterThan(3);
    for (const text of everyTextOf(err)) expect(text).not.toContain(TOKEN);
    expect(JSON.stringify(rig.events)).not.toContain(TOKEN);
  });

  test("transport failures (reset) carry no token either", async () => {
    rig.server.setFallback(() => ({ kind: "reset" }));
    const err = await rejectionOf(
      rig.client.addRecord({ domain: "example.com", type: "A", content: "1.2.3.4" }),
    );
    expect(err).toBeInstanceOf(PddTransportError);
    for (const text of everyTextOf(err)) expect(text).not.toContain(TOKEN);
    expect(JSON.stringify(rig.events)).not.toContain(TOKEN);
  });

  test("errors serialize to plain JSON without headers", async () => {
    rig.server.setFallback(() => ({ kind: "html502" }));
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    expect(json).toMatchObject({
      name: "PddTransportError",
      code: "http_status",
      status: 502,
      endpoint: "dns/list",
    });
    expect(JSON.stringify(json).toLowerCase()).not.toContain("pddtoken");
    expect(JSON.stringify(json)).not.toContain("content-type");
  });
});

describe("redactSecret", () => {
  test("replaces every occurrence, URL-encoded and JSON-escaped forms too", () => {
    expect(redactSecret(`a ${TOKEN} b ${TOKEN}`, TOKEN)).toBe("a [REDACTED] b [REDACTED]");
    expect(redactSecret(`q=${encodeURIComponent("p@ss word")}`, "p@ss word")).toBe("q=[REDACTED]");
    expect(redactSecret(JSON.stringify({ t: 'x"y' }), 'x"y')).toBe('{"t":"[REDACTED]"}');
  });

  test("leaves text alone without a secret", () => {
    expect(redactSecret("nothing to hide", "")).toBe("nothing to hide");
    expect(redactSecret("nothing to hide", undefined)).toBe("nothing to hide");
  });
});

describe("the client object itself", () => {
  it("shows no token when inspected or serialized", async () => {
    const { PddClient } = await import("../../src/client");
    const { inspect } = await import("node:util");
    const client = new PddClient({ token: TOKEN, endpoint: "http://127.0.0.1:1" });
    try {
      expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(TOKEN);
      expect(JSON.stringify(client)).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  });
});

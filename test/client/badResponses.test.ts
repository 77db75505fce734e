/**
 * Malformed or failed answers must surface as the right typed error, never as a crash or as a
 * silently wrong value.
 */
import * as net from "node:net";
import { PddApiError, PddResponseValidationError, PddTransportError } from "../../src/client";
import type { Rig } from "./support";
import { rejectionOf, startRig } from "./support";

const RECORD = {
  record_id: 11,
  domain: "example.com",
  type: "A",
  subdomain: "www",
  fqdn: "www.example.com",
  content: "192.0.2.1",
  ttl: 3600,
  priority: "",
};

describe("bad responses (no retries)", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ retry: { retries: 0 }, requestTimeoutMs: 300 });
  });
  afterEach(() => rig.close());

  test("non-JSON 200 body → PddTransportError invalid_json, outcome unknown", async () => {
    rig.server.enqueue({ kind: "text", body: "Service temporarily unavailable", contentType: "text/plain" });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({
      code: "invalid_json",
      status: 200,
      outcomeUnknown: true,
      endpoint: "dns/list",
    });
    expect(err.message).toContain("Service temporarily unavailable");
  });

  test("HTML 502 page → PddTransportError http_status 502 naming the page title", async () => {
    rig.server.enqueue({ kind: "html502" });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "http_status", status: 502, outcomeUnknown: true });
    expect(err.message).toContain("502 Bad Gateway");
    expect(err.message).not.toContain("<html>");
  });

  test("missing keys → PddResponseValidationError naming the path", async () => {
    rig.server.enqueue({ kind: "json", body: { success: "ok", domain: "example.com" } });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddResponseValidationError);
    expect(err).not.toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "invalid_response", endpoint: "dns/list", outcomeUnknown: true });
    expect((err as PddResponseValidationError).issues.map((i) => i.path)).toEqual(["records"]);
    expect(err.message).toContain("records");
  });

  test("a record missing its content → validation error with the record's index", async () => {
    const { content: _omit, ...noContent } = RECORD;
    rig.server.enqueue({ kind: "json", body: { success: "ok", records: [RECORD, noContent] } });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddResponseValidationError);
    expect((err as PddResponseValidationError).issues.map((i) => i.path)).toEqual(["records[1].content"]);
  });

  test("wrong types → validation error listing each bad field", async () => {
    rig.server.enqueue({
      kind: "json",
      body: { success: "ok", records: [{ ...RECORD, record_id: "12abc", ttl: true, priority: "high" }] },
    });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddResponseValidationError);
    const paths = (err as PddResponseValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["records[0].record_id", "records[0].ttl", "records[0].priority"]),
    );
  });

  test("a record type outside the supported set is rejected, not passed through", async () => {
    rig.server.enqueue({ kind: "json", body: { success: "ok", records: [{ ...RECORD, type: "PTR" }] } });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddResponseValidationError);
    expect((err as PddResponseValidationError).issues[0].path).toBe("records[0].type");
  });

  test("negative or fractional numbers are rejected", async () => {
    rig.server.enqueue({ kind: "json", body: { success: "ok", records: [{ ...RECORD, ttl: -5 }] } });
    expect(await rejectionOf(rig.client.listRecords("example.com"))).toBeInstanceOf(
      PddResponseValidationError,
    );
    rig.server.enqueue({ kind: "json", body: { success: "ok", records: [{ ...RECORD, record_id: 1.5 }] } });
    expect(await rejectionOf(rig.client.listRecords("example.com"))).toBeInstanceOf(
      PddResponseValidationError,
    );
  });

  test("truncated body (Content-Length larger than the body) → truncated_body", async () => {
    rig.server.enqueue({ kind: "truncated" });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "truncated_body", status: 200, outcomeUnknown: true });
  });

  test("empty 200 body → invalid_json", async () => {
    rig.server.enqueue({ kind: "text", body: "", contentType: "application/json" });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "invalid_json", outcomeUnknown: true });
    expect(err.message).toContain("empty body");
  });

  test("JSON that is not an envelope (array, no success key, success:error without code)", async () => {
    for (const body of [[], { records: [] }, { success: "maybe" }, { success: "error" }, "ok", null]) {
      rig.server.enqueue({ kind: "json", body });
      const err = await rejectionOf(rig.client.listRecords("example.com"));
      expect(err).toBeInstanceOf(PddResponseValidationError);
      expect((err as PddResponseValidationError).code).toBe("invalid_response");
    }
  });

  test("a 4xx carrying a PDD error envelope is an API error; a bare 4xx is http_status, outcome known", async () => {
    rig.server.enqueue({ kind: "json", status: 403, body: { success: "error", error: "no_auth" } });
    const apiErr = await rejectionOf(rig.client.listRecords("example.com"));
    expect(apiErr).toBeInstanceOf(PddApiError);
    expect(apiErr).toMatchObject({ code: "no_auth" });

    rig.server.enqueue({ kind: "status", status: 404, body: "no such path" });
    const httpErr = await rejectionOf(
      rig.client.addRecord({ domain: "example.com", type: "A", content: "1.2.3.4" }),
    );
    expect(httpErr).toBeInstanceOf(PddTransportError);
    expect(httpErr).toMatchObject({ code: "http_status", status: 404, outcomeUnknown: false });
  });

  test("a success envelope on a 500 is still an HTTP failure", async () => {
    rig.server.enqueue({ kind: "json", status: 500, body: { success: "ok", records: [] } });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toMatchObject({ code: "http_status", status: 500, outcomeUnknown: true });
  });

  test("no answer within requestTimeoutMs → timeout, outcome unknown", async () => {
    rig.server.enqueue({ kind: "hang" });
    const err = await rejectionOf(rig.client.listRecords("example.com"));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "timeout", outcomeUnknown: true });
  });

  test("the successful path around these failures still parses", async () => {
    rig.server.enqueue({ kind: "json", body: { success: "ok", records: [RECORD] } });
    await expect(rig.client.listRecords("example.com")).resolves.toEqual([
      {
        recordId: 11,
        domain: "example.com",
        type: "A",
        subdomain: "www",
        fqdn: "www.example.com",
        content: "192.0.2.1",
        ttl: 3600,
      },
    ]);
  });
});

describe("connection failures", () => {
  test("connection refused → connection_refused, nothing sent", async () => {
    // Reserve a port, then free it so nothing listens there.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));

    const rig = await startRig({ endpoint: `http://127.0.0.1:${port}`, retry: { retries: 0 } });
    try {
      const err = await rejectionOf(rig.client.deleteRecord("example.com", 5));
      expect(err).toBeInstanceOf(PddTransportError);
      expect(err).toMatchObject({ code: "connection_refused", outcomeUnknown: false, endpoint: "dns/del" });
      expect(err.message).toContain("was not sent");
    } finally {
      await rig.close();
    }
  });
});

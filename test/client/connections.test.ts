import { Agent, request } from "undici";
import { PddClient, PddTransportError } from "../../src/client";
import type { Rig } from "./support";
import { rejectionOf, startRig } from "./support";

describe("connection handling", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  const LIST = { success: "ok", domain: "example.com", records: [] };

  test("sequential requests reuse one keep-alive TCP connection", async () => {
    for (let i = 0; i < 8; i++) {
      rig.server.enqueue({ kind: "json", body: LIST });
      await rig.client.listRecords("example.com");
    }
    // Mixed methods and error answers must not break reuse either: their bodies are consumed.
    rig.server.enqueue({ kind: "json", body: { success: "error", error: "no_such_domain" } });
    await expect(rig.client.deleteRecord("example.com", 1)).rejects.toMatchObject({ code: "no_such_domain" });
    rig.server.enqueue({ kind: "status", status: 404, body: "x".repeat(10_000) });
    await expect(rig.client.deleteRecord("example.com", 1)).rejects.toMatchObject({ status: 404 });
    rig.server.enqueue({ kind: "json", body: LIST });
    await rig.client.listRecords("example.com");

    expect(rig.server.requests).toHaveLength(11);
    expect(rig.server.connections).toBe(1);
  });

  test("close() closes the client's own pool; later calls fail without sending", async () => {
    const client = new PddClient({ token: "abc", endpoint: rig.server.url, retry: { retries: 0 } });
    rig.server.enqueue({ kind: "json", body: LIST });
    await client.listRecords("example.com");
    await client.close();
    await client.close(); // idempotent
    const err = await rejectionOf(client.deleteRecord("example.com", 1));
    expect(err).toBeInstanceOf(PddTransportError);
    expect(err).toMatchObject({ code: "network", outcomeUnknown: false });
    expect(rig.server.requests).toHaveLength(1);
  });

  test("close() leaves an injected dispatcher open for its owner", async () => {
    const agent = new Agent();
    try {
      const client = new PddClient({ token: "abc", endpoint: rig.server.url, dispatcher: agent });
      rig.server.enqueue({ kind: "json", body: LIST });
      await expect(client.listRecords("example.com")).resolves.toEqual([]);
      expect(rig.server.requests[0].headers.pddtoken).toBe("abc");
      await client.close();

      rig.server.enqueue({ kind: "json", body: LIST });
      const res = await request(`${rig.server.url}/api2/admin/dns/list?domain=x`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      await res.body.json();
    } finally {
      await agent.close();
    }
  });

  test("an endpoint path prefix is kept in front of /api2/admin/", async () => {
    const client = new PddClient({ token: "abc", endpoint: `${rig.server.url}/pdd-proxy/` });
    try {
      rig.server.enqueue({ kind: "json", body: LIST });
      await client.listRecords("example.com");
      expect(rig.server.requests[0].path).toBe("/pdd-proxy/api2/admin/dns/list");
    } finally {
      await client.close();
    }
  });
});

import FormData from "form-data";
import { Agent, request } from "undici";
import type { EmulatorStats, PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import { call, callRaw, TOKEN } from "./apiClient";

const DOMAIN = "example.com";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

async function getJson<T>(url: string, method: "GET" | "POST" = "GET"): Promise<{ status: number; json: T }> {
  const response = await request(url, { method });
  return { status: response.statusCode, json: (await response.body.json()) as T };
}

describe("stats, connections and the request log", () => {
  let emu: PddEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN] });
  });
  afterEach(async () => {
    await emu.close();
  });

  test("keep-alive reuse shows as one connection; a second client adds another", async () => {
    const one = new Agent({ connections: 1 });
    try {
      for (let i = 0; i < 10; i++) {
        expect((await call(emu, "dns/list", { domain: DOMAIN }, { dispatcher: one })).success).toBe("ok");
      }
      expect(emu.stats().connections).toBe(1);
      const two = new Agent({ connections: 1 });
      try {
        await call(emu, "dns/list", { domain: DOMAIN }, { dispatcher: two });
        expect(emu.stats().connections).toBe(2);
        expect(emu.stats().maxConcurrentConnections).toBe(2);
      } finally {
        await two.close();
      }
    } finally {
      await one.close();
    }
  });

  test("requests are counted per endpoint, mutations only when applied", async () => {
    await call(emu, "dns/list", { domain: DOMAIN });
    await call(emu, "dns/add", { domain: DOMAIN, type: "TXT", subdomain: "s", content: "1" });
    await call(emu, "dns/add", { domain: DOMAIN, type: "TXT", subdomain: "s", content: "1" }); // record_exists
    await call(emu, "domain/domains");
    await callRaw(emu, "nothing/here", {}, { method: "GET" });
    const stats: EmulatorStats = emu.stats();
    expect(stats.requests).toEqual({
      total: 5,
      byEndpoint: { "dns/list": 1, "dns/add": 2, "domain/domains": 1 },
    });
    expect(stats.mutationsApplied).toBe(1);
    expect(stats.faults).toEqual({
      http_5xx: 0,
      reset: 0,
      hang: 0,
      truncated: 0,
      unknown: 0,
      lost_response: 0,
    });
    emu.resetStats();
    expect(emu.stats().requests).toEqual({ total: 0, byEndpoint: {} });
    expect(emu.stats().mutationsApplied).toBe(0);
  });

  test("the request log keeps method, path, query, lower-cased headers, body params, endpoint and fault", async () => {
    await call(emu, "dns/add", { domain: DOMAIN, type: "A", subdomain: "log", content: "192.0.2.7" });
    await call(emu, "dns/list", { domain: DOMAIN }, { token: "wrong" });
    await call(emu, "dns/del", { domain: DOMAIN, record_id: 1 }, { paramsIn: "query" });
    const [add, list, del] = emu.requestLog();
    expect(add).toMatchObject({
      method: "POST",
      path: "/api2/admin/dns/add",
      query: {},
      endpoint: "dns/add",
      fault: null,
      body: {
        kind: "urlencoded",
        params: { domain: DOMAIN, type: "A", subdomain: "log", content: "192.0.2.7" },
      },
    });
    expect(add!.headers.pddtoken).toBe(TOKEN);
    expect(add!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Date.parse(add!.time)).not.toBeNaN();
    expect(list).toMatchObject({ method: "GET", query: { domain: DOMAIN }, body: { kind: "none" } });
    expect(list!.headers.pddtoken).toBe("wrong");
    expect(del).toMatchObject({
      query: { domain: DOMAIN, record_id: "1" },
      body: { kind: "other", contentType: "application/json", bytes: 2 },
    });
    // Copies, not live views.
    emu.requestLog()[0]!.method = "PATCHED";
    expect(emu.requestLog()[0]!.method).toBe("POST");
    emu.clearRequestLog();
    expect(emu.requestLog()).toEqual([]);
  });

  test("the admin endpoints answer without a token", async () => {
    await call(emu, "dns/list", { domain: DOMAIN });
    const stats = await getJson<EmulatorStats>(`${emu.url}/_emulator/stats`);
    expect(stats.status).toBe(200);
    expect(stats.json.requests.byEndpoint).toEqual({ "dns/list": 1 });
    expect(stats.json.connections).toBeGreaterThanOrEqual(1);

    const form = new FormData();
    form.append("domain", DOMAIN);
    form.append("file", PNG, { filename: "logo" });
    const upload = await request(`${emu.url}/api2/admin/domain/logo/set`, {
      method: "POST",
      headers: { ...form.getHeaders(), PddToken: TOKEN },
      body: form.getBuffer(),
    });
    expect(((await upload.body.json()) as { success: string }).success).toBe("ok");

    const state = await getJson<{
      orgIds: number[];
      nextRecordId: number;
      domains: Array<{ name: string; orgId: number; records: unknown[]; logo: unknown }>;
    }>(`${emu.url}/_emulator/state`);
    expect(state.json.orgIds).toEqual([1234567]);
    expect(state.json.domains).toEqual([
      { name: DOMAIN, orgId: 1234567, records: emu.records(DOMAIN), logo: emu.logo(DOMAIN) },
    ]);
    expect(state.json.nextRecordId).toBeGreaterThan(Math.max(...emu.records(DOMAIN).map((r) => r.record_id)));

    const reset = await getJson<{ success: string }>(`${emu.url}/_emulator/reset-stats`, "POST");
    expect(reset.json).toEqual({ success: "ok" });
    expect(emu.stats().requests.total).toBe(0);

    const wrongMethod = await getJson<{ error: string }>(`${emu.url}/_emulator/reset-stats`);
    expect(wrongMethod.status).toBe(404);
    const unknown = await getJson<{ error: string }>(`${emu.url}/_emulator/nope`);
    expect(unknown).toEqual({ status: 404, json: { success: "error", error: "not_found" } });
    const root = await getJson<{ error: string }>(`${emu.url}/`);
    expect(root.status).toBe(404);
  });

  test("close() ends hanging requests promptly", async () => {
    emu.setFaults({ rate: 1, kinds: { hang: 1 }, hangMs: 60_000 });
    const pending = request(`${emu.url}/api2/admin/dns/list?domain=${DOMAIN}`, {
      headers: { PddToken: TOKEN },
    });
    const failed = expect(pending).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(emu.stats().faults.hang).toBe(1);
    const started = Date.now();
    await emu.close();
    await failed;
    expect(Date.now() - started).toBeLessThan(1000);
    await emu.close(); // idempotent
  });
});

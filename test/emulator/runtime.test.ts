import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
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

describe("latency", () => {
  test("every answer is delayed by ~latencyMs, concurrently rather than one after another", async () => {
    const emu = await startEmulator({ domains: [DOMAIN], latencyMs: 300 });
    try {
      const started = Date.now();
      const timings = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const t0 = Date.now();
          const answer = await call(emu, "dns/list", { domain: DOMAIN });
          expect(answer.success).toBe("ok");
          return Date.now() - t0;
        }),
      );
      const total = Date.now() - started;
      for (const ms of timings) expect(ms).toBeGreaterThanOrEqual(290);
      expect(total).toBeLessThan(1500); // 12 × 300 ms serialised would be 3.6 s
      expect(emu.stats().maxInFlight).toBeGreaterThanOrEqual(10);

      emu.setLatency(0);
      const t0 = Date.now();
      await call(emu, "dns/list", { domain: DOMAIN });
      expect(Date.now() - t0).toBeLessThan(250);
      expect(() => emu.setLatency(-1)).toThrow(/latency/);
    } finally {
      await emu.close();
    }
  });
});

describe("state file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pdd-emulator-state-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("state survives a restart: records, renamed ids, logos, and the id sequence", async () => {
    const stateFile = path.join(dir, "nested", "state.json");
    const first = await startEmulator({ domains: [DOMAIN, "second.org"], stateFile, seed: 1 });
    let keptId: number;
    let deletedId: number;
    try {
      const kept = await call(first, "dns/add", {
        domain: DOMAIN,
        type: "A",
        subdomain: "www",
        content: "192.0.2.1",
      });
      keptId = kept.record!.record_id;
      await call(first, "dns/edit", { domain: DOMAIN, record_id: keptId, subdomain: "web", ttl: 600 });
      const gone = await call(first, "dns/add", {
        domain: DOMAIN,
        type: "TXT",
        subdomain: "tmp",
        content: "x",
      });
      deletedId = gone.record!.record_id;
      await call(first, "dns/del", { domain: DOMAIN, record_id: deletedId });
      const form = new FormData();
      form.append("domain", DOMAIN);
      form.append("file", PNG, { filename: "logo" });
      await request(`${first.url}/api2/admin/domain/logo/set`, {
        method: "POST",
        headers: { ...form.getHeaders(), PddToken: TOKEN },
        body: form.getBuffer(),
      }).then((response) => response.body.dump());
      first.removeDomain("second.org");
    } finally {
      await first.close();
    }
    const before = JSON.parse(await readFile(stateFile, "utf8")) as { version: number };
    expect(before.version).toBe(2);
    // Atomic writes leave no temporary files behind.
    expect(await readdir(path.dirname(stateFile))).toEqual(["state.json"]);

    // Options naming other domains are ignored once a state file exists.
    const second = await startEmulator({ domains: ["ignored.test"], stateFile, seed: 1 });
    try {
      expect(second.domains()).toEqual([DOMAIN]);
      const web = second.records(DOMAIN).find((record) => record.record_id === keptId);
      expect(web).toMatchObject({ subdomain: "web", ttl: 600, content: "192.0.2.1" });
      expect(second.records(DOMAIN).some((record) => record.record_id === deletedId)).toBe(false);
      expect(second.logo(DOMAIN)).toMatchObject({ contentType: "image/png", bytes: PNG.length });
      const logoUrl = (await call(second, "domain/logo/check", { domain: DOMAIN }))["logo-url"] as string;
      const served = await request(logoUrl);
      expect(Buffer.from(await served.body.arrayBuffer())).toEqual(PNG);
      // New ids continue after the old ones (no reuse of the deleted id).
      const next = await call(second, "dns/add", {
        domain: DOMAIN,
        type: "TXT",
        subdomain: "n",
        content: "y",
      });
      expect(next.record!.record_id).toBeGreaterThan(deletedId);
    } finally {
      await second.close();
    }
  });

  test("a fresh state file is written at start, so seeded ids are stable across restarts", async () => {
    const stateFile = path.join(dir, "state.json");
    const first = await startEmulator({ stateFile, seed: 3 });
    const ids = first.records(DOMAIN).map((record) => record.record_id);
    await first.close();
    const second = await startEmulator({ stateFile, seed: 99 });
    try {
      expect(second.records(DOMAIN).map((record) => record.record_id)).toEqual(ids);
    } finally {
      await second.close();
    }
  });

  test("a corrupt state file stops start-up with a clear message", async () => {
    const stateFile = path.join(dir, "state.json");
    await writeFile(stateFile, "{ not json");
    await expect(startEmulator({ stateFile })).rejects.toThrow(/not valid JSON/);
    await writeFile(stateFile, JSON.stringify({ version: 1, nextRecordId: 1, domains: [{ name: 5 }] }));
    await expect(startEmulator({ stateFile })).rejects.toThrow(/not a valid emulator state/);
  });
});

describe("options", () => {
  test("invalid options are refused with a message naming the option", async () => {
    await expect(startEmulator({ port: 70000 })).rejects.toThrow(/port/);
    await expect(startEmulator({ token: "" })).rejects.toThrow(/token/);
    await expect(startEmulator({ latencyMs: -5 })).rejects.toThrow(/latencyMs/);
    await expect(startEmulator({ domains: ["not a domain"] })).rejects.toThrow(/not a valid domain/);
    await expect(startEmulator({ mailCheckTimeoutMs: 0 })).rejects.toThrow(/mailCheckTimeoutMs/);
  });

  test("a custom token and host are honoured; url points at the bound port", async () => {
    const emu = await startEmulator({ token: "s3cret", host: "127.0.0.1", domains: ["a.test"] });
    try {
      expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await call(emu, "dns/list", { domain: "a.test" }, { token: "s3cret" })).success).toBe("ok");
      expect((await call(emu, "dns/list", { domain: "a.test" })).error).toBe("bad_token");
    } finally {
      await emu.close();
    }
  });

  test("defaults: example.com with the five default records", async () => {
    const emu = await startEmulator();
    try {
      expect(emu.domains()).toEqual(["example.com"]);
      expect(emu.records("example.com").map((record) => record.type)).toEqual([
        "MX",
        "NS",
        "NS",
        "SOA",
        "TXT",
      ]);
      const bare = await startEmulator({ seedDefaultRecords: false });
      try {
        expect(bare.records("example.com")).toEqual([]);
      } finally {
        await bare.close();
      }
    } finally {
      await emu.close();
    }
  });
});

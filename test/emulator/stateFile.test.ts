import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import FormData from "form-data";
import { request } from "undici";
import { startEmulator } from "../../src/emulator";
import { call, TOKEN } from "./apiClient";

const DOMAIN = "example.com";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

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

/**
 * Yandex 360 organizations: the orgIds and { name, orgId } options, state files that carry them
 * (and version 1 files that do not), and the CLI's --org-id and --domain name@org.
 */
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { DEFAULT_ORG_ID, startEmulator } from "../../src/emulator";
import { call } from "./apiClient";
import { expectError, truthy, y360 } from "./yandex360ApiClient";

const ORG = DEFAULT_ORG_ID;
const ROOT = path.resolve(__dirname, "../..");

describe("organizations: options, persistence", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pdd-emulator-y360-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("options: orgIds, { name, orgId } domains, addDomain(name, { orgId }), orgIds()", async () => {
    await expect(startEmulator({ orgIds: [] })).rejects.toThrow(/orgIds/);
    await expect(startEmulator({ orgIds: [0] })).rejects.toThrow(/orgIds/);
    await expect(startEmulator({ orgIds: [5, 5] })).rejects.toThrow(/twice/);
    await expect(startEmulator({ orgIds: [5], domains: [{ name: "a.test", orgId: 6 }] })).rejects.toThrow(
      /organization 6 is not one of the emulator's orgIds \(5\)/,
    );
    await expect(startEmulator({ domains: [{ name: "not a domain", orgId: ORG }] })).rejects.toThrow(
      /not a valid domain/,
    );
    await expect(startEmulator({ yandex360DnsMaxPerPage: 0 })).rejects.toThrow(/yandex360DnsMaxPerPage/);

    const emu = await startEmulator({
      orgIds: [10, 20],
      domains: ["first.test", { name: "second.test", orgId: 20 }],
    });
    try {
      expect(emu.orgIds()).toEqual([10, 20]);
      emu.addDomain("third.test", { orgId: 20, seedDefaultRecords: false });
      emu.addDomain("fourth.test");
      expect(() => emu.addDomain("fifth.test", { orgId: 30 })).toThrow(/organization 30/);
      const names = async (org: number): Promise<string[]> =>
        (await y360(emu, "GET", `/directory/v1/org/${org}/domains`)).json.domains.map(
          (d: { name: string }) => d.name,
        );
      expect(await names(10)).toEqual(["first.test", "fourth.test"]);
      expect(await names(20)).toEqual(["second.test", "third.test"]);
      expect((await y360(emu, "GET", "/directory/v1/org/20/domains/third.test/dns")).json.total).toBe(0);
      // The PDD face sees every domain, whatever its organization.
      expect((await call(emu, "domain/domains", {})).total).toBe(4);
    } finally {
      await emu.close();
    }
  });

  test("state file version 2: orgs, each domain's org and DKIM key survive a restart", async () => {
    const stateFile = path.join(dir, "state.json");
    const first = await startEmulator({
      stateFile,
      orgIds: [7, 8],
      domains: ["a.test", { name: "b.test", orgId: 8 }],
    });
    let key: string;
    let caaId: number;
    try {
      key = (await y360(first, "GET", "/directory/v1/org/8/domains/b.test/dkim")).json.publicKey;
      caaId = (
        await y360(first, "POST", "/directory/v1/org/8/domains/b.test/dns", {
          name: "@",
          type: "CAA",
          flag: 128,
          tag: "issuewild",
          value: ";",
        })
      ).json.recordId;
      expect(caaId).toBeGreaterThan(0);
    } finally {
      await first.close();
    }
    const persisted = JSON.parse(await readFile(stateFile, "utf8"));
    expect(persisted.version).toBe(2);
    expect(persisted.orgIds).toEqual([7, 8]);
    expect(persisted.domains.map((d: { name: string; orgId: number }) => [d.name, d.orgId])).toEqual([
      ["a.test", 7],
      ["b.test", 8],
    ]);
    const b = persisted.domains[1];
    expect(b.dkim.publicKey).toBe(key);
    expect(typeof b.dkim.enabled).toBe("boolean");
    expect(b.records.find((r: { id: number }) => r.id === caaId)).toMatchObject({
      type: "CAA",
      flag: 128,
      tag: "issuewild",
      content: ";",
    });

    // Options naming other organizations are ignored once a state file exists.
    const second = await startEmulator({ stateFile, orgIds: [99], domains: ["ignored.test"] });
    try {
      expect(second.orgIds()).toEqual([7, 8]);
      expect(second.domains()).toEqual(["a.test", "b.test"]);
      const dkim = await y360(second, "GET", "/directory/v1/org/8/domains/b.test/dkim");
      expect(dkim.json).toEqual({ enabled: b.dkim.enabled, publicKey: key });
      const listed = await y360(second, "GET", "/directory/v1/org/8/domains/b.test/dns");
      expect(listed.json.records.find((r: { recordId: number }) => r.recordId === caaId)).toEqual({
        recordId: caaId,
        type: "CAA",
        name: "@",
        ttl: 21600,
        flag: 128,
        tag: "issuewild",
        value: ";",
      });
      expectError(await y360(second, "GET", "/directory/v1/org/7/domains/b.test/dns"), 404, 5);
    } finally {
      await second.close();
    }
  });

  test("a version 1 state file still loads: every domain in the first org; the next write is version 2", async () => {
    const stateFile = path.join(dir, "v1.json");
    const v1 = {
      version: 1,
      nextRecordId: 500,
      domains: [
        {
          name: "old.test",
          records: [{ id: 100, type: "TXT", subdomain: "@", content: "legacy", ttl: 300 }],
        },
        { name: "older.test", records: [] },
      ],
    };
    await writeFile(stateFile, JSON.stringify(v1));
    const emu = await startEmulator({ stateFile, orgIds: [55, 66] });
    try {
      expect(emu.orgIds()).toEqual([55, 66]);
      const listed = await y360(emu, "GET", "/directory/v1/org/55/domains");
      expect(listed.json.domains.map((d: { name: string }) => d.name)).toEqual(["old.test", "older.test"]);
      expect((await y360(emu, "GET", "/directory/v1/org/66/domains")).json.total).toBe(0);
      const dns = await y360(emu, "GET", "/directory/v1/org/55/domains/old.test/dns");
      expect(dns.json.records).toEqual([{ recordId: 100, type: "TXT", name: "@", ttl: 300, text: "legacy" }]);
      // DKIM state derives as it always did for PDD's dkim-ready.
      const pdd = await call(emu, "domain/domains", {});
      const ready = truthy((pdd.domains as Array<Record<string, unknown>>)[0]!["dkim-ready"]);
      expect((await y360(emu, "GET", "/directory/v1/org/55/domains/old.test/dkim")).json.enabled).toBe(ready);
      const created = await y360(emu, "POST", "/directory/v1/org/55/domains/old.test/dns", {
        name: "n",
        type: "TXT",
        text: "new",
      });
      expect(created.json.recordId).toBe(500);
    } finally {
      await emu.close();
    }
    const rewritten = JSON.parse(await readFile(stateFile, "utf8"));
    expect(rewritten.version).toBe(2);
    expect(rewritten.orgIds).toEqual([55, 66]);
    expect(rewritten.domains.map((d: { orgId: number }) => d.orgId)).toEqual([55, 55]);

    // Without orgIds, a version 1 file goes to the default organization.
    await writeFile(stateFile, JSON.stringify(v1));
    const plain = await startEmulator({ stateFile });
    try {
      expect(plain.orgIds()).toEqual([ORG]);
    } finally {
      await plain.close();
    }
  });

  test("a version 2 file whose domain is in an unknown org is refused", async () => {
    const stateFile = path.join(dir, "bad.json");
    await writeFile(
      stateFile,
      JSON.stringify({
        version: 2,
        orgIds: [1],
        nextRecordId: 1,
        domains: [{ name: "x.test", orgId: 2, dkim: { enabled: true }, records: [] }],
      }),
    );
    await expect(startEmulator({ stateFile })).rejects.toThrow(/organization 2/);
  });
});

describe("CLI: --org-id and --domain name@org (run from source)", () => {
  // dist/ may be stale while the tree changes; the CLI's source is loaded with the bench's TS loader.
  const args = ["-r", path.join(ROOT, "bench", "register.js"), path.join(ROOT, "src", "emulator", "cli.ts")];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  function startCli(extra: string[]): Promise<{ child: ChildProcess; url: string; line: string }> {
    const child = spawn(process.execPath, [...args, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stdout} ${stderr}`)), 30_000);
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^(pdd-emulator listening on (http:\/\/\S+) .*)$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve({ child, url: match[2]!, line: match[1]! });
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`CLI exited with ${code}: ${stderr}`));
      });
    });
  }

  async function runCli(extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [...args, ...extra], {
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    }
  }

  test("--org-id (repeatable) and --domain name@org put domains in organizations", async () => {
    const cli = await startCli([
      "--port",
      "0",
      "--org-id",
      "111",
      "--org-id",
      "222",
      "--domain",
      "a.test",
      "--domain",
      "b.test@222",
    ]);
    expect(cli.line).toMatch(/\(token from the default; domains: a\.test, b\.test; orgs: 111, 222\)$/);
    const orgs = await y360({ url: cli.url }, "GET", "/directory/v1/org");
    expect(orgs.json.organizations.map((o: { id: number }) => o.id)).toEqual([111, 222]);
    const inOrg = async (org: number): Promise<string[]> =>
      (await y360({ url: cli.url }, "GET", `/directory/v1/org/${org}/domains`)).json.domains.map(
        (d: { name: string }) => d.name,
      );
    expect(await inOrg(111)).toEqual(["a.test"]);
    expect(await inOrg(222)).toEqual(["b.test"]);
    cli.child.kill("SIGTERM");
  });

  test("the default organization is 1234567", async () => {
    const cli = await startCli(["--port", "0", "--domain", "c.test@1234567"]);
    expect(cli.line).toContain("domains: c.test; orgs: 1234567)");
    expect((await y360({ url: cli.url }, "GET", "/directory/v1/org/1234567/domains")).json.total).toBe(1);
    cli.child.kill("SIGTERM");
  });

  test.each([
    [["--domain", "c.test@333"], /organization 333 is not given with --org-id \(organizations: 1234567\)/],
    [["--domain", "c.test@x"], /the organization after @ must be a positive integer/],
    [["--domain", "bad name@5"], /--domain "bad name" is not a valid domain name/],
    [["--org-id", "abc"], /--org-id must be an integer/],
    [["--org-id", "5", "--org-id", "5"], /--org-id: the same id is given twice/],
    [["--domain", "a.test", "--domain", "a.test@1234567"], /the same domain is given twice/],
  ])("refuses %j with exit code 2", async (extra, message) => {
    const result = await runCli(extra);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test("--help documents --org-id and name@orgId", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--org-id <n>");
    expect(result.stdout).toContain("--domain <name>[@<orgId>]");
    expect(result.stdout).toContain("Authorization: OAuth <token>");
  });
});

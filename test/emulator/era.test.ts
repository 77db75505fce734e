/**
 * `era` / `--era`: the emulator answers as the 2022 service (default) or as the 2017–2018 service of
 * the recordings, never a mix of both. The CLI is run from source (node -r bench/register.js), so
 * these tests need no build.
 */
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import type { EmulatorOptions, PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import { call, callRaw } from "./apiClient";

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const CLI_ARGS = [
  "-r",
  path.join(ROOT, "bench", "register.js"),
  path.join(ROOT, "src", "emulator", "cli.ts"),
];
const DOMAIN = "example.com";

interface EraFacts {
  unknownDomainError: string | undefined;
  operation: unknown;
  editKeys: string[];
  /** Whether the record key order differed between several dns/list answers. */
  orderVaries: boolean;
}

/** What distinguishes the eras, observed over HTTP. */
async function eraFacts(url: string): Promise<EraFacts> {
  const emu = { url };
  const unknown = await call(emu, "dns/list", { domain: "unknown.net" });
  const added = await call(emu, "dns/add", { domain: DOMAIN, type: "TXT", subdomain: "era", content: "x" });
  const id = added.record!.record_id;
  const edited = await call(emu, "dns/edit", { domain: DOMAIN, record_id: id, content: "y" });
  await call(emu, "dns/del", { domain: DOMAIN, record_id: id });
  const orders = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const text = (await callRaw(emu, "dns/list", { domain: DOMAIN })).text;
    const records = (JSON.parse(text) as { records: object[] }).records;
    orders.add(records.map((record) => Object.keys(record).join(",")).join(";"));
  }
  return {
    unknownDomainError: unknown.error,
    operation: edited.record!.operation,
    editKeys: Object.keys(edited),
    orderVaries: orders.size > 1,
  };
}

const ERA_2022: EraFacts = {
  unknownDomainError: "no_such_domain",
  operation: undefined,
  editKeys: ["record_id", "record", "domain", "success"],
  orderVaries: true,
};
const ERA_2017: EraFacts = {
  unknownDomainError: "not_allowed",
  operation: "editing",
  editKeys: ["record_id", "record", "domain", "success"],
  orderVaries: false,
};

describe("era option of startEmulator", () => {
  async function factsOf(options: EmulatorOptions): Promise<EraFacts> {
    const emu: PddEmulator = await startEmulator({ domains: [DOMAIN], ...options });
    try {
      return await eraFacts(emu.url);
    } finally {
      await emu.close();
    }
  }

  test("default is 2022: no_such_domain, no operation key, key order changes between answers", async () => {
    expect(await factsOf({})).toEqual(ERA_2022);
    expect(await factsOf({ era: "2022" })).toEqual(ERA_2022);
  });

  test("2017: not_allowed, operation: editing, and one fixed key order (the recorded one)", async () => {
    expect(await factsOf({ era: "2017" })).toEqual(ERA_2017);
  });

  test("an unknown era is refused", async () => {
    await expect(startEmulator({ era: "2019" as never })).rejects.toThrow(
      /era must be one of "2017", "2022"/,
    );
  });
});

describe("--era on the CLI", () => {
  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  /** Starts the CLI and resolves with its URL once it printed the listening line. */
  function startCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [...CLI_ARGS, "--port", "0", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.push(child);
    return new Promise((resolve, reject) => {
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stdout} ${stderr}`)), 20_000);
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/\S+) /.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve({ child, url: match[1]! });
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`CLI exited with ${code}: ${stderr}`));
      });
    });
  }

  test.each([
    [[] as string[], ERA_2022],
    [["--era", "2022"], ERA_2022],
    [["--era", "2017"], ERA_2017],
  ])("%j switches both the unknown-domain code and the edit answer", async (args, expected) => {
    const cli = await startCli(args);
    expect(await eraFacts(cli.url)).toEqual(expected);
    cli.child.kill("SIGTERM");
  });

  test("--era with another value exits 2 with a clear message; --help names it", async () => {
    const refused = await execFileAsync(process.execPath, [...CLI_ARGS, "--era", "2019"]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--era must be 2017 or 2022, got "2019"');
    const help = await execFileAsync(process.execPath, [...CLI_ARGS, "--help"]);
    expect(help.stdout).toMatch(/--era <year> +.*2017.*2022 \(default 2022\)/);
  });
});

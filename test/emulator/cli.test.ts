import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { call } from "./apiClient";

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist", "emulator", "cli.js");

/** True when dist/emulator is missing or older than any emulator source file. */
function buildIsStale(): boolean {
  const sources = path.join(ROOT, "src", "emulator");
  const newestSource = Math.max(
    ...readdirSync(sources).map((name) => statSync(path.join(sources, name)).mtimeMs),
  );
  return !existsSync(CLI) || statSync(CLI).mtimeMs < newestSource;
}

beforeAll(async () => {
  // Other suites (and CI's pretest) use dist too; rebuild only when the emulator changed.
  if (!buildIsStale()) return;
  try {
    await execFileAsync("npm", ["run", "build"], { cwd: ROOT, timeout: 180_000 });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
    // tsc still emits when other parts of the tree do not type-check; only our own errors are fatal here.
    if (/src\/emulator\//.test(output) || buildIsStale()) {
      throw new Error(`npm run build failed:\n${output}`);
    }
    console.warn(
      `npm run build reported errors outside src/emulator; testing the emitted CLI anyway:\n${output}`,
    );
  }
}, 200_000);

interface RunningCli {
  child: ChildProcess;
  url: string;
  line: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI did not start in time; stdout: ${stdout} stderr: ${stderr}`));
    }, 15_000);
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(pdd-emulator listening on (http:\/\/\S+) .*)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[2]!, line: match[1]!, exit });
      }
    });
    void exit.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
}

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? null, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

describe("pdd-emulator CLI", () => {
  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
  async function start(args: string[]): Promise<RunningCli> {
    const cli = await startCli(args);
    running.push(cli.child);
    return cli;
  }

  test("starts, prints one line without the token, serves the API and exits cleanly on SIGTERM", async () => {
    const cli = await start([
      "--port",
      "0",
      "--token",
      "cli-secret-42",
      "--domain",
      "example.com",
      "--domain",
      "other.org",
    ]);
    expect(cli.line).toMatch(
      /^pdd-emulator listening on http:\/\/127\.0\.0\.1:\d+ \(token from --token; domains: example\.com, other\.org; orgs: 1234567\)$/,
    );
    expect(cli.line).not.toContain("cli-secret-42");
    const answer = await call(
      { url: cli.url },
      "dns/list",
      { domain: "other.org" },
      { token: "cli-secret-42" },
    );
    expect(answer.success).toBe("ok");
    expect(answer.records).toHaveLength(5);
    expect((await call({ url: cli.url }, "dns/list", { domain: "other.org" })).error).toBe("bad_token");
    cli.child.kill("SIGTERM");
    expect(await cli.exit).toEqual({ code: 0, signal: null });
  });

  test("--state-file keeps state across restarts; SIGINT also exits cleanly", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pdd-cli-state-"));
    try {
      const stateFile = path.join(dir, "state.json");
      const args = ["--port", "0", "--token", "dev-token", "--state-file", stateFile];
      const first = await start(args);
      const added = await call({ url: first.url }, "dns/add", {
        domain: "example.com",
        type: "TXT",
        subdomain: "persist",
        content: "kept",
      });
      expect(added.success).toBe("ok");
      first.child.kill("SIGINT");
      expect((await first.exit).code).toBe(0);

      const second = await start(args);
      const listed = await call({ url: second.url }, "dns/list", { domain: "example.com" });
      expect(listed.records!.find((record) => record.subdomain === "persist")).toMatchObject({
        record_id: added.record!.record_id,
        content: "kept",
      });
      second.child.kill("SIGTERM");
      expect((await second.exit).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("--no-default-records and --latency-ms are applied; the default token is not printed", async () => {
    const cli = await start([
      "--port",
      "0",
      "--no-default-records",
      "--latency-ms",
      "200",
      "--domain",
      "x.test",
    ]);
    expect(cli.line).toContain("(token from the default; domains: x.test; orgs: 1234567)");
    expect(cli.line).not.toContain("dev-token");
    const started = Date.now();
    const answer = await call({ url: cli.url }, "dns/list", { domain: "x.test" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(answer).toEqual({ records: [], domain: "x.test", success: "ok" });
    cli.child.kill("SIGTERM");
    expect((await cli.exit).code).toBe(0);
  });

  test.each([
    [["--port", "abc"], /--port must be an integer/],
    [["--port", "70000"], /--port must be between 0 and 65535/],
    [["--domain", "not a domain"], /--domain "not a domain" is not a valid domain name/],
    [["--latency-ms", "-1"], /--latency-ms/],
    [["--fault-rate", "2"], /--fault-rate must be a number between 0 and 1/],
    [["--fault-rate", "0.1", "--fault-kinds", "reset,boom"], /unknown kind "boom"/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
    [["--token"], /argument missing/],
  ])("refuses %j with a clear message and exit code 2", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Run "pdd-emulator --help" for usage.');
  });

  test("--help prints usage and exits 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: pdd-emulator \[options\]/);
    for (const flag of [
      "--port",
      "--host",
      "--token",
      "--domain",
      "--latency-ms",
      "--state-file",
      "--no-default-records",
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  test("a port already in use → exit code 1 with a readable message", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const result = await runCli(["--port", String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

/** Shared pieces of the package-shape tests: the repository, its dist, npm and tsc as child processes. */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const tscBin = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for an npm child: without the npm_* variables of an enclosing `npm test`, which
 * would make npm treat the repository as the project (npm_config_local_prefix) wherever it runs.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|config_local_prefix$)/i.test(key) || key === "INIT_CWD") continue;
    env[key] = value;
  }
  env.npm_config_update_notifier = "false";
  env.npm_config_fund = "false";
  env.npm_config_audit = "false";
  return env;
}

/** Runs a command to its end (asynchronously, so several can run side by side). */
export function run(command: string, args: string[], cwd: string, env = npmEnv()): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** One entry of `npm pack --json`. */
export interface PackEntry {
  name: string;
  version: string;
  files: { path: string; size: number }[];
}

/** What `npm pack --dry-run` would put in the tarball; `ignoreScripts` skips prepack (the build). */
export async function packListing(cwd: string, ignoreScripts: boolean): Promise<PackEntry> {
  const args = ["pack", "--dry-run", "--json", ...(ignoreScripts ? ["--ignore-scripts"] : [])];
  const result = await run("npm", args, cwd);
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(" ")} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
  }
  const [entry] = JSON.parse(result.stdout) as PackEntry[];
  return entry!;
}

/**
 * Fails with what to do when dist/ lacks what the tests read. The jest globalSetup builds it before
 * any test runs (test/harness/programFolder.ts), so it is only missing when that was skipped.
 */
export function requireDist(...files: string[]): void {
  const missing = files.filter((file) => !fs.existsSync(path.join(repoRoot, file)));
  if (missing.length > 0) {
    throw new Error(`${missing.join(", ")} missing: run \`npm run build\` (the jest globalSetup does).`);
  }
}

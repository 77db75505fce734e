import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { urn } from "./providerHost";
import type { Props } from "./providerHost";

export interface CaptureOptions {
  /** The program's working directory: a program folder, or the repository root. */
  cwd: string;
  /**
   * CommonJS JavaScript run as the Pulumi program from a file in `<cwd>/.tmp/`, so `require` resolves
   * from `cwd` (`@pulumi/pulumi` and `pulumi-yandex-pdd` are the ones installed there, or the repository
   * itself by self-reference). Its `module.exports` become
   * the stack outputs; an exported function (or `default`) is called and its result used, as Pulumi does.
   */
  program: string;
  /** Stack config, e.g. `{ "pdd:token": "..." }`; non-string values are JSON-encoded as Pulumi stores them. */
  config?: Record<string, unknown>;
  /** Config keys to mark secret (`PULUMI_CONFIG_SECRET_KEYS`). */
  secretKeys?: string[];
  env?: NodeJS.ProcessEnv;
  project?: string;
  stack?: string;
  /** Run as a preview (`isDryRun()`); default false. */
  preview?: boolean;
  /**
   * What the mocks answer per resource name instead of `<name>_id` and the inputs: e.g. the id and
   * outputs a provider's Create returned, so the program's exports resolve as after a `pulumi up`.
   */
  states?: Record<string, { id: string; state: Props }>;
  timeoutMs?: number;
}

export interface CapturedResource {
  type: string;
  name: string;
  /** Inputs as the SDK sent them to the engine: `__provider` included, secrets still wrapped. */
  inputs: Props;
  /** The id the mocks gave it: `<name>_id`, or the one given in `states`. */
  id: string;
  custom: boolean;
  /** URNs of the resources it depends on (`dependsOn` and those its inputs came from), as the engine gets them. */
  dependencies: string[];
  /** Its `retainOnDelete` option: `pulumi destroy` does not call Delete for it. */
  retainOnDelete: boolean;
  /** The top-level URN the engine would give it (parents are not reflected). */
  urn: string;
}

export interface CaptureResult {
  resources: CapturedResource[];
  /** The program's resolved exports (Outputs awaited, secrets unwrapped). */
  exports: unknown;
  /** The program's stdout without the result line, and its stderr. */
  stdout: string;
  stderr: string;
}

const MARKER = "@@pdd-harness-capture@@";

// Runs in the child. Mocks are installed before the program loads, then the result is printed once
// every registration has settled: `waitForRPCs` resolves only when the SDK's RPC queue (which covers
// serializing `__provider` and the mock registerResource calls) has drained.
const RUNNER = String.raw`"use strict";
const pulumi = require("@pulumi/pulumi");
const settings = JSON.parse(process.env.PDD_HARNESS_CAPTURE);
const registrations = [];
const requests = new Map();
const errors = [];
process.on("unhandledRejection", (err) => errors.push(String((err && err.stack) || err)));
process.on("uncaughtException", (err) => errors.push(String((err && err.stack) || err)));
pulumi.runtime.setMocks(
  {
    newResource(args) {
      const given = settings.states[args.name];
      const id = given ? given.id : args.name + "_id";
      const req = requests.get(args.name);
      registrations.push({
        type: args.type,
        name: args.name,
        inputs: args.inputs,
        id,
        custom: args.custom,
        dependencies: req ? req.getDependenciesList() : [],
        retainOnDelete: req ? req.getRetainondelete() === true : false,
      });
      return { id, state: given ? given.state : args.inputs };
    },
    // Under mocks the package's data functions ask call(); answer them as the service would, with
    // the installed package's own implementations (so a program's getPddDomainsOutput still reads
    // the emulator it is pointed at).
    call(args) {
      const service = dataFunctions();
      if (service && args.token === "pulumi-yandex-pdd:index:getPddDomains") return service.fetchPddDomains(args.inputs);
      if (service && args.token === "pulumi-yandex-pdd:index:getPddDkim") return service.fetchPddDkim(args.inputs);
      return args.inputs;
    },
  },
  settings.project,
  settings.stack,
  settings.preview,
);
// The mocks do not hand newResource the request's options; keep each request to read them from.
const monitor = pulumi.runtime.getMonitor();
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, callback) => {
  requests.set(req.getName(), req);
  return registerResource(req, callback);
};
pulumi.runtime.setAllConfig(JSON.parse(process.env.PULUMI_CONFIG || "{}"), settings.secretKeys);
function dataFunctions() {
  try {
    const { createRequire } = require("module");
    const path = require("path");
    const fromProgram = createRequire(settings.programFile);
    const root = path.dirname(fromProgram.resolve("pulumi-yandex-pdd/package.json"));
    return fromProgram(path.join(root, "dist", "functions", "service.js"));
  } catch {
    return undefined;
  }
}
async function resolve(value) {
  const out = pulumi.output(value);
  return typeof out.promise === "function" ? out.promise(true) : new Promise((r) => out.apply(r));
}
async function drain() {
  // The queue can refill while it drains (registrations chain further outputs), so drain until quiet.
  for (let seen = -1; seen !== registrations.length; ) {
    seen = registrations.length;
    await pulumi.runtime.waitForRPCs();
    await new Promise((r) => setImmediate(r));
  }
}
(async () => {
  let exported;
  try {
    exported = require(settings.programFile);
    if (typeof exported === "function") exported = await exported();
    else if (exported && typeof exported.default === "function") exported = await exported.default();
    exported = await resolve(exported);
    await drain();
  } catch (err) {
    errors.push(String((err && err.stack) || err));
  }
  if (errors.length > 0) {
    process.stderr.write(errors.join("\n") + "\n");
    process.exit(1);
  }
  const line = JSON.stringify({ resources: registrations, exports: exported === undefined ? null : exported });
  process.stdout.write("\n${MARKER}" + line + "\n", () => process.exit(0));
})();
`;

/**
 * Runs `program` in a child `node` in `cwd` under `pulumi.runtime.setMocks` and returns what it
 * registered. No provider runs (mocks never call one); the captured inputs carry `__provider`, the
 * serialized provider the engine would hand to the provider host.
 */
export async function captureRegistrations(options: CaptureOptions): Promise<CaptureResult> {
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  // Files sit inside cwd so resolution (node_modules, or the package's self-reference) starts there.
  const dir = path.join(options.cwd, ".tmp");
  fs.mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(6).toString("hex")}`;
  const runnerFile = path.join(dir, `harness-capture-${tag}.js`);
  const programFile = path.join(dir, `harness-program-${tag}.js`);
  fs.writeFileSync(runnerFile, RUNNER);
  fs.writeFileSync(programFile, options.program);

  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys ?? []),
    PDD_HARNESS_CAPTURE: JSON.stringify({
      project,
      stack,
      preview: options.preview ?? false,
      secretKeys: options.secretKeys ?? [],
      states: options.states ?? {},
      programFile,
    }),
  };

  try {
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(process.execPath, [runnerFile], {
        cwd: options.cwd,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60000);
      child.once("error", reject);
      child.once("close", (exitCode) => {
        clearTimeout(timer);
        resolve({ code: exitCode, stdout: out, stderr: err });
      });
    });
    const lines = stdout.split("\n");
    const resultLine = lines.find((line) => line.startsWith(MARKER));
    if (code !== 0 || resultLine === undefined) {
      throw new Error(`capture program failed (exit ${code}):\n--- stderr\n${stderr}\n--- stdout\n${stdout}`);
    }
    const parsed = JSON.parse(resultLine.slice(MARKER.length)) as {
      resources: Omit<CapturedResource, "urn">[];
      exports: unknown;
    };
    return {
      resources: parsed.resources.map((r) => ({ ...r, urn: urn(r.type, r.name, { project, stack }) })),
      exports: parsed.exports,
      stdout: lines
        .filter((line) => line !== resultLine)
        .join("\n")
        .replace(/\n+$/, ""),
      stderr,
    };
  } finally {
    fs.rmSync(runnerFile, { force: true });
    fs.rmSync(programFile, { force: true });
  }
}

/**
 * The package as a TypeScript consumer sees it: a tiny project with node_modules/pulumi-yandex-pdd
 * linked to this repository imports the root, `/client`, `/emulator` and a `/runtime/*` module, and
 * the repository's tsc checks it under each module resolution users run: `node` (the subpaths come
 * from `typesVersions`), `node16` (CommonJS and ES module consumers) and `bundler` (both from
 * `exports`). Deliberately wrong imports must fail under each, so the check can fail. The
 * declarations are dist/'s, which the jest globalSetup builds.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunResult } from "./support";
import { repoRoot, requireDist, run, tscBin } from "./support";

interface Variant {
  name: string;
  module: string;
  moduleResolution: string;
  type: "commonjs" | "module";
}

const VARIANTS: Variant[] = [
  { name: "node+commonjs", module: "commonjs", moduleResolution: "node", type: "commonjs" },
  { name: "node16+node16", module: "node16", moduleResolution: "node16", type: "commonjs" },
  { name: "node16+node16, ES module", module: "node16", moduleResolution: "node16", type: "module" },
  { name: "bundler+esnext", module: "esnext", moduleResolution: "bundler", type: "module" },
];

/**
 * Uses something of every entry point, types and values, the way a program and its tooling would.
 * The `@ts-expect-error` lines fail the check (as unused directives) if an entry point's types
 * degrade to `any`, which the consumer's `skipLibCheck` would otherwise let pass.
 */
const GOOD = `
import { CONFIG_KEYS, PddDnsRecord, configuredApi, getPddDkimOutput, getPddDomains } from "pulumi-yandex-pdd";
import type { ApiKind, GetPddDomainsResult, PddDnsRecordArgs } from "pulumi-yandex-pdd";
import { PDD_API_ERROR_CODES, PddApiError, PddClient, isPddError } from "pulumi-yandex-pdd/client";
import type { PddApiErrorCode, PddClientOptions } from "pulumi-yandex-pdd/client";
import { startEmulator } from "pulumi-yandex-pdd/emulator";
import type { EmulatorOptions } from "pulumi-yandex-pdd/emulator";
import * as dnsRecordRuntime from "pulumi-yandex-pdd/runtime/dnsRecord";

export const api: () => ApiKind = configuredApi;
export const tokenKey: string = CONFIG_KEYS.token.key;
export const args: PddDnsRecordArgs = { domain: "example.com", type: "TXT", content: "hello" };
export const makeRecord = (): PddDnsRecord => new PddDnsRecord("txt", args);
// @ts-expect-error not a record type
export const badArgs: PddDnsRecordArgs = { domain: "example.com", type: "BOGUS" };
export const list: () => Promise<GetPddDomainsResult> = () => getPddDomains();
export const dkim = getPddDkimOutput;
export const options: PddClientOptions = { token: "t", endpoint: "http://127.0.0.1:1" };
export const client = (): PddClient => new PddClient(options);
export const firstCode: PddApiErrorCode = PDD_API_ERROR_CODES[0];
// @ts-expect-error not a PDD error code
export const badCode: PddApiErrorCode = "record_exist";
export function explain(err: unknown): string {
  if (isPddError(err, "record_exists")) {
    const code: "record_exists" = err.apiCode;
    // @ts-expect-error narrowed to the literal code
    const other: "bad_ttl" = err.apiCode;
    return code + other;
  }
  return err instanceof PddApiError ? err.message : String(err);
}
export const emulatorOptions: EmulatorOptions = { domains: ["example.com"] };
// @ts-expect-error the port is a number
export const badEmulatorOptions: EmulatorOptions = { port: "8080" };
export const start: typeof startEmulator = startEmulator;
export const create: typeof dnsRecordRuntime.create = dnsRecordRuntime.create;
// @ts-expect-error the runtime takes the resource's property bag
export const badCreate = () => dnsRecordRuntime.create(42);
`;

/** Each line is wrong in its own way; every one must be reported. */
const WRONG = `
import { PddClient } from "pulumi-yandex-pdd";
import { startEmulator } from "pulumi-yandex-pdd/client";
import { nothing } from "pulumi-yandex-pdd/nonexistent";
import { isPddError } from "pulumi-yandex-pdd/client";

export const uses = [PddClient, startEmulator, nothing];
export const wrongCode = isPddError(new Error("x"), "record_exist");
`;

/** What tsc must report for WRONG (line by line): the client is not on the root, and so on. */
const WRONG_REPORTS = [
  /index\.ts\(2,10\): error TS\d+: [^\n]*'PddClient'/,
  /index\.ts\(3,10\): error TS\d+: [^\n]*'startEmulator'/,
  /index\.ts\(4,\d+\): error TS2307: Cannot find module 'pulumi-yandex-pdd\/nonexistent'/,
  /index\.ts\(8,\d+\): error TS\d+: [^]*'"record_exist"'/,
];

let workspace: string;
const results = new Map<string, Promise<RunResult>>();

function writeProject(dir: string, variant: Variant, source: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: "pdd-consumer", version: "0.0.0", private: true, type: variant.type }, null, 2)}\n`,
  );
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022"],
      module: variant.module,
      moduleResolution: variant.moduleResolution,
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [path.join(repoRoot, "node_modules", "@types")],
    },
    files: ["index.ts"],
  };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "index.ts"), source);
}

function tsc(dir: string): Promise<RunResult> {
  return run(process.execPath, [tscBin, "-p", path.join(dir, "tsconfig.json"), "--pretty", "false"], dir);
}

function projectDir(variant: Variant, kind: "good" | "wrong"): string {
  return path.join(workspace, `${variant.name.replace(/[^a-z0-9]+/gi, "-")}-${kind}`);
}

beforeAll(() => {
  requireDist(
    "dist/index.d.ts",
    "dist/client/index.d.ts",
    "dist/emulator/index.d.ts",
    "dist/runtime/dnsRecord.d.ts",
  );
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "pdd-consumers-"));
  // Every project below finds the package here, as installed, with its own dependencies resolved
  // from the repository (tsc and node follow the link to its real path).
  fs.mkdirSync(path.join(workspace, "node_modules"));
  fs.symlinkSync(repoRoot, path.join(workspace, "node_modules", "pulumi-yandex-pdd"), "dir");
  for (const variant of VARIANTS) {
    for (const kind of ["good", "wrong"] as const) {
      const dir = projectDir(variant, kind);
      writeProject(dir, variant, kind === "good" ? GOOD : WRONG);
      const result = tsc(dir);
      result.catch(() => undefined); // awaited by its test
      results.set(`${variant.name}/${kind}`, result);
    }
  }
});

afterAll(async () => {
  await Promise.allSettled(results.values());
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

describe.each(VARIANTS)("a consumer with moduleResolution $moduleResolution ($name)", (variant) => {
  test("type-checks imports of the root, /client, /emulator and /runtime/dnsRecord", async () => {
    const result = await results.get(`${variant.name}/good`)!;
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({
      status: 0,
      output: "",
    });
  }, 240_000);

  test("is told about wrong imports: client names on the root, unknown subpaths and codes", async () => {
    const result = await results.get(`${variant.name}/wrong`)!;
    expect(result.status).not.toBe(0);
    for (const report of WRONG_REPORTS) expect(result.stdout).toMatch(report);
  }, 240_000);
});

describe("at run time", () => {
  test("CommonJS: each entry point loads, and the client is not on the root", async () => {
    const dir = projectDir(VARIANTS[0]!, "good");
    const script = `
      const root = require("pulumi-yandex-pdd");
      const client = require("pulumi-yandex-pdd/client");
      const emulator = require("pulumi-yandex-pdd/emulator");
      const runtime = require("pulumi-yandex-pdd/runtime/dnsRecord");
      console.log(JSON.stringify({
        root: [typeof root.PddDnsRecord, typeof root.getPddDomains, "PddClient" in root, "PddApiError" in root],
        client: [typeof client.PddClient, typeof client.isPddError, new client.PddApiError("dns/add", "bad_ttl").name],
        emulator: typeof emulator.startEmulator,
        runtime: typeof runtime.create,
      }));`;
    const result = await run(process.execPath, ["-e", script], dir);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      root: ["function", "function", false, false],
      client: ["function", "function", "PddApiError"],
      emulator: "function",
      runtime: "function",
    });
  });

  test("ES module: named imports of each entry point resolve", async () => {
    const dir = projectDir(VARIANTS[2]!, "good");
    const script = `
      import { PddDnsRecord } from "pulumi-yandex-pdd";
      import { PddClient, isPddError } from "pulumi-yandex-pdd/client";
      import { startEmulator } from "pulumi-yandex-pdd/emulator";
      import { create } from "pulumi-yandex-pdd/runtime/dnsRecord";
      console.log([PddDnsRecord, PddClient, isPddError, startEmulator, create].map((f) => typeof f).join(","));`;
    const result = await run(process.execPath, ["--input-type=module", "-e", script], dir);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("function,function,function,function,function");
  });
});

/**
 * `npm run demo` without the Pulumi CLI (scripts/demo.sh runs this when `pulumi` is not on PATH):
 * the quickstart (examples/quickstart, the root Pulumi.yaml's program), configured like
 * Pulumi.dev.yaml, deployed through Pulumi's own dynamic provider host against a pdd-emulator started
 * here on a free port, then destroyed.
 *
 * It drives what the engine tests drive (test/harness): the package is built, packed and installed in a
 * program folder as a user gets it; the program runs under `setMocks` to capture what it registers
 * (inputs with the serialized `__provider`, dependencies, `retainOnDelete`); the SDK's provider host
 * is started and called over gRPC in the engine's order: Check per resource (the plan), Check +
 * Create (the update), Check + Diff again (a second preview, expected to be all "same"), Delete in
 * reverse order except for `retainOnDelete` resources (the destroy). The stack outputs are the
 * program's exports with each resource answering with what its Create returned, as the engine
 * answers RegisterResource.
 *
 * Run with `node -r ./bench/register.js scripts/demo-engine.ts` (no build step: register.js
 * transpiles the TypeScript in memory). Exits 0 when every step worked and the emulator is back to
 * its seeded records; 1 with a message otherwise; 130/143 on SIGINT/SIGTERM, after cleaning up.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { startEmulator } from "../src/emulator";
import type { PddEmulator, RawRecord } from "../src/emulator";
import { configuredHost, withoutProvider } from "../test/engine/support";
import {
  captureRegistrations,
  engineCreate,
  engineDelete,
  prepareProgramFolder,
  programFolderInfoFile,
  programFoldersRoot,
  repoRoot,
  unwrapSecrets,
} from "../test/harness";
import type {
  CapturedResource,
  ProgramFolderInfo,
  ProviderHost,
  Props,
  ResourceState,
} from "../test/harness";

// The settings of Pulumi.dev.yaml (the same ones scripts/demo.sh gives `pulumi config set-all`), with
// the emulator's actual port as pdd:endpoint.
const PROJECT = "pdd-quickstart";
const STACK = "demo";
const TOKEN = "dev-token";
const DOMAIN = "example.com";
const ORG_ID = 1234567;
const QUICKSTART = path.join(repoRoot, "examples", "quickstart");

const step = (title: string): void => console.log(`\n==> ${title}`);
const shortType = (type: string): string => type.replace(/^pulumi-nodejs:dynamic\//, "");

// ---------------------------------------------------------------------------------------------
// Cleanup: the emulator, the provider host, the capture's files and, when this run installed it,
// the program folder. Runs once, on success, on failure and on SIGINT/SIGTERM.
// ---------------------------------------------------------------------------------------------

let emulator: PddEmulator | undefined;
let host: ProviderHost | undefined;
let folder:
  { info: ProgramFolderInfo; markerMtimeMs: number; previousPointer: string | undefined } | undefined;
let cleaning: Promise<void> | undefined;
let interrupted = false;

function removeProgramFolder(): void {
  if (folder === undefined) return;
  const { info, markerMtimeMs, previousPointer } = folder;
  // Files the capture left if it was interrupted (their names carry this process's id).
  const tmp = path.join(info.folder, ".tmp");
  for (const name of fs.existsSync(tmp) ? fs.readdirSync(tmp) : []) {
    if (name.startsWith("harness-") && name.includes(`-${process.pid}-`)) fs.rmSync(path.join(tmp, name));
  }
  if (info.reused) return; // The engine tests' cache (pruned by the harness after 10 minutes unused).
  // Installed by this run: remove it, unless another run (a jest run in this checkout) has used it
  // since, which refreshes the marker; the harness prunes it later then.
  const marker = path.join(info.folder, ".harness-ready.json");
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs !== markerMtimeMs) return;
  fs.rmSync(info.folder, { recursive: true, force: true });
  if (previousPointer === undefined) fs.rmSync(programFolderInfoFile, { force: true });
  else fs.writeFileSync(programFolderInfoFile, previousPointer);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await host?.close().catch(() => undefined);
    await emulator?.close().catch(() => undefined);
    try {
      removeProgramFolder();
    } catch (err) {
      console.error(`demo: could not remove ${folder?.info.folder}: ${String(err)}`);
    }
    try {
      fs.rmdirSync(programFoldersRoot); // Only when empty: no other run keeps a folder there.
    } catch {
      // Not empty, or not there.
    }
  })();
  return cleaning;
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\ndemo: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(code));
  });
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

/** A record's inputs as one line, e.g. `A @ 203.0.113.10 ttl=3600`. */
function describe(resource: CapturedResource): string {
  const i = unwrapSecrets(resource.inputs);
  if (!/PddDnsRecord$/.test(resource.type)) return String(i.domain ?? "");
  const content = i.type === "CAA" ? `${i.flag} ${i.tag} "${i.content}"` : i.content;
  const extras = [
    i.priority === undefined ? "" : `priority=${i.priority}`,
    i.ttl === undefined ? "" : `ttl=${i.ttl}`,
    i.adoptExisting === true ? "adoptExisting" : "",
    resource.retainOnDelete ? "retainOnDelete" : "",
  ].filter(Boolean);
  return `${String(i.type).padEnd(4)} ${String(i.subdomain ?? "@").padEnd(4)} ${content} ${extras.join(" ")}`.trim();
}

function row(mark: string, resource: CapturedResource, what: string, detail = ""): string {
  return `  ${mark} ${shortType(resource.type).padEnd(18)} ${resource.name.padEnd(6)} ${what.padEnd(8)} ${detail}`.trimEnd();
}

interface EmulatorState {
  domains: { name: string; orgId: number; records: RawRecord[] }[];
}

async function emulatorState(): Promise<EmulatorState> {
  const response = await fetch(`${emulator!.url}/_emulator/state`);
  if (!response.ok) throw new Error(`GET /_emulator/state answered ${response.status}`);
  return (await response.json()) as EmulatorState;
}

/** The same lines scripts/demo.sh prints from /_emulator/state. */
function printRecords(state: EmulatorState): void {
  for (const domain of state.domains) {
    console.log(`${domain.name} (organization ${domain.orgId})`);
    for (const r of domain.records) {
      const priority = r.priority === "" ? "" : ` priority=${r.priority}`;
      const content = r.type === "CAA" ? `${r.flag} ${r.tag} "${r.content}"` : r.content;
      console.log(
        `  #${r.record_id} ${r.type.padEnd(5)} ${r.subdomain.padEnd(12)} ${content} ttl=${r.ttl}${priority}`,
      );
    }
  }
}

const recordKey = (r: RawRecord): string => JSON.stringify(r);

// ---------------------------------------------------------------------------------------------
// The program and the engine's steps
// ---------------------------------------------------------------------------------------------

/**
 * examples/quickstart/index.ts as CommonJS (what the language host runs after ts-node), with
 * `__dirname`/`__filename` of the example folder, since the harness runs it from a file elsewhere.
 */
function quickstartProgram(): string {
  const file = path.join(QUICKSTART, "index.ts");
  const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  return `(function (__filename, __dirname) {\n${outputText}\n})(${JSON.stringify(file)}, ${JSON.stringify(QUICKSTART)});\n`;
}

/** Registration order, moved where needed so every resource comes after those it depends on. */
function dependencyOrder(resources: CapturedResource[]): CapturedResource[] {
  const ordered: CapturedResource[] = [];
  const done = new Set<string>();
  const pending = [...resources];
  while (pending.length > 0) {
    const index = pending.findIndex((r) =>
      r.dependencies.every((dep) => done.has(dep) || !resources.some((o) => o.urn === dep)),
    );
    if (index < 0) throw new Error(`dependency cycle among ${pending.map((r) => r.name).join(", ")}`);
    const [next] = pending.splice(index, 1);
    ordered.push(next);
    done.add(next.urn);
  }
  return ordered;
}

/** `pulumi preview` per resource: Check, then (for one in the state) Diff. */
async function plan(
  resource: CapturedResource,
  state: ResourceState | undefined,
): Promise<"create" | "same" | "update" | "replace"> {
  const news = unwrapSecrets(resource.inputs);
  const checked = await host!.check(resource.urn, state?.inputs ?? {}, news);
  if (checked.failures.length > 0) {
    const reasons = checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    throw new Error(`${resource.name}: Check failed: ${reasons}`);
  }
  if (state === undefined) return "create";
  const diff = await host!.diff(state.id, state.urn, state.outputs, checked.inputs, {
    oldInputs: state.inputs,
  });
  const changed =
    diff.changes === "some" ||
    (diff.changes === "unknown" && JSON.stringify(checked.inputs) !== JSON.stringify(state.inputs));
  if (!changed) return "same";
  return diff.replaces.length > 0 ? "replace" : "update";
}

function summary(actions: string[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a, (counts.get(a) ?? 0) + 1);
  const words: Record<string, string> = {
    create: "to create",
    same: "unchanged",
    update: "to update",
    replace: "to replace",
  };
  return [...counts].map(([a, n]) => `${n} ${words[a]}`).join(", ");
}

async function main(): Promise<void> {
  console.log(
    "Pulumi CLI not found: running the quickstart through Pulumi's provider host (the engine path the tests use) instead of `pulumi up`.",
  );
  console.log(
    "Install the CLI (curl -fsSL https://get.pulumi.com | sh) and `npm run demo` runs the real `pulumi up`.",
  );

  step("Building, packing and installing the package in a program folder, as a user gets it");
  const previousPointer = fs.existsSync(programFolderInfoFile)
    ? fs.readFileSync(programFolderInfoFile, "utf8")
    : undefined;
  const info = prepareProgramFolder({ log: (message) => console.log(`  ${message}`) });
  const marker = path.join(info.folder, ".harness-ready.json");
  folder = { info, markerMtimeMs: fs.statSync(marker).mtimeMs, previousPointer };
  const how = info.reused
    ? "reused, shared with the engine tests"
    : `npm install took ${((info.installMs ?? 0) / 1000).toFixed(1)} s; removed at the end`;
  console.log(`  ${info.folder} (pulumi-yandex-pdd + @pulumi/pulumi ${info.pulumiVersion}; ${how})`);

  step(`Starting pdd-emulator (domain ${DOMAIN} in Yandex 360 organization ${ORG_ID})`);
  emulator = await startEmulator({ port: 0, token: TOKEN, domains: [DOMAIN], orgIds: [ORG_ID] });
  console.log(`pdd-emulator: ${emulator.url} (Yandex 360 API under ${emulator.url}/directory/v1/)`);
  const seeded = await emulatorState();

  const config: Record<string, string> = {
    "pdd:api": "yandex360",
    "pdd:orgId": String(ORG_ID),
    "pdd:endpoint": emulator.url,
    "pdd:token": TOKEN,
    [`${PROJECT}:domain`]: DOMAIN,
  };
  step(`Stack ${STACK}, configured like Pulumi.dev.yaml (endpoint: the emulator's port)`);
  for (const [key, value] of Object.entries(config)) console.log(`  ${key.padEnd(22)} ${value}`);

  // The host inherits this environment; keep PDD_* settings of the shell out, as the stack config decides.
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["PDD_TOKEN", "PDD_ENDPOINT", "PDD_API", "YANDEX360_ORG_ID", "YANDEX360_OAUTH_TOKEN"]) {
    env[name] = undefined;
  }
  const program = quickstartProgram();
  const run = (states?: Record<string, { id: string; state: Props }>) =>
    captureRegistrations({
      cwd: info.folder,
      program,
      config,
      secretKeys: ["pdd:token"],
      project: PROJECT,
      stack: STACK,
      env,
      states,
    });

  step("Running the program (examples/quickstart/index.ts) to collect its resources");
  const captured = await run();
  for (const line of `${captured.stdout}\n${captured.stderr}`.trim().split("\n").filter(Boolean)) {
    console.log(`  program: ${line}`);
  }
  const resources = dependencyOrder(captured.resources);
  console.log(`  ${resources.length} resources: ${resources.map((r) => r.name).join(", ")}`);

  step("Starting Pulumi's dynamic provider host and configuring it with the stack's pdd:* settings");
  const providerConfig = { "pdd:api": config["pdd:api"], "pdd:orgId": config["pdd:orgId"] };
  host = await configuredHost(info.folder, emulator.url, { token: TOKEN, config: providerConfig, env });
  console.log(
    `  ${path.relative(info.folder, path.join(host.sdkDir, "cmd", "dynamic-provider"))} on port ${host.port}`,
  );

  step("Plan (Check per resource; none in the state yet)");
  const planned: string[] = [];
  for (const resource of resources) {
    const action = await plan(resource, undefined);
    planned.push(action);
    console.log(row("+", resource, action, describe(resource)));
  }
  console.log(`  Resources: ${summary(planned)}`);

  step("Apply (Check + Create per resource, through the provider host)");
  const states = new Map<string, ResourceState>();
  try {
    for (const resource of resources) {
      const state = await engineCreate(host, resource.urn, resource.inputs);
      states.set(resource.name, state);
      const adopted = state.outputs.adoptExisting === true ? " (adoptExisting)" : "";
      const fqdn = typeof state.outputs.fqdn === "string" ? ` ${state.outputs.fqdn}` : "";
      console.log(row("+", resource, "created", `id ${state.id}${fqdn}${adopted}`));
    }
  } catch (err) {
    // `pulumi up` stopped half-way: take down what was created, as scripts/demo.sh does.
    console.error(
      `demo: apply failed: ${err instanceof Error ? err.message : String(err)}; deleting what was created`,
    );
    for (const resource of [...resources].reverse()) {
      const state = states.get(resource.name);
      if (state !== undefined && !resource.retainOnDelete)
        await engineDelete(host, state).catch(() => undefined);
    }
    throw err;
  }
  console.log(`  Resources: ${resources.length} created`);

  step("Stack outputs (the program's exports, each resource answering with what its Create returned)");
  const answered = Object.fromEntries(
    [...states].map(([name, s]) => [name, { id: s.id, state: withoutProvider(s.outputs) }]),
  );
  const outputs = await run(answered);
  console.log(JSON.stringify(outputs.exports, null, 2));

  step("The emulator's records after the apply");
  const applied = await emulatorState();
  printRecords(applied);

  step("Plan again (Check + Diff per resource against the state)");
  const again: string[] = [];
  for (const resource of resources) {
    const action = await plan(resource, states.get(resource.name));
    again.push(action);
    console.log(row(action === "same" ? " " : "~", resource, action));
  }
  console.log(`  Resources: ${summary(again)}`);

  step("Destroy (Delete per resource, in reverse order; retainOnDelete resources are left in place)");
  for (const resource of [...resources].reverse()) {
    const state = states.get(resource.name)!;
    if (resource.retainOnDelete) {
      console.log(row("-", resource, "retained", `id ${state.id} (retainOnDelete: no Delete call)`));
    } else {
      await engineDelete(host, state);
      console.log(row("-", resource, "deleted", `id ${state.id}`));
    }
    states.delete(resource.name);
  }

  step("The emulator's records after the destroy (the adopted MX and SPF records are retained)");
  const destroyed = await emulatorState();
  printRecords(destroyed);
  const before = seeded.domains.flatMap((d) => d.records.map(recordKey)).sort();
  const after = destroyed.domains.flatMap((d) => d.records.map(recordKey)).sort();
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    throw new Error("the emulator's records after the destroy differ from the seeded ones (above)");
  }
  console.log(`Only the ${before.length} seeded records remain, unchanged.`);
  if (again.some((a) => a !== "same")) throw new Error("the second plan was not all `same` (above)");

  step(`Done in ${process.uptime().toFixed(1)} s`);
}

main()
  .then(
    () => cleanup(),
    async (err: unknown) => {
      // A Ctrl-C during the build or npm install (synchronous child processes) surfaces here first, as
      // their failure; let the pending signal's handler run and report it instead.
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (interrupted) return;
      await cleanup();
      const message = err instanceof Error ? err.message : String(err);
      console.error(`\ndemo failed: ${message}`);
      process.exitCode = 1;
    },
  )
  .finally(() => {
    if (interrupted) return;
    // Nothing should keep the process alive now; exit anyway (after stdout drains) if something does.
    setTimeout(() => process.exit(), 5000).unref();
  });

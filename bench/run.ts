/**
 * `npm run bench [-- --api pdd,yandex360 --n 200,1000 --latency-ms 20 --parallel 16]`: proves that
 * `PddDnsRecord` runs at the limit set by API latency and parallelism, through the SDK's own provider
 * host, on each backend (PDD and Yandex 360, both faces of the emulator), and compares it with a naive
 * client. See docs/performance.md for what each figure means.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { parseArgs } from "node:util";
import { keepProgramFolder, prepareProgramFolder } from "../test/harness";
import type { Props } from "../test/harness";
import { captureProgram, configuredHost, inputsOf } from "../test/engine/support";
import { YANDEX360_DNS_PAGE_SIZE } from "../src/client/yandex360";
import { BENCH_APIS, DEFAULT_YANDEX360_MAX_PER_PAGE, backendInfo, benchBackend } from "./backends";
import type { BenchApi, BenchBackend } from "./backends";
import { runBaseline } from "./baseline";
import { measureGetPddDomains } from "./domains";
import { startEmulatorProcess } from "./emulatorProcess";
import type { EmulatorView, RemoteEmulator } from "./emulatorProcess";
import type { DomainsMeasure } from "./domains";
import { idealProviderText } from "./idealProvider";
import { PhaseCpu } from "./cpu";
import { HostMemory } from "./memory";
import {
  comparisonTable,
  controlTable,
  cpuTable,
  evaluateTargets,
  idealRatioTable,
  providerTable,
  runtimeTable,
  summaryLines,
  targetLines,
} from "./report";
import type { SizeRun } from "./report";
import { loadRuntime, runtimeDriver } from "./runtimeDriver";
import { boundedMs, engineDriver, recordFields, runWorkload } from "./workload";
import type { Driver, PhaseMeasure } from "./workload";

const TOKEN = "bench-token-7d41c0e2";
const DOMAIN = "example.com";
const WARM_UP_DOMAIN = "warm-up.example.com";

interface BenchArgs {
  apis: BenchApi[];
  /** The emulator's largest Yandex 360 DNS page (`yandex360DnsMaxPerPage`). */
  yandex360MaxPerPage: number;
  sizes: number[];
  latencyMs: number;
  parallel: number;
  domains: number;
  baseline: boolean;
  floor: boolean;
  control: boolean;
  runs: number;
  strict: boolean;
  json: string | undefined;
  programFolder: string | undefined;
}

const USAGE = `usage: npm run bench -- [options]
  --api <api[,api...]>    backend(s): pdd, yandex360, or pdd,yandex360 for both (default pdd)
  --y360-max-per-page <k> largest DNS page the emulator's Yandex 360 face serves (default ${DEFAULT_YANDEX360_MAX_PER_PAGE});
                          the client asks for 1000 and follows a smaller echoed perPage
  --n <n[,n...]>          records in one domain; a comma-separated list runs each size (default 200)
  --latency-ms <ms>       latency the emulator adds to every API request (default 20)
  --parallel <p>          operations in flight, as \`pulumi up --parallel\` (default 16)
  --domains <d>           account size for the getPddDomains check (default 45; 0 skips it)
  --no-baseline           skip the naive baseline
  --no-floor              skip the zero-latency run that measures the engine path's own cost
  --runs <k>              runs of each timed path per size; tables show the median run of each phase (default 3)
  --no-control            skip the engine path with the ideal provider (one that only waits the latency)
  --strict                also exit non-zero when a wall-time, connection, size or memory target is missed
  --json <file>           also write every measurement to <file>
  --program-folder <dir>  use a folder where pulumi-yandex-pdd is already installed (e.g. another build)
                          instead of building, packing and installing this repository
Exit status: 1 when an API-call target is missed (with --strict: any target), 2 on a usage error.
See docs/performance.md.`;

function positiveInt(name: string, raw: string, allowZero = false): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(
      `--${name} must be a ${allowZero ? "non-negative" : "positive"} whole number, got "${raw}"`,
    );
  }
  return value;
}

function parseCli(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      api: { type: "string", default: "pdd" },
      "y360-max-per-page": { type: "string", default: String(DEFAULT_YANDEX360_MAX_PER_PAGE) },
      n: { type: "string", default: "200" },
      "latency-ms": { type: "string", default: "20" },
      parallel: { type: "string", default: "16" },
      domains: { type: "string", default: "45" },
      "no-baseline": { type: "boolean", default: false },
      "no-floor": { type: "boolean", default: false },
      "no-control": { type: "boolean", default: false },
      runs: { type: "string", default: "3" },
      strict: { type: "boolean", default: false },
      json: { type: "string" },
      "program-folder": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const apis = [...new Set(values.api.split(",").map((a) => a.trim()))];
  for (const api of apis) {
    if (!(BENCH_APIS as readonly string[]).includes(api)) {
      throw new Error(`--api takes ${BENCH_APIS.join(", ")} or a comma-separated list of them, got "${api}"`);
    }
  }
  return {
    apis: apis as BenchApi[],
    yandex360MaxPerPage: positiveInt("y360-max-per-page", values["y360-max-per-page"]),
    sizes: values.n.split(",").map((s) => positiveInt("n", s.trim())),
    latencyMs: positiveInt("latency-ms", values["latency-ms"], true),
    parallel: positiveInt("parallel", values.parallel),
    domains: positiveInt("domains", values.domains, true),
    baseline: !values["no-baseline"],
    floor: !values["no-floor"],
    control: !values["no-control"],
    runs: positiveInt("runs", values.runs),
    strict: values.strict,
    json: values.json,
    programFolder: values["program-folder"],
  };
}

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

/** One `PddDnsRecord` as the SDK registers it from the installed package: the real `__provider` and inputs. */
async function captureTemplate(folder: string): Promise<Props> {
  const record = { domain: DOMAIN, type: "A", ttl: 3600, ...recordFields(0) };
  const resources = await captureProgram(folder, `new pdd.PddDnsRecord("r0", ${JSON.stringify(record)});`, {
    "pdd:token": TOKEN,
  });
  const inputs = inputsOf(resources, "r0");
  if (String(inputs.__provider).includes(TOKEN)) throw new Error("the token leaked into __provider");
  return inputs;
}

/** Records of a separate domain driven through every phase first, so timings are of warmed-up code. */
const WARM_UP_RECORDS = 32;

/** The same workload on another domain, unmeasured: loads and JIT-compiles every code path first. */
async function warmUp(
  driver: Driver,
  template: Props,
  emulator: EmulatorView,
  backend: BenchBackend,
  parallel: number,
) {
  await runWorkload(driver, template, {
    emulator,
    backend,
    domain: WARM_UP_DOMAIN,
    n: WARM_UP_RECORDS,
    parallel,
  });
}

/** A fresh emulator in its own process, so its CPU time is not charged to the code being measured. */
function startBenchEmulator(backend: BenchBackend, latencyMs: number): Promise<RemoteEmulator> {
  return startEmulatorProcess({
    ...backend.emulator,
    token: TOKEN,
    domains: [DOMAIN, WARM_UP_DOMAIN],
    latencyMs,
  });
}

/**
 * The engine path: a fresh emulator (`latencyMs` per request) and a fresh SDK provider host,
 * configured for the backend as a stack would be (`pdd:api`, `pdd:orgId` for Yandex 360).
 */
async function runEngine(
  folder: string,
  backend: BenchBackend,
  template: Props,
  n: number,
  latencyMs: number,
  args: BenchArgs,
) {
  const emulator = await startBenchEmulator(backend, latencyMs);
  const host = await configuredHost(folder, emulator.url, { token: TOKEN, config: backend.config });
  try {
    const memory = new HostMemory(host.pid);
    const cpu = new PhaseCpu({ host: host.pid, emulator: emulator.pid });
    const driver = engineDriver(host);
    await warmUp(driver, template, emulator, backend, args.parallel);
    const hostStartKb = memory.read()?.rssKb ?? 0;
    const result = await runWorkload(driver, template, {
      emulator,
      backend,
      domain: DOMAIN,
      n,
      parallel: args.parallel,
      hooks: {
        before: () => {
          memory.start();
          cpu.begin();
        },
        after: (_phase, measure) => {
          measure.cpuMs = cpu.end();
          measure.hostPeakKb = memory.stop();
        },
      },
    });
    return { ...result, hostStartKb };
  } finally {
    await host.close();
    await emulator.close();
  }
}

/** The provider runtime called directly in this process, against a fresh emulator. */
async function runRuntime(
  folder: string,
  backend: BenchBackend,
  template: Props,
  n: number,
  args: BenchArgs,
) {
  const emulator = await startBenchEmulator(backend, args.latencyMs);
  try {
    const driver = await runtimeDriver(loadRuntime(folder), {
      token: TOKEN,
      endpoint: emulator.url,
      config: backend.config,
    });
    const { __provider: _provider, ...inputs } = template;
    await warmUp(driver, inputs, emulator, backend, args.parallel);
    const cpu = new PhaseCpu({ emulator: emulator.pid });
    const hooks = {
      before: () => cpu.begin(),
      after: (_phase: string, measure: PhaseMeasure) => {
        measure.cpuMs = cpu.end();
      },
    };
    const options = { emulator, backend, domain: DOMAIN, n, parallel: args.parallel, hooks };
    return (await runWorkload(driver, inputs, options)).phases;
  } finally {
    await emulator.close();
  }
}

/** Per phase, the measurement with the median timed part (see `boundedMs`) over several runs. */
function medianPhases(runs: PhaseMeasure[][]): PhaseMeasure[] {
  return runs[0]!.map((first, i) => {
    const sorted = runs.map((r) => r[i]!).sort((a, b) => boundedMs(a) - boundedMs(b));
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? first;
  });
}

/**
 * The provider host's memory over the engine runs: the start and peak of the run whose growth is the
 * median (growth compares within one host process), and the highest peak of any run (for the limit).
 */
function hostMemory(runs: { phases: PhaseMeasure[]; hostStartKb: number }[]) {
  const measured = runs
    .map((r) => ({ startKb: r.hostStartKb, peakKb: Math.max(...r.phases.map((p) => p.hostPeakKb ?? 0)) }))
    .sort((a, b) => a.peakKb - a.startKb - (b.peakKb - b.startKb));
  const median = measured[Math.floor((measured.length - 1) / 2)]!;
  return {
    hostStartKb: median.startKb,
    hostPeakKb: median.peakKb,
    hostMaxPeakKb: Math.max(...measured.map((m) => m.peakKb)),
  };
}

async function runSize(
  folder: string,
  backend: BenchBackend,
  template: Props,
  n: number,
  args: BenchArgs,
): Promise<SizeRun> {
  const at = `${backend.name} N=${n}`;
  const loadBefore = loadAverage();
  let floor: PhaseMeasure[] | undefined;
  if (args.floor && args.latencyMs > 0) {
    log(`${at}: engine path with no added latency (its own cost)`);
    floor = (await runEngine(folder, backend, template, n, 0, args)).phases;
  }
  const engineRuns: Awaited<ReturnType<typeof runEngine>>[] = [];
  const controlRuns: PhaseMeasure[][] = [];
  const runtimeRuns: PhaseMeasure[][] = [];
  // Interleaved, so that a change in the machine's load shifts all three alike.
  for (let r = 1; r <= args.runs; r++) {
    const of = args.runs > 1 ? ` (run ${r} of ${args.runs})` : "";
    log(`${at}: engine path, ${args.latencyMs} ms per request${of}`);
    engineRuns.push(await runEngine(folder, backend, template, n, args.latencyMs, args));
    if (args.control) {
      log(`${at}: engine path with the ideal provider, ${args.latencyMs} ms per step${of}`);
      const ideal = { ...template, __provider: idealProviderText(args.latencyMs) };
      controlRuns.push((await runEngine(folder, backend, ideal, n, args.latencyMs, args)).phases);
    }
    log(`${at}: provider runtime in-process, ${args.latencyMs} ms per request${of}`);
    runtimeRuns.push(await runRuntime(folder, backend, template, n, args));
  }

  let baseline: PhaseMeasure[] | undefined;
  if (args.baseline) {
    log(`${at}: naive baseline, ${args.latencyMs} ms per request`);
    const naive = await startBenchEmulator(backend, args.latencyMs);
    try {
      const common = { emulator: naive, backend, token: TOKEN, parallel: args.parallel };
      await runBaseline({ ...common, domain: WARM_UP_DOMAIN, n: WARM_UP_RECORDS });
      baseline = await runBaseline({ ...common, domain: DOMAIN, n });
    } finally {
      await naive.close();
    }
  }
  return {
    backend: backendInfo(backend),
    n,
    latencyMs: args.latencyMs,
    parallel: args.parallel,
    runs: args.runs,
    engine: medianPhases(engineRuns.map((e) => e.phases)),
    engineAll: engineRuns.map((e) => e.phases),
    floor,
    control: args.control ? medianPhases(controlRuns) : undefined,
    controlAll: args.control ? controlRuns : undefined,
    runtime: medianPhases(runtimeRuns),
    baseline,
    providerBytes: Buffer.byteLength(String(template.__provider)),
    stateBytes: Math.max(...engineRuns.map((e) => e.stateBytes)),
    ...hostMemory(engineRuns),
    leftover: Math.max(...engineRuns.map((e) => e.leftover)),
    load: { before: loadBefore, after: loadAverage() },
  };
}

/** The 1-, 5- and 15-minute load averages: other work on the machine shifts every wall time. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

const benchStarted = performance.now();

function machine(): string {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const cpu = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown CPU";
  const load = loadAverage();
  return (
    `${os.availableParallelism()} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `Node ${process.version}, ${os.platform()} ${os.release()}, load average ${load} at the start`
  );
}

async function main(): Promise<number> {
  const host = machine();
  let args: BenchArgs;
  try {
    args = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let folder = args.programFolder;
  if (folder === undefined) {
    const info = prepareProgramFolder({ log });
    folder = info.folder;
    log(`program folder ${folder} (${info.reused ? "reused" : "installed"})`);
  }
  // A concurrent test run removes program folders unused for 10 minutes; this run takes longer.
  keepProgramFolder(folder);
  const template = await captureTemplate(folder);

  const backends = args.apis.map((api) => benchBackend(api, args.yandex360MaxPerPage));
  const runs: SizeRun[] = [];
  // Sizes outermost: both backends' runs of one N follow each other, under the same machine load.
  for (const n of args.sizes) {
    for (const backend of backends) runs.push(await runSize(folder, backend, template, n, args));
  }
  const domains: DomainsMeasure[] = [];
  if (args.domains > 0) {
    for (const backend of backends) {
      log(`${backend.name}: getPddDomains for ${args.domains} domains`);
      domains.push(await measureGetPddDomains(folder, backend, args.domains, args.latencyMs));
    }
  }

  const out: string[] = [
    `# pulumi-yandex-pdd bench — latency ${args.latencyMs} ms per request, ${args.parallel} operations in flight`,
    `machine: ${host}`,
    `load average at the end: ${loadAverage()}; bench wall time ${((performance.now() - benchStarted) / 60_000).toFixed(1)} min`,
    `command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    "",
  ];
  for (const backend of backends.filter((b) => b.api === "yandex360")) {
    out.push(
      `Yandex 360: DNS listings ask for ${YANDEX360_DNS_PAGE_SIZE} records a page; the emulator serves at most ${backend.emulatorMaxPerPage} (\`--y360-max-per-page\`), so a page holds ${backend.listPageSize} and a refresh's ideal is ⌈records in the zone / ${backend.listPageSize}⌉ ${backend.labels.list} calls (the zone: the N records and the domain's own MX, 2 NS and SPF TXT; Yandex 360 does not list SOA).`,
      "",
    );
  }
  for (const run of runs) {
    out.push(
      `## ${run.backend.name}, N = ${run.n} records in one domain`,
      "",
      "Engine path (the SDK's provider host over gRPC):",
      "",
    );
    out.push(providerTable(run), "");
    if (run.control) {
      out.push("The same engine path with the ideal provider (no work, each step waits the latency):", "");
      out.push(controlTable(run), "");
      out.push(
        `PddDnsRecord over the ideal provider on the engine path (timed parts; medians of ${run.runs} runs, ranges over them):`,
        "",
      );
      out.push(idealRatioTable(run), "");
    }
    if (run.engine.some((p) => p.cpuMs !== undefined)) {
      out.push(
        "CPU time per phase (user + system, every thread; ±10 ms a process), `PddDnsRecord` (real) and the ideal provider on the engine path, and the provider runtime in-process:",
        "",
        cpuTable(run),
        "",
      );
    }
    if (run.runtime) out.push("Provider runtime called in-process (no gRPC):", "", runtimeTable(run), "");
    if (run.baseline) out.push("Naive baseline versus the provider runtime (both in-process):", "");
    if (run.baseline) out.push(comparisonTable(run), "");
    out.push(...summaryLines(run), "");
  }
  for (const d of domains) {
    out.push(
      `getPddDomains (${d.api === "pdd" ? "PDD" : "Yandex 360"}): ${d.domains} domains → ${d.listCalls} ${d.label} calls, ${d.calls} in all (ideal ${d.ideal}: ${d.pageSize} a page), ${d.wallMs.toFixed(0)} ms`,
      "",
    );
  }
  const targets = evaluateTargets(runs, domains);
  out.push("## Targets", "", ...targetLines(targets), "");
  process.stdout.write(`${out.join("\n")}\n`);
  if (args.json) {
    fs.writeFileSync(
      args.json,
      `${JSON.stringify({ args, machine: host, runs, domains, targets }, null, 2)}\n`,
    );
  }
  const fatal = targets.filter((t) => t.status === "FAIL" && (args.strict || t.kind === "api-calls"));
  if (fatal.length > 0) {
    log(`${fatal.length} target(s) missed`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);

import type { DomainsMeasure } from "./domains";
import { boundedMs } from "./workload";
import type { PhaseMeasure } from "./workload";

/** Everything measured for one record count. */
export interface SizeRun {
  n: number;
  latencyMs: number;
  parallel: number;
  /** Runs of each timed path; `engine`, `control` and `runtime` hold each phase's median run. */
  runs: number;
  /** Through the SDK's provider host, with the emulator's latency (each phase's median run). */
  engine: PhaseMeasure[];
  /** Every engine-path run: API-call targets must hold in each of them. */
  engineAll: PhaseMeasure[][];
  /** The engine path again with no added latency: what gRPC, the SDK host and the harness cost by themselves. */
  floor: PhaseMeasure[] | undefined;
  /**
   * The engine path with the ideal provider (bench/idealProvider.ts): the best any provider can do on
   * that path here. It makes no API call, so its bounds are taken from the ideal calls.
   */
  control: PhaseMeasure[] | undefined;
  /** The provider runtime called in-process, with the emulator's latency. */
  runtime: PhaseMeasure[] | undefined;
  /** The naive client, with the emulator's latency. */
  baseline: PhaseMeasure[] | undefined;
  providerBytes: number;
  stateBytes: number;
  /** Provider host's resident memory after start, configure and the warm-up, before the first phase (KiB). */
  hostStartKb: number;
  /** Its peak over all phases of the same run (the run with the median growth). */
  hostPeakKb: number;
  /** The highest peak of any run. */
  hostMaxPeakKb: number;
  /** Records the run left behind in the domain (should be 0). */
  leftover: number;
}

export type TargetKind = "api-calls" | "wall-time" | "connections" | "size" | "memory";

export interface TargetResult {
  kind: TargetKind;
  name: string;
  status: "PASS" | "FAIL" | "SKIP";
  detail: string;
}

/** The limits. */
export const LIMITS = {
  refreshLists: 2,
  wallOverBound: 1.5,
  providerBytes: 3 * 1024,
  hostPeakMb: 300,
  /** Memory growth per record at the largest N at most this many times that at the smallest, plus slack. */
  memoryLinearity: 1.5,
  memorySlackMb: 16,
} as const;

/** Phases whose wall time is held to the latency bound: their work is their API calls. */
const TIMED_PHASES = new Set(["create", "update", "delete"]);
/** Phases made of API calls only, so every slot of the parallelism should hold a request. */
const SATURATED_PHASES = new Set(["create", "delete"]);

export const boundMs = (calls: number, parallel: number, latencyMs: number): number =>
  Math.ceil(calls / parallel) * latencyMs;

const mb = (kb: number): string => (kb / 1024).toFixed(1);
const ms = (v: number): string => v.toFixed(0);
const ratio = (a: number, b: number): string => (b === 0 ? (a === 0 ? "=" : "∞") : `${(a / b).toFixed(2)}×`);
const status = (pass: boolean): "PASS" | "FAIL" => (pass ? "PASS" : "FAIL");
/** Wall time, and for an update its stages: `268 (plan 228 + apply 40)`. */
const wall = (p: PhaseMeasure): string =>
  p.applyMs === undefined
    ? ms(p.wallMs)
    : `${ms(p.wallMs)} (plan ${ms(p.planMs ?? 0)} + apply ${ms(p.applyMs)})`;
/** What is held to the bound over the bound: the apply stage for an update, else the whole phase. */
const overBound = (p: PhaseMeasure, bound: number): string =>
  bound === 0 ? "–" : `${ratio(boundedMs(p), bound)}${p.applyMs === undefined ? "" : " (apply)"}`;

function byEndpoint(calls: Record<string, number>): string {
  const entries = Object.entries(calls).filter(([, v]) => v > 0);
  return entries.length === 0 ? "0" : entries.map(([k, v]) => `${k} ${v}`).join(", ");
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function tally(actions: Record<string, number>): string {
  return Object.entries(actions)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

/** The engine path's figures for one N, as a Markdown table. */
export function providerTable(run: SizeRun): string {
  const rows = run.engine.map((p) => {
    const bound = boundMs(p.totalCalls, run.parallel, run.latencyMs);
    const floor = run.floor?.find((f) => f.phase === p.phase);
    return [
      p.phase,
      byEndpoint(p.calls),
      byEndpoint(p.ideal),
      wall(p),
      ms(bound),
      overBound(p, bound),
      floor ? wall(floor) : "–",
      String(p.connections),
      String(p.maxInFlight),
      p.hostPeakKb === undefined ? "–" : mb(p.hostPeakKb),
      tally(p.actions),
    ];
  });
  return table(
    [
      "phase",
      "API calls",
      "ideal",
      "wall ms",
      "bound ms",
      "timed/bound",
      "floor ms",
      "conns",
      "max in flight",
      "host peak MB",
      "engine saw",
    ],
    rows,
  );
}

/**
 * The ideal provider on the engine path next to `PddDnsRecord`: how close the path itself gets to the
 * latency bound, and what the provider adds on top (`PddDnsRecord / ideal`).
 */
export function controlTable(run: SizeRun): string {
  const rows = (run.control ?? []).map((c) => {
    const bound = boundMs(c.idealTotal, run.parallel, run.latencyMs);
    const p = run.engine.find((e) => e.phase === c.phase);
    return [
      c.phase,
      wall(c),
      ms(bound),
      overBound(c, bound),
      p ? wall(p) : "–",
      p ? ratio(boundedMs(p), boundedMs(c)) : "–",
    ];
  });
  return table(
    [
      "phase",
      "ideal provider wall ms",
      "bound ms",
      "timed/bound",
      "PddDnsRecord wall ms",
      "PddDnsRecord / ideal",
    ],
    rows,
  );
}

/** The provider runtime called in-process: the provider's own code against the latency bound. */
export function runtimeTable(run: SizeRun): string {
  const rows = (run.runtime ?? []).map((p) => {
    const bound = boundMs(p.totalCalls, run.parallel, run.latencyMs);
    return [
      p.phase,
      byEndpoint(p.calls),
      wall(p),
      ms(bound),
      overBound(p, bound),
      String(p.connections),
      String(p.maxInFlight),
      tally(p.actions),
    ];
  });
  return table(
    ["phase", "API calls", "wall ms", "bound ms", "timed/bound", "conns", "max in flight", "saw"],
    rows,
  );
}

/**
 * The naive baseline versus the provider, phase by phase, with ratios naive/provider. Both sides run
 * in this process without gRPC (the provider as its runtime called in-process), so wall times compare
 * like with like; the provider's calls are the same on the engine path.
 */
export function comparisonTable(run: SizeRun): string {
  const baseline = run.baseline ?? [];
  const rows = (run.runtime ?? run.engine).map((p) => {
    const b = baseline.find((x) => x.phase === p.phase);
    return [
      p.phase,
      String(p.totalCalls),
      b ? String(b.totalCalls) : "–",
      b ? ratio(b.totalCalls, p.totalCalls) : "–",
      ms(boundedMs(p)),
      b ? ms(boundedMs(b)) : "–",
      b ? ratio(boundedMs(b), boundedMs(p)) : "–",
      String(p.connections),
      b ? String(b.connections) : "–",
      b ? ratio(b.connections, p.connections) : "–",
    ];
  });
  return table(
    [
      "phase",
      "calls",
      "naive calls",
      "naive/provider",
      "wall ms",
      "naive wall ms",
      "naive/provider",
      "conns",
      "naive conns",
      "naive/provider",
    ],
    rows,
  );
}

export function summaryLines(run: SizeRun): string[] {
  const peak = run.hostPeakKb;
  return [
    `__provider: ${run.providerBytes} bytes per resource (the same text in every record)`,
    `state after create: ${run.stateBytes} bytes for ${run.n} resources, ${Math.round(run.stateBytes / run.n)} per resource (inputs + outputs, __provider in both)`,
    `provider host memory: ${mb(run.hostStartKb)} MB before the first phase, peak ${mb(peak)} MB (+${mb(peak - run.hostStartKb)} MB, ${((peak - run.hostStartKb) / run.n).toFixed(1)} KiB per record; median growth of ${run.engineAll.length} runs), highest peak ${mb(run.hostMaxPeakKb)} MB`,
    `records left behind: ${run.leftover}`,
  ];
}

function timeTarget(at: string, what: string, p: PhaseMeasure, run: SizeRun): TargetResult {
  const bound = boundMs(p.totalCalls, run.parallel, run.latencyMs);
  return {
    kind: "wall-time",
    name: `${at} ${p.phase} (${what}): ${p.applyMs === undefined ? "wall time" : "Update steps"} within ${LIMITS.wallOverBound}× the latency bound`,
    status: status(boundedMs(p) <= LIMITS.wallOverBound * bound),
    detail:
      p.applyMs === undefined
        ? `${ms(p.wallMs)} ms vs bound ${ms(bound)} ms (${ratio(p.wallMs, bound)})`
        : `Update steps ${ms(p.applyMs)} ms vs bound ${ms(bound)} ms (${ratio(p.applyMs, bound)}), ` +
          `after ${ms(p.planMs ?? 0)} ms of Check and Diff of all ${run.n} records`,
  };
}

/** Every target of the issue, evaluated over all runs. */
export function evaluateTargets(runs: SizeRun[], domains: DomainsMeasure | undefined): TargetResult[] {
  const out: TargetResult[] = [];
  for (const run of runs) {
    const at = `N=${run.n}`;
    // Counts must hold in every run, not only in the median one; the detail shows each distinct value.
    const everyRun = (phase: string) => run.engineAll.map((r) => r.find((p) => p.phase === phase)!);
    const distinct = (values: string[]) => [...new Set(values)].join(" | ");
    const runsNote = run.engineAll.length > 1 ? ` (all ${run.engineAll.length} runs)` : "";
    for (const p of run.engine) {
      const all = everyRun(p.phase);
      out.push({
        kind: "api-calls",
        name: `${at} ${p.phase}: API calls equal the ideal${runsNote}`,
        status: status(all.every((x) => sameCounts(x.calls, x.ideal))),
        detail: `${distinct(all.map((x) => byEndpoint(x.calls)))} (ideal ${byEndpoint(p.ideal)})`,
      });
    }
    for (const p of run.engine.filter((x) => x.phase.startsWith("refresh"))) {
      const all = everyRun(p.phase);
      const ok = (x: PhaseMeasure) => {
        const lists = x.calls["dns/list"] ?? 0;
        return lists <= LIMITS.refreshLists && x.totalCalls === lists && x.actions.same === run.n;
      };
      out.push({
        kind: "api-calls",
        name: `${at} ${p.phase}: at most ${LIMITS.refreshLists} dns/list calls, no drift${runsNote}`,
        status: status(all.every(ok)),
        detail: distinct(all.map((x) => `${byEndpoint(x.calls)}; ${tally(x.actions)}`)),
      });
    }
    if (run.engine.some((p) => p.phase === "preview")) {
      const all = everyRun("preview");
      out.push({
        kind: "api-calls",
        name: `${at} steady-state preview: 0 calls, no changes${runsNote}`,
        status: status(all.every((x) => x.totalCalls === 0 && x.actions.same === run.n)),
        detail: distinct(all.map((x) => `${x.totalCalls} calls; ${tally(x.actions)}`)),
      });
    }
    for (const p of run.engine.filter((x) => TIMED_PHASES.has(x.phase))) {
      out.push(timeTarget(at, "engine path", p, run));
    }
    for (const p of (run.runtime ?? []).filter((x) => TIMED_PHASES.has(x.phase))) {
      out.push(timeTarget(at, "provider runtime", p, run));
    }
    for (const c of (run.control ?? []).filter((x) => TIMED_PHASES.has(x.phase))) {
      out.push(timeTarget(at, "ideal provider, engine path", { ...c, totalCalls: c.idealTotal }, run));
    }
    for (const p of run.engine.filter((x) => SATURATED_PHASES.has(x.phase))) {
      out.push({
        kind: "wall-time",
        name: `${at} ${p.phase}: requests reach the service ${run.parallel} at a time`,
        status: status(p.maxInFlight >= Math.min(run.parallel, p.totalCalls)),
        detail: `max in flight ${p.maxInFlight}`,
      });
    }
    out.push({
      kind: "connections",
      name: `${at}: connections opened per phase ≤ requests in flight (${run.parallel})`,
      status: status(run.engineAll.every((r) => r.every((p) => p.connections <= run.parallel))),
      detail: run.engine.map((p) => `${p.phase} ${p.connections}`).join(", "),
    });
    out.push({
      kind: "size",
      name: `${at}: __provider ≤ ${LIMITS.providerBytes} bytes per resource`,
      status: status(run.providerBytes <= LIMITS.providerBytes),
      detail: `${run.providerBytes} bytes`,
    });
    const peak = run.hostMaxPeakKb;
    out.push({
      kind: "memory",
      name: `${at}: provider host peak < ${LIMITS.hostPeakMb} MB`,
      status: peak > 0 ? status(peak < LIMITS.hostPeakMb * 1024) : "SKIP",
      detail: peak > 0 ? `${mb(peak)} MB` : "not measured (no /proc)",
    });
    out.push({
      kind: "api-calls",
      name: `${at}: every record created was deleted`,
      status: status(run.leftover === 0),
      detail: `${run.leftover} left`,
    });
  }
  const sorted = [...runs].sort((a, b) => a.n - b.n);
  const small = sorted[0];
  const large = sorted[sorted.length - 1];
  if (small && large && large.n > small.n) {
    const growth = (r: SizeRun) => r.hostPeakKb - r.hostStartKb;
    const allowedKb =
      (Math.max(growth(small), 0) / small.n) * large.n * LIMITS.memoryLinearity + LIMITS.memorySlackMb * 1024;
    out.push({
      kind: "memory",
      name: `host memory grows at most linearly from N=${small.n} to N=${large.n}`,
      status: status(growth(large) <= allowedKb),
      detail: `+${mb(growth(small))} MB at N=${small.n}, +${mb(growth(large))} MB at N=${large.n} (allowed ${mb(allowedKb)} MB: ${LIMITS.memoryLinearity}× linear + ${LIMITS.memorySlackMb} MB)`,
    });
  } else {
    out.push({
      kind: "memory",
      name: "host memory grows at most linearly with N",
      status: "SKIP",
      detail: "needs two sizes, e.g. --n 200,1000",
    });
  }
  if (!runs.some((r) => r.n >= 1000)) {
    out.push({
      kind: "memory",
      name: "N=1000 completes",
      status: "SKIP",
      detail: "not run (use --n 200,1000)",
    });
  }
  if (domains) {
    out.push({
      kind: "api-calls",
      name: `getPddDomains for ${domains.domains} domains: ${domains.ideal} calls`,
      status: status(domains.calls === domains.ideal && domains.returned === domains.domains),
      detail: `${domains.calls} domain/domains calls, ${domains.returned} distinct domains returned`,
    });
  }
  return out;
}

export function targetLines(targets: TargetResult[]): string[] {
  return targets.map((t) => `${t.status}  [${t.kind}] ${t.name} — ${t.detail}`);
}

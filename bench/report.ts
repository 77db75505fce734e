import type { BackendInfo } from "./backends";
import type { DomainsMeasure } from "./domains";
import { boundedMs } from "./workload";
import type { PhaseMeasure } from "./workload";

/** Everything measured for one record count on one backend. */
export interface SizeRun {
  /** The service the emulator was driven as, and how it lists a zone. */
  backend: BackendInfo;
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
  /** Every ideal-provider run, in the order of `engineAll` (run r of each ran back to back). */
  controlAll: PhaseMeasure[][] | undefined;
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
  /** The machine's load averages (1, 5, 15 min) before and after this size's runs. */
  load?: { before: string; after: string };
}

export type TargetKind = "api-calls" | "wall-time" | "connections" | "size" | "memory";

export interface TargetResult {
  kind: TargetKind;
  name: string;
  status: "PASS" | "FAIL" | "SKIP";
  detail: string;
}

/** The issues' limits. */
export const LIMITS = {
  /** Listings of the zone per refresh (on Yandex 360 each listing is a walk of all its pages). */
  refreshLists: 2,
  wallOverBound: 1.5,
  /** Create, update (apply) and delete on the engine path at most this many times the ideal provider's. */
  wallOverIdeal: 1.3,
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

/**
 * Create, update (apply) and delete of `PddDnsRecord` over the ideal provider's: the ratio of the
 * medians, and the range of the ratios of runs that ran back to back (run r of each).
 */
export function idealRatioTable(run: SizeRun): string {
  const rows: string[][] = [];
  for (const p of run.engine.filter((x) => TIMED_PHASES.has(x.phase))) {
    const c = run.control?.find((x) => x.phase === p.phase);
    if (!c) continue;
    const paired = run.engineAll
      .map((r, i) => {
        const e = r.find((x) => x.phase === p.phase);
        const k = run.controlAll?.[i]?.find((x) => x.phase === p.phase);
        return e && k ? boundedMs(e) / boundedMs(k) : undefined;
      })
      .filter((v): v is number => v !== undefined);
    const range = (values: number[]) =>
      values.length === 0 ? "–" : `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;
    const times = (runs: PhaseMeasure[][] | undefined) =>
      (runs ?? []).map((r) => r.find((x) => x.phase === p.phase)).filter((x) => x !== undefined);
    const msRange = (values: PhaseMeasure[]) =>
      values.length === 0
        ? "–"
        : `${ms(Math.min(...values.map(boundedMs)))}–${ms(Math.max(...values.map(boundedMs)))}`;
    const ok = boundedMs(p) <= LIMITS.wallOverIdeal * boundedMs(c);
    rows.push([
      p.applyMs === undefined ? p.phase : `${p.phase} (apply)`,
      `${ms(boundedMs(p))} (${msRange(times(run.engineAll))})`,
      `${ms(boundedMs(c))} (${msRange(times(run.controlAll))})`,
      ratio(boundedMs(p), boundedMs(c)),
      range(paired),
      ok ? "PASS" : "FAIL",
    ]);
  }
  return table(
    [
      "phase",
      "PddDnsRecord ms (range)",
      "ideal provider ms (range)",
      "median / median",
      "run by run",
      `≤ ${LIMITS.wallOverIdeal}×`,
    ],
    rows,
  );
}

/**
 * CPU time per phase (each phase's median run) of every process on the two-core machine: the
 * provider host, the bench (the engine stand-in's gRPC client, or the provider itself in-process) and
 * the emulator, for `PddDnsRecord` and the ideal provider on the engine path and for the provider
 * runtime in-process. Where the wall time goes when the cores are shared.
 */
export function cpuTable(run: SizeRun): string {
  const f = (v: number | undefined): string => (v === undefined ? "–" : ms(v));
  const total = (p: PhaseMeasure | undefined): number | undefined =>
    p?.cpuMs === undefined ? undefined : p.cpuMs.bench + (p.cpuMs.host ?? 0) + (p.cpuMs.emulator ?? 0);
  const busy = (p: PhaseMeasure | undefined): string => {
    const t = total(p);
    return p === undefined || t === undefined || p.wallMs === 0 ? "–" : (t / p.wallMs).toFixed(2);
  };
  const rows = run.engine.map((p) => {
    const c = run.control?.find((x) => x.phase === p.phase);
    const r = run.runtime?.find((x) => x.phase === p.phase);
    return [
      p.phase,
      `${ms(p.wallMs)} / ${c ? ms(c.wallMs) : "–"}`,
      `${f(p.cpuMs?.host)} / ${f(c?.cpuMs?.host)}`,
      `${f(p.cpuMs?.bench)} / ${f(c?.cpuMs?.bench)}`,
      f(p.cpuMs?.emulator),
      `${f(total(p))} / ${f(total(c))}`,
      `${busy(p)} / ${busy(c)}`,
      r ? `${ms(r.wallMs)}: ${f(r.cpuMs?.bench)} + ${f(r.cpuMs?.emulator)}` : "–",
    ];
  });
  return table(
    [
      "phase",
      "wall ms: real / ideal",
      "host CPU ms: real / ideal",
      "bench CPU ms: real / ideal",
      "emulator CPU ms",
      "all CPU ms: real / ideal",
      "cores busy: real / ideal",
      "runtime in-process: wall: provider + emulator CPU ms",
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
    ...(run.load ? [`load average: ${run.load.before} before these runs, ${run.load.after} after`] : []),
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

/** Where a figure comes from in target names: `PDD N=200`, `Yandex 360 N=1000`. */
export const runName = (run: SizeRun): string => `${run.backend.name} N=${run.n}`;

/** Every target of the issues, evaluated over all runs. */
export function evaluateTargets(runs: SizeRun[], domains: DomainsMeasure[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const run of runs) {
    const at = runName(run);
    const listLabel = run.backend.labels.list;
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
      // One listing is one call on PDD, a walk of ⌈records / page size⌉ pages on Yandex 360.
      const perListing = p.ideal[listLabel] ?? 1;
      const limit = LIMITS.refreshLists * perListing;
      const ok = (x: PhaseMeasure) => {
        const lists = x.calls[listLabel] ?? 0;
        return lists <= limit && x.totalCalls === lists && x.actions.same === run.n;
      };
      const what =
        perListing === 1 && run.backend.listPageSize === undefined
          ? `at most ${limit} ${listLabel} calls`
          : `at most ${LIMITS.refreshLists} listings (${limit} ${listLabel} calls: ${p.listed} records, ${run.backend.listPageSize} a page)`;
      out.push({
        kind: "api-calls",
        name: `${at} ${p.phase}: ${what}, no drift${runsNote}`,
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
    for (const p of run.engine.filter((x) => TIMED_PHASES.has(x.phase))) {
      const c = run.control?.find((x) => x.phase === p.phase);
      if (c) out.push(idealTarget(at, p, c, run));
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
  for (const api of [...new Set(runs.map((r) => r.backend.api))]) {
    const sorted = runs.filter((r) => r.backend.api === api).sort((a, b) => a.n - b.n);
    const small = sorted[0]!;
    const large = sorted[sorted.length - 1]!;
    const name = small.backend.name;
    if (large.n > small.n) {
      const growth = (r: SizeRun) => r.hostPeakKb - r.hostStartKb;
      const allowedKb =
        (Math.max(growth(small), 0) / small.n) * large.n * LIMITS.memoryLinearity +
        LIMITS.memorySlackMb * 1024;
      out.push({
        kind: "memory",
        name: `${name}: host memory grows at most linearly from N=${small.n} to N=${large.n}`,
        status: status(growth(large) <= allowedKb),
        detail: `+${mb(growth(small))} MB at N=${small.n}, +${mb(growth(large))} MB at N=${large.n} (allowed ${mb(allowedKb)} MB: ${LIMITS.memoryLinearity}× linear + ${LIMITS.memorySlackMb} MB)`,
      });
    } else {
      out.push({
        kind: "memory",
        name: `${name}: host memory grows at most linearly with N`,
        status: "SKIP",
        detail: "needs two sizes, e.g. --n 200,1000",
      });
    }
    if (!sorted.some((r) => r.n >= 1000)) {
      out.push({
        kind: "memory",
        name: `${name}: N=1000 completes`,
        status: "SKIP",
        detail: "not run (use --n 200,1000)",
      });
    }
  }
  for (const d of domains) {
    const name = d.api === "pdd" ? "PDD" : "Yandex 360";
    out.push({
      kind: "api-calls",
      name: `${name} getPddDomains for ${d.domains} domains: ${d.ideal} ${d.label} calls (${d.pageSize} a page), nothing else`,
      status: status(d.listCalls === d.ideal && d.calls === d.ideal && d.returned === d.domains),
      detail: `${d.listCalls} ${d.label} calls (${d.calls} in all), ${d.returned} distinct domains returned`,
    });
  }
  return out;
}

/** `PddDnsRecord` against the ideal provider on the same engine path: the provider's own share. */
function idealTarget(at: string, p: PhaseMeasure, c: PhaseMeasure, run: SizeRun): TargetResult {
  const part = p.applyMs === undefined ? "wall time" : "Update steps";
  return {
    kind: "wall-time",
    name: `${at} ${p.phase} (engine path): ${part} within ${LIMITS.wallOverIdeal}× the ideal provider's on the same path (medians of ${run.runs})`,
    status: status(boundedMs(p) <= LIMITS.wallOverIdeal * boundedMs(c)),
    detail: `${ms(boundedMs(p))} ms vs ${ms(boundedMs(c))} ms (${ratio(boundedMs(p), boundedMs(c))})`,
  };
}

export function targetLines(targets: TargetResult[]): string[] {
  return targets.map((t) => `${t.status}  [${t.kind}] ${t.name} — ${t.detail}`);
}

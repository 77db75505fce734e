import { CheckFailedError, engineDelete, engineRefresh, unwrapSecrets, urn } from "../test/harness";
import type { DiffResult, ProviderHost, Props, ResourceState } from "../test/harness";
import type { BenchBackend } from "./backends";
import type { CpuMeasure } from "./cpu";
import type { EmulatorView } from "./emulatorProcess";
import { StepExecutor } from "./pool";

/** The engine's type token of `PddDnsRecord`. */
export const DNS_TYPE = "pulumi-nodejs:dynamic/pdd:PddDnsRecord";

/** The phases of one run, in order. */
export const PHASES = ["create", "preview", "refresh", "update", "refresh-2", "delete"] as const;
export type PhaseName = (typeof PHASES)[number];

/** What a phase cost, measured at the emulator (the service's side) and by the wall clock. */
export interface PhaseMeasure {
  phase: PhaseName;
  /** API requests the service received, by endpoint. */
  calls: Record<string, number>;
  totalCalls: number;
  /** The fewest requests the phase can be done with. */
  ideal: Record<string, number>;
  /** Refresh only: the records a listing of the zone returns, which set its ideal on Yandex 360. */
  listed?: number;
  idealTotal: number;
  /** The whole phase, from its first step to its last answer. */
  wallMs: number;
  /**
   * Update only: the phase in its two stages. `planMs` is step generation for every resource (Check,
   * and Diff on the executor): the work a preview does, without API calls. `applyMs` is the Update
   * steps of the resources Diff found changed: the part the latency bound is about.
   */
  planMs?: number;
  applyMs?: number;
  /** TCP connections the service accepted during the phase. */
  connections: number;
  /** Most requests the service was processing at once. */
  maxInFlight: number;
  /** What the engine concluded per resource, e.g. `{ same: 180, update: 20 }`. */
  actions: Record<string, number>;
  /** Peak resident memory of the provider host during the phase (KiB), when measured. */
  hostPeakKb?: number;
  /** CPU time each process spent in the phase, when measured. */
  cpuMs?: CpuMeasure;
}

/** Per-phase hooks, e.g. to sample the provider host's memory. */
export interface PhaseHooks {
  before?(phase: PhaseName): void;
  /** May add to the measurement (e.g. `hostPeakKb`). */
  after?(phase: PhaseName, measure: PhaseMeasure): void;
}

/** What Diff concluded, as the engine acts on it. */
export type DiffOutcome = "same" | "update" | "replace";

/**
 * One provider's steps as the engine calls them; `news` and `inputs` carry `__provider` on the engine
 * path. {@link runWorkload} orders and overlaps them the way the engine does.
 */
export interface Driver {
  /** Check: `olds` are the previous inputs, `{}` for a new resource. Resolves to the checked inputs. */
  check(urn: string, olds: Props, news: Props): Promise<Props>;
  /** Diff of checked inputs against a resource's state. */
  diff(state: ResourceState, inputs: Props): Promise<DiffOutcome>;
  create(urn: string, inputs: Props): Promise<ResourceState>;
  update(state: ResourceState, inputs: Props): Promise<ResourceState>;
  /** Read (refresh); undefined when the resource is gone. */
  read(state: ResourceState): Promise<ResourceState | undefined>;
  delete(state: ResourceState): Promise<void>;
}

export interface WorkloadOptions {
  emulator: EmulatorView;
  /** The service the emulator is driven as: its endpoint labels and the cost of listing a zone. */
  backend: BenchBackend;
  /** The domain all records live in (on the emulator's account). */
  domain: string;
  n: number;
  /** Operations in flight at once. */
  parallel: number;
  hooks?: PhaseHooks;
}

/** How many records the update phase changes: 10%, at least one. */
export function updateCount(n: number): number {
  return Math.max(1, Math.floor(n / 10));
}

/** The indexes the update phase changes, spread evenly over the records. */
export function updatedIndexes(n: number): Set<number> {
  const k = updateCount(n);
  return new Set(Array.from({ length: k }, (_, j) => Math.floor((j * n) / k)));
}

/**
 * The fewest API calls of each phase for `n` records in one domain on `backend`; a refresh reads a
 * zone of `listed` records (the `n` and the domain's own), which takes one PDD `dns/list` or
 * the Yandex 360 pages (⌈listed / page size⌉, plus page 1 read again when there are several).
 */
export function idealCalls(
  phase: PhaseName,
  n: number,
  backend: BenchBackend,
  listed: number,
): Record<string, number> {
  const { labels } = backend;
  switch (phase) {
    case "create":
      return { [labels.add]: n };
    case "preview":
      return {};
    case "refresh":
    case "refresh-2":
      return { [labels.list]: backend.listCalls(listed) };
    case "update":
      return { [labels.edit]: updateCount(n) };
    case "delete":
      return { [labels.del]: n };
  }
}

/** Record `i`'s A record: `r<i>` → 10.<generation>.<i/256>.<i%256>; generation 1 is the updated content. */
export function recordFields(i: number, generation = 0): { subdomain: string; content: string } {
  return { subdomain: `r${i}`, content: `10.${generation}.${Math.floor(i / 256) % 256}.${i % 256}` };
}

/** JSON with sorted keys, for comparing property bags whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** What a phase's body reports: one outcome per resource and, for update, its two stages. */
export interface PhaseOutcome {
  outcomes: string[];
  planMs?: number;
  applyMs?: number;
}

/** The part of a phase the latency bound applies to: the apply stage of an update, else the whole phase. */
export function boundedMs(measure: PhaseMeasure): number {
  return measure.applyMs ?? measure.wallMs;
}

/** Runs `body` as one phase: resets the emulator's counters first and reads them afterwards. */
export async function measurePhase(
  options: Pick<WorkloadOptions, "emulator" | "backend" | "domain" | "n" | "hooks">,
  phase: PhaseName,
  body: () => Promise<PhaseOutcome>,
): Promise<PhaseMeasure> {
  const { emulator, backend, domain, n, hooks } = options;
  // The zone a refresh lists, as it stands before the phase (read over IPC: not an API call).
  const listed = phase.startsWith("refresh") ? backend.listed(await emulator.records(domain)) : 0;
  await emulator.resetStats();
  hooks?.before?.(phase);
  const started = performance.now();
  const { outcomes, planMs, applyMs } = await body();
  const wallMs = performance.now() - started;
  const stats = await emulator.stats();
  const ideal = idealCalls(phase, n, backend, listed);
  const measure: PhaseMeasure = {
    phase,
    calls: stats.requests.byEndpoint,
    totalCalls: stats.requests.total,
    ideal,
    idealTotal: sum(ideal),
    ...(phase.startsWith("refresh") ? { listed } : {}),
    wallMs,
    ...(planMs === undefined ? {} : { planMs }),
    ...(applyMs === undefined ? {} : { applyMs }),
    connections: stats.connections,
    maxInFlight: stats.maxInFlight,
    actions: tally(outcomes),
  };
  hooks?.after?.(phase, measure);
  return measure;
}

export interface WorkloadResult {
  phases: PhaseMeasure[];
  /** JSON bytes of every resource's state (inputs and outputs) after create. */
  stateBytes: number;
  /** Records the run added to the domain and did not delete (should be 0). */
  leftover: number;
}

/**
 * `n` A records of one domain through every phase, scheduled as Pulumi's engine schedules them: a
 * serial step generator (it calls Check for one resource at a time and hands each step over without
 * waiting) feeding a step executor with `parallel` steps in flight (Diff, Create, Update, Read, Delete).
 * create → preview (nothing changed) → refresh → update (10% changed) → refresh → delete.
 * `template` holds the inputs every record shares (for the engine path, `__provider` among them).
 */
export async function runWorkload(
  driver: Driver,
  template: Props,
  options: WorkloadOptions,
): Promise<WorkloadResult> {
  const { domain, n, parallel, emulator } = options;
  const base = unwrapSecrets({ ...template, domain });
  const news = (i: number, generation = 0): Props => ({ ...base, ...recordFields(i, generation) });
  const indexes = Array.from({ length: n }, (_, i) => i);
  const changed = updatedIndexes(n);
  const before = new Set((await emulator.records(domain)).map((r) => String(r.record_id)));
  const phases: PhaseMeasure[] = [];
  let states: ResourceState[] = [];

  /** Step generation: Check each resource in turn, submitting the step that follows to the executor. */
  const generate = async <T>(
    executor: StepExecutor,
    check: (i: number) => [urn: string, olds: Props, news: Props],
    step: (i: number, inputs: Props) => Promise<T>,
  ): Promise<T[]> => {
    const steps: Promise<T>[] = [];
    for (const i of indexes) {
      const inputs = await driver.check(...check(i));
      steps.push(executor.submit(() => step(i, inputs)));
    }
    await executor.drain();
    return Promise.all(steps);
  };
  const executor = () => new StepExecutor(parallel);
  /** Steps with no step generation before them (Read, Delete, an update's apply stage): all at once. */
  const executeAll = async <S, T>(items: readonly S[], step: (item: S) => Promise<T>): Promise<T[]> => {
    const exec = executor();
    const results = items.map((item) => exec.submit(() => step(item)));
    await exec.drain();
    return Promise.all(results);
  };

  phases.push(
    await measurePhase(options, "create", async () => {
      const urnOf = (i: number) => urn(DNS_TYPE, `r${i}`);
      states = await generate(
        executor(),
        (i) => [urnOf(i), {}, news(i)],
        (i, inputs) => driver.create(urnOf(i), inputs),
      );
      return { outcomes: states.map(() => "create") };
    }),
  );
  const stateBytes = Buffer.byteLength(
    JSON.stringify(states.map((s) => ({ urn: s.urn, id: s.id, inputs: s.inputs, outputs: s.outputs }))),
  );

  phases.push(
    await measurePhase(options, "preview", async () => ({
      outcomes: await generate(
        executor(),
        (i) => [states[i]!.urn, states[i]!.inputs, news(i)],
        (i, inputs) => driver.diff(states[i]!, inputs),
      ),
    })),
  );

  const refresh = (phase: "refresh" | "refresh-2") =>
    measurePhase(options, phase, async () => {
      const read = await executeAll(states, (state) => driver.read(state));
      const outcomes = read.map((s, i) =>
        !s ? "gone" : canonicalJson(s.outputs) === canonicalJson(states[i]!.outputs) ? "same" : "drift",
      );
      states = read.map((s, i) => s ?? states[i]!);
      return { outcomes };
    });

  phases.push(await refresh("refresh"));

  phases.push(
    await measurePhase(options, "update", async () => {
      // Timed in two stages (the engine overlaps them, so their sum is an upper bound of the phase).
      const planStarted = performance.now();
      const plans = await generate(
        executor(),
        (i) => [states[i]!.urn, states[i]!.inputs, news(i, changed.has(i) ? 1 : 0)],
        async (i, inputs) => ({ i, inputs, outcome: await driver.diff(states[i]!, inputs) }),
      );
      const planMs = performance.now() - planStarted;
      const replaced = plans.find((p) => p.outcome === "replace");
      if (replaced) throw new Error(`unexpected replacement of ${states[replaced.i]!.urn}`);
      const applyStarted = performance.now();
      // Unchanged resources are same steps: they record the new inputs and make no call.
      states = await executeAll(plans, async ({ i, inputs, outcome }) =>
        outcome === "update" ? driver.update(states[i]!, inputs) : { ...states[i]!, inputs },
      );
      const applyMs = performance.now() - applyStarted;
      return { outcomes: plans.map((p) => p.outcome), planMs, applyMs };
    }),
  );

  phases.push(await refresh("refresh-2"));

  phases.push(
    await measurePhase(options, "delete", async () => {
      await executeAll(states, (state) => driver.delete(state));
      return { outcomes: states.map(() => "delete") };
    }),
  );

  const leftover = (await emulator.records(domain)).filter((r) => !before.has(String(r.record_id))).length;
  return { phases, stateBytes, leftover };
}

/** What the engine makes of a Diff answer; "unknown" falls back to comparing inputs, as the engine does. */
export function diffOutcome(diff: DiffResult, inputs: Props, oldInputs: Props): DiffOutcome {
  if (diff.changes === "some") return diff.replaces.length > 0 ? "replace" : "update";
  if (diff.changes === "none") return "same";
  return canonicalJson(inputs) === canonicalJson(oldInputs) ? "same" : "update";
}

/**
 * The engine path: every step is the RPC `pulumi up`/`preview`/`refresh`/`destroy` sends the SDK's
 * dynamic provider host, with the engine's arguments.
 */
export function engineDriver(host: ProviderHost): Driver {
  return {
    async check(resourceUrn, olds, news) {
      const result = await host.check(resourceUrn, olds, news);
      if (result.failures.length > 0) throw new CheckFailedError(result.failures);
      return result.inputs;
    },
    async diff(state, inputs) {
      const diff = await host.diff(state.id, state.urn, state.outputs, inputs, { oldInputs: state.inputs });
      return diffOutcome(diff, inputs, state.inputs);
    },
    async create(resourceUrn, inputs) {
      const created = await host.create(resourceUrn, inputs);
      return { urn: resourceUrn, id: created.id, inputs, outputs: created.properties };
    },
    async update(state, inputs) {
      const updated = await host.update(state.id, state.urn, state.outputs, inputs, {
        oldInputs: state.inputs,
      });
      return { ...state, inputs, outputs: updated.properties };
    },
    read: (state) => engineRefresh(host, state),
    delete: (state) => engineDelete(host, state),
  };
}

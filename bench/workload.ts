import { engineCreate, engineDelete, engineRefresh, engineUpdate, unwrapSecrets, urn } from "../test/harness";
import type { ProviderHost, Props, ResourceState } from "../test/harness";
import type { EmulatorView } from "./emulatorProcess";
import { runPool } from "./pool";

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
  idealTotal: number;
  wallMs: number;
  /** TCP connections the service accepted during the phase. */
  connections: number;
  /** Most requests the service was processing at once. */
  maxInFlight: number;
  /** What the engine concluded per resource, e.g. `{ same: 180, update: 20 }`. */
  actions: Record<string, number>;
  /** Peak resident memory of the provider host during the phase (KiB), when measured. */
  hostPeakKb?: number;
}

/** Per-phase hooks, e.g. to sample the provider host's memory. */
export interface PhaseHooks {
  before?(phase: PhaseName): void;
  /** May add to the measurement (e.g. `hostPeakKb`). */
  after?(phase: PhaseName, measure: PhaseMeasure): void;
}

/**
 * One resource's lifecycle steps, as the engine runs them. `news` are the program's inputs; the
 * result of `preview` and `update` is what the engine concluded.
 */
export interface Driver {
  create(urn: string, news: Props): Promise<ResourceState>;
  preview(state: ResourceState, news: Props): Promise<"same" | "changed">;
  refresh(state: ResourceState): Promise<ResourceState | undefined>;
  update(state: ResourceState, news: Props): Promise<{ action: string; state: ResourceState }>;
  delete(state: ResourceState): Promise<void>;
}

export interface WorkloadOptions {
  emulator: EmulatorView;
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

/** The fewest API calls of each phase for `n` records in one domain. */
export function idealCalls(phase: PhaseName, n: number): Record<string, number> {
  switch (phase) {
    case "create":
      return { "dns/add": n };
    case "preview":
      return {};
    case "refresh":
    case "refresh-2":
      return { "dns/list": 1 };
    case "update":
      return { "dns/edit": updateCount(n) };
    case "delete":
      return { "dns/del": n };
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

/** Runs `body` as one phase: resets the emulator's counters first and reads them afterwards. */
export async function measurePhase(
  options: Pick<WorkloadOptions, "emulator" | "n" | "hooks">,
  phase: PhaseName,
  body: () => Promise<string[]>,
): Promise<PhaseMeasure> {
  const { emulator, n, hooks } = options;
  await emulator.resetStats();
  hooks?.before?.(phase);
  const started = performance.now();
  const outcomes = await body();
  const wallMs = performance.now() - started;
  const stats = await emulator.stats();
  const ideal = idealCalls(phase, n);
  const measure: PhaseMeasure = {
    phase,
    calls: stats.requests.byEndpoint,
    totalCalls: stats.requests.total,
    ideal,
    idealTotal: sum(ideal),
    wallMs,
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
 * `n` A records of one domain through every phase, `parallel` operations in flight:
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

  phases.push(
    await measurePhase(options, "create", async () => {
      states = await runPool(indexes, parallel, (i) => driver.create(urn(DNS_TYPE, `r${i}`), news(i)));
      return states.map(() => "create");
    }),
  );
  const stateBytes = Buffer.byteLength(
    JSON.stringify(states.map((s) => ({ urn: s.urn, id: s.id, inputs: s.inputs, outputs: s.outputs }))),
  );

  phases.push(
    await measurePhase(options, "preview", () =>
      runPool(indexes, parallel, (i) => driver.preview(states[i]!, news(i))),
    ),
  );

  const refresh = (phase: "refresh" | "refresh-2") =>
    measurePhase(options, phase, async () => {
      const read = await runPool(states, parallel, (state) => driver.refresh(state));
      const outcomes = read.map((s, i) =>
        !s ? "gone" : canonicalJson(s.outputs) === canonicalJson(states[i]!.outputs) ? "same" : "drift",
      );
      states = read.map((s, i) => s ?? states[i]!);
      return outcomes;
    });

  phases.push(await refresh("refresh"));

  phases.push(
    await measurePhase(options, "update", async () => {
      const results = await runPool(indexes, parallel, (i) =>
        driver.update(states[i]!, news(i, changed.has(i) ? 1 : 0)),
      );
      states = results.map((r) => r.state);
      return results.map((r) => r.action);
    }),
  );

  phases.push(await refresh("refresh-2"));

  phases.push(
    await measurePhase(options, "delete", async () => {
      await runPool(states, parallel, (state) => driver.delete(state));
      return states.map(() => "delete");
    }),
  );

  const leftover = (await emulator.records(domain)).filter((r) => !before.has(String(r.record_id))).length;
  return { phases, stateBytes, leftover };
}

/**
 * The engine path: every step is the RPCs `pulumi up`/`preview`/`refresh`/`destroy` send the SDK's
 * dynamic provider host (Check and Create; Check and Diff; Read; Check, Diff and Update; Delete).
 */
export function engineDriver(host: ProviderHost): Driver {
  return {
    create: (resourceUrn, news) => engineCreate(host, resourceUrn, news),
    async preview(state, news) {
      const checked = await host.check(state.urn, state.inputs, news);
      if (checked.failures.length > 0) {
        throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
      }
      const diff = await host.diff(state.id, state.urn, state.outputs, checked.inputs, {
        oldInputs: state.inputs,
      });
      return diff.changes === "none" ? "same" : "changed";
    },
    refresh: (state) => engineRefresh(host, state),
    update: (state, news) => engineUpdate(host, state, news),
    delete: (state) => engineDelete(host, state),
  };
}

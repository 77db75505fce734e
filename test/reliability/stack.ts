/**
 * A small model of what `pulumi up`, `pulumi refresh` and `pulumi destroy` do with a stack's state,
 * including what the harness's lifecycle helpers leave out: partial failures ("created, but failed to
 * initialize": the provider's error carries an id and properties, the engine keeps them in the state
 * and runs Update on the next `up`), replacements whose old resource could not be deleted yet
 * (pending deletes), and reruns. Every run starts a fresh provider host, as every CLI invocation does.
 */
import { CheckFailedError, ProviderHostError, startProviderHost, unwrapSecrets } from "../harness";
import type { ProviderHost, Props, ResourceState } from "../harness";

export interface StackResourceState extends ResourceState {
  /** Set after a partial failure; the engine runs Update on the next `up` even without a diff. */
  initErrors?: string[];
}

export interface Slot {
  name: string;
  urn: string;
  state?: StackResourceState;
  /** Old resources of a create-before-delete replacement whose Delete has not succeeded yet. */
  condemned: StackResourceState[];
}

export type Operation = "create" | "update" | "replace" | "same" | "delete" | "refresh" | "gone";

export interface StepResult {
  name: string;
  operation: Operation | "failed";
  /** The error message the engine would print, when the step failed. */
  error?: string;
  /** The provider answered with a partial failure (an id kept in the state). */
  partial?: boolean;
}

export interface HostOptions {
  cwd: string;
  config: Props;
  secretKeys: string[];
  env?: NodeJS.ProcessEnv;
}

/** A provider host configured as the engine configures it for one CLI invocation. */
export async function startConfiguredHost(options: HostOptions): Promise<ProviderHost> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The host inherits the CLI's environment; keep the test runner's settings out unless a test sets them.
  for (const key of [
    "PDD_TOKEN",
    "PDD_ENDPOINT",
    "PDD_REQUEST_TIMEOUT_MS",
    "PDD_LOG",
    "PDD_API",
    "YANDEX360_ORG_ID",
    "YANDEX360_OAUTH_TOKEN",
  ]) {
    if (options.env?.[key] === undefined) delete env[key];
  }
  const host = await startProviderHost({ cwd: options.cwd, env, callTimeoutMs: 120_000 });
  await host.configure(options.config, { secretKeys: options.secretKeys });
  return host;
}

async function checked(host: ProviderHost, urn: string, olds: Props, news: Props): Promise<Props> {
  const result = await host.check(urn, olds, unwrapSecrets(news));
  if (result.failures.length > 0) throw new CheckFailedError(result.failures);
  return result.inputs;
}

function partialState(urn: string, inputs: Props, err: unknown): StackResourceState | undefined {
  if (!(err instanceof ProviderHostError) || !err.initFailed) return undefined;
  const { id, properties, reasons } = err.initFailed;
  return { urn, id, inputs, outputs: properties, initErrors: reasons };
}

async function createInto(host: ProviderHost, slot: Slot, news: Props): Promise<void> {
  const inputs = await checked(host, slot.urn, {}, news);
  try {
    const created = await host.create(slot.urn, inputs);
    slot.state = { urn: slot.urn, id: created.id, inputs, outputs: created.properties };
  } catch (err) {
    const partial = partialState(slot.urn, inputs, err);
    if (partial) slot.state = partial;
    throw err;
  }
}

async function deleteState(host: ProviderHost, state: StackResourceState): Promise<void> {
  await host.delete(state.id, state.urn, state.outputs, { oldInputs: state.inputs });
}

/** Deletes what earlier replacements left behind; failures keep them for the next run. */
async function deleteCondemned(host: ProviderHost, slot: Slot): Promise<void> {
  for (const old of [...slot.condemned]) {
    await deleteState(host, old);
    slot.condemned.splice(slot.condemned.indexOf(old), 1);
  }
}

/** One resource's part of `pulumi up`: Check, Diff, then Create, Update, a replacement or nothing. */
export async function upResource(host: ProviderHost, slot: Slot, news: Props): Promise<Operation> {
  await deleteCondemned(host, slot);
  const state = slot.state;
  if (!state) {
    await createInto(host, slot, news);
    return "create";
  }
  const inputs = await checked(host, slot.urn, state.inputs, news);
  const diff = await host.diff(state.id, slot.urn, state.outputs, inputs, { oldInputs: state.inputs });
  const changed =
    diff.changes === "some" ||
    (diff.changes === "unknown" && JSON.stringify(inputs) !== JSON.stringify(state.inputs));
  if (changed && diff.replaces.length > 0) {
    if (diff.deleteBeforeReplace) {
      await deleteState(host, state);
      slot.state = undefined;
      await createInto(host, slot, news);
    } else {
      slot.state = undefined;
      try {
        await createInto(host, slot, news);
      } catch (err) {
        // A failed create leaves the old resource live; a partial one replaces it all the same.
        if (slot.state) slot.condemned.push(state);
        else slot.state = state;
        throw err;
      }
      slot.condemned.push(state);
      await deleteCondemned(host, slot);
    }
    return "replace";
  }
  if (changed || (state.initErrors?.length ?? 0) > 0) {
    try {
      const updated = await host.update(state.id, slot.urn, state.outputs, inputs, {
        oldInputs: state.inputs,
      });
      slot.state = { urn: slot.urn, id: state.id, inputs, outputs: updated.properties };
    } catch (err) {
      const partial = partialState(slot.urn, inputs, err);
      if (partial) slot.state = { ...partial, id: state.id };
      throw err;
    }
    return "update";
  }
  slot.state = { ...state, inputs };
  return "same";
}

/** One resource's part of `pulumi refresh`: Read; an empty id drops it from the state. */
export async function refreshResource(host: ProviderHost, slot: Slot): Promise<Operation> {
  const state = slot.state;
  if (!state) return "same";
  const result = await host.read(state.id, slot.urn, state.outputs, state.inputs);
  if (!result.id) {
    slot.state = undefined;
    return "gone";
  }
  slot.state = {
    urn: slot.urn,
    id: result.id,
    inputs: result.inputs ?? state.inputs,
    outputs: result.properties,
  };
  return "refresh";
}

/** One resource's part of `pulumi destroy`. */
export async function destroyResource(host: ProviderHost, slot: Slot): Promise<Operation> {
  await deleteCondemned(host, slot);
  if (!slot.state) return "same";
  await deleteState(host, slot.state);
  slot.state = undefined;
  return "delete";
}

/** Runs `work` over `items` with at most `parallel` at a time (the CLI's `--parallel`). */
export async function pool<T>(items: T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(parallel, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/** Runs one step per slot, turning failures into results rather than exceptions (the CLI goes on). */
export async function runSteps(
  slots: Slot[],
  parallel: number,
  step: (slot: Slot) => Promise<Operation>,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  await pool(slots, parallel, async (slot) => {
    try {
      results.push({ name: slot.name, operation: await step(slot) });
    } catch (err) {
      if (err instanceof CheckFailedError) throw err; // a bad program, not a fault: the test is wrong
      const partial = err instanceof ProviderHostError && err.initFailed !== undefined;
      results.push({
        name: slot.name,
        operation: "failed",
        error: err instanceof Error ? err.message : String(err),
        ...(partial ? { partial } : {}),
      });
    }
  });
  return results;
}

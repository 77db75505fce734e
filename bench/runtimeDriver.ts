import { createRequire } from "node:module";
import * as path from "node:path";
import type * as runtime from "../src/runtime/dnsRecord";
import type { DiffResult, Props } from "../test/harness";
import { diffOutcome } from "./workload";
import type { Driver } from "./workload";

type DnsRecordRuntime = typeof runtime;

/**
 * `pulumi-yandex-pdd/runtime/dnsRecord` as installed in the program folder: the code the provider
 * host runs behind `__provider`, loaded the way `__provider` loads it.
 */
export function loadRuntime(programFolder: string): DnsRecordRuntime {
  return createRequire(path.join(programFolder, "program"))(
    "pulumi-yandex-pdd/runtime/dnsRecord",
  ) as DnsRecordRuntime;
}

/**
 * The provider's own code without the engine path: the same steps as {@link engineDriver}, calling the
 * runtime functions directly in this process (no gRPC, no SDK host, no property serialization). Its
 * wall time against the latency bound shows whether the provider itself keeps `parallel` requests in
 * flight; the engine path's figures add what gRPC and the SDK's host cost per operation.
 */
export async function runtimeDriver(
  rt: DnsRecordRuntime,
  settings: { token: string; endpoint: string; config?: Record<string, string> },
): Promise<Driver> {
  const config: Record<string, string> = {
    ...settings.config,
    "pdd:token": settings.token,
    "pdd:endpoint": settings.endpoint,
  };
  await rt.configure({ config: { get: (key: string) => config[key] } } as Parameters<typeof rt.configure>[0]);
  return {
    async check(_urn, olds, news) {
      const result = await rt.check(olds, news);
      if (result.failures?.length) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
      return result.inputs as Props;
    },
    async diff(state, inputs) {
      const { changes, replaces, deleteBeforeReplace } = await rt.diff(state.id, state.outputs, inputs);
      // The answer as the SDK's host turns it into the engine's DiffResponse.
      const answer: DiffResult = {
        changes: changes === undefined ? "unknown" : changes ? "some" : "none",
        replaces: replaces ?? [],
        stables: [],
        deleteBeforeReplace: deleteBeforeReplace ?? false,
        diffs: [],
      };
      return diffOutcome(answer, inputs, state.inputs);
    },
    async create(urn, inputs) {
      const created = await rt.create(inputs);
      return { urn, id: created.id, inputs, outputs: created.outs as Props };
    },
    async update(state, inputs) {
      const updated = await rt.update(state.id, state.outputs, inputs);
      return { ...state, inputs, outputs: updated.outs as Props };
    },
    async read(state) {
      const read = await rt.read(state.id, state.outputs);
      if (!read.id) return undefined;
      return {
        ...state,
        id: read.id,
        outputs: read.props as Props,
        inputs: (read.inputs as Props) ?? state.inputs,
      };
    },
    delete: (state) => rt.delete(state.id, state.outputs),
  };
}

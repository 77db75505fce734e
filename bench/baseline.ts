import { Agent } from "undici";
import { runPool } from "./pool";
import { measurePhase, recordFields, updatedIndexes } from "./workload";
import type { PhaseMeasure, WorkloadOptions } from "./workload";

export interface BaselineOptions extends WorkloadOptions {
  token: string;
}

/**
 * The naive way to do the same work, for comparison: the same API calls in the same phases with the
 * same parallelism, except that every read lists the zone itself (no sharing of the listing; on
 * Yandex 360 every read walks all the pages) and every request opens a new connection (undici with
 * `pipelining: 0`, i.e. no keep-alive). It runs as a plain loop over the backend's client
 * (`PddClient` or `Yandex360Client`) in this process, with no provider host: what is compared is the
 * traffic the service sees, and leaving out the gRPC hop only flatters the baseline's wall times. The
 * preview makes no call here either: a provider's diff is local in both designs.
 */
export async function runBaseline(options: BaselineOptions): Promise<PhaseMeasure[]> {
  const { emulator, backend, token, domain, n, parallel } = options;
  const dispatcher = new Agent({ pipelining: 0 });
  const client = backend.naiveClient(token, emulator.url, dispatcher);
  const indexes = Array.from({ length: n }, (_, i) => i);
  const changed = updatedIndexes(n);
  const phases: PhaseMeasure[] = [];
  let ids: number[] = [];
  try {
    phases.push(
      await measurePhase(options, "create", async () => {
        ids = await runPool(indexes, parallel, (i) => client.add(domain, recordFields(i)));
        return { outcomes: ids.map(() => "create") };
      }),
    );
    phases.push(
      await measurePhase(options, "preview", async () => ({ outcomes: indexes.map(() => "same") })),
    );
    const refresh = (phase: "refresh" | "refresh-2") =>
      measurePhase(options, phase, async () => ({
        outcomes: await runPool(indexes, parallel, async (i) => {
          const zone = await client.list(domain);
          return zone.includes(ids[i]!) ? "same" : "gone";
        }),
      }));
    phases.push(await refresh("refresh"));
    phases.push(
      await measurePhase(options, "update", async () => ({
        outcomes: await runPool(indexes, parallel, async (i) => {
          if (!changed.has(i)) return "same";
          await client.edit(domain, ids[i]!, recordFields(i, 1));
          return "update";
        }),
      })),
    );
    phases.push(await refresh("refresh-2"));
    phases.push(
      await measurePhase(options, "delete", async () => {
        await runPool(ids, parallel, (id) => client.del(domain, id));
        return { outcomes: ids.map(() => "delete") };
      }),
    );
    return phases;
  } finally {
    await client.close();
    await dispatcher.close();
  }
}

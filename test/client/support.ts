/** Shared set-up for the client tests: a replay server plus a client pointed at it. */
import { PddClient } from "../../src/client";
import type { PddClientEvent, PddClientOptions } from "../../src/client";
import type { ReplayServer } from "../helpers/replayServer";
import { startReplayServer } from "../helpers/replayServer";

/** Small delays so retry tests count attempts without waiting. */
export const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 20 } as const;

export interface Rig {
  server: ReplayServer;
  client: PddClient;
  events: PddClientEvent[];
  close(): Promise<void>;
}

export async function startRig(options: Partial<PddClientOptions> = {}): Promise<Rig> {
  const server = await startReplayServer();
  const events: PddClientEvent[] = [];
  const client = new PddClient({
    token: "rig-token",
    endpoint: server.url,
    retry: FAST_RETRY,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return {
    server,
    client,
    events,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** The rejection of `promise`; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
}

import { AsyncLocalStorage } from "node:async_hooks";
import { PddError } from "../client/errors";
import { CONFIG_KEYS, DEFAULT_OPERATION_TIMEOUT_MS } from "../config";

/** The operation a provider call is running, so the clients can abort its requests at its deadline. */
const operations = new AsyncLocalStorage<AbortSignal>();

/** The abort signal of the operation the caller runs in, if any: what the clients read at each call. */
export function operationSignal(): AbortSignal | undefined {
  return operations.getStore();
}

/**
 * A provider operation ran past `pdd:operationTimeoutMs`. It may have been half done (an add sent,
 * its answer not seen), so the outcome counts as unknown and the usual reconciliation applies on the
 * next run.
 */
export class PddOperationTimeoutError extends PddError {
  override readonly name = "PddOperationTimeoutError" as const;

  constructor(
    readonly limitMs: number,
    readonly elapsedMs: number,
    endpoint: string,
  ) {
    super(
      `the operation did not finish within ${limitMs} ms (${elapsedMs} ms elapsed, retries and reconciliation included): ` +
        `${endpoint} did not answer in time. The limit is set by \`${CONFIG_KEYS.operationTimeoutMs.key}\` / ${CONFIG_KEYS.operationTimeoutMs.env.join(" / ")} ` +
        `(default ${DEFAULT_OPERATION_TIMEOUT_MS} ms); a request may have been applied, and the next \`pulumi up\` or \`pulumi refresh\` reconciles it.`,
      {
        code: "operation_timeout",
        outcomeUnknown: true,
        cause: { setting: CONFIG_KEYS.operationTimeoutMs.key, limitMs, elapsedMs, endpoint },
      },
    );
  }
}

/**
 * Runs one provider operation under an overall deadline: when it passes, every request in flight is
 * aborted and no retry or reconciliation call is sent, so the operation ends with an error naming the
 * endpoint, the time and the setting, instead of spending minutes in retries against a hung endpoint.
 */
export async function withinDeadline<T>(
  limitMs: number,
  endpoint: string,
  run: () => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const started = Date.now();
  const timer = setTimeout(
    () => controller.abort(new PddOperationTimeoutError(limitMs, Date.now() - started, endpoint)),
    limitMs,
  );
  try {
    return await operations.run(controller.signal, run);
  } finally {
    clearTimeout(timer);
  }
}

import { PddApiError, PddConfigError, PddTransportError } from "./errors";
import type { PddError } from "./errors";
import type { PddRetryOptions } from "./types";

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { retries: 3, minDelayMs: 200, maxDelayMs: 5_000 };

/** Retry-After is honoured up to this many times maxDelayMs, so a hostile value cannot stall a deploy. */
export const RETRY_AFTER_CAP_FACTOR = 4;

export function resolveRetryPolicy(options: PddRetryOptions | undefined): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const key of ["retries", "minDelayMs", "maxDelayMs"] as const) {
    const value = options?.[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) {
      throw new PddConfigError(`retry.${key} must be a non-negative integer, got ${String(value)}.`, {
        setting: `retry.${key}`,
      });
    }
    policy[key] = value;
  }
  if (policy.maxDelayMs < policy.minDelayMs) {
    throw new PddConfigError(
      `retry.maxDelayMs (${policy.maxDelayMs}) must not be smaller than retry.minDelayMs (${policy.minDelayMs}).`,
      { setting: "retry.maxDelayMs" },
    );
  }
  return policy;
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(maxDelayMs, minDelayMs·2^(attempt-1))),
 * `attempt` being the 1-based attempt that just failed. Spreads out clients that failed together.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when unparseable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Delay before the next attempt: the server's Retry-After on 429/503 when given, else backoff. */
export function retryDelay(
  err: PddError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (
    err instanceof PddTransportError &&
    err.retryAfterMs !== undefined &&
    (err.status === 429 || err.status === 503)
  ) {
    return Math.min(err.retryAfterMs, policy.maxDelayMs * RETRY_AFTER_CAP_FACTOR);
  }
  return backoffDelay(attempt, policy, random);
}

/**
 * Whether a failed call may be sent again.
 *
 * Idempotent calls (GETs, import/check_settings): on any transport failure, 5xx, 429, and the
 * service's "unknown" error. Mutations are re-sent only when the first request certainly had no
 * effect: nothing was sent (connection refused, connect timeout), the service rate-limited it
 * (429), or it processed and refused it ("unknown"). Anything else could duplicate a change.
 */
export function isRetriable(err: unknown, idempotent: boolean): boolean {
  if (err instanceof PddApiError) return err.apiCode === "unknown";
  if (!(err instanceof PddTransportError)) return false;
  if (err.code === "http_status") {
    const status = err.status ?? 0;
    return status === 429 || (idempotent && status >= 500);
  }
  if (idempotent) return true;
  return !err.outcomeUnknown && (err.code === "connection_refused" || err.code === "timeout");
}

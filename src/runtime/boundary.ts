import { PddApiError, PddError, Yandex360ApiError, redactDeep, redactSecret } from "../client/errors";
import { withinDeadline } from "./deadline";
import { publicSettings, secretToRedact } from "./session";

/** Is `err` an answer of the service, with one of `codes` (e.g. `record_exists`) when any are given? */
export function isApiError(err: unknown, ...codes: string[]): err is PddApiError {
  return err instanceof PddApiError && (codes.length === 0 || codes.includes(err.code));
}

/** Did the service itself refuse the request (as opposed to a transport or validation failure)? */
export function isServiceRefusal(err: unknown): boolean {
  return err instanceof PddApiError || err instanceof Yandex360ApiError;
}

/**
 * Runs a provider method and turns whatever it throws into an Error whose message says what was
 * being done, with the token scrubbed: the message is what the engine prints and may persist.
 */
export async function atBoundary<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    // Unusable settings are reported by the operation itself, which resolves them again.
    let settings: ReturnType<typeof publicSettings> | undefined;
    try {
      settings = publicSettings();
    } catch {
      settings = undefined;
    }
    return await (settings ? withinDeadline(settings.operationTimeoutMs, settings.endpoint, run) : run());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const secret = secretToRedact();
    const text = secret ? redactSecret(`${what}: ${message}`, secret) : `${what}: ${message}`;
    const wrapped = new Error(text);
    if (err instanceof PddError) Object.assign(wrapped, { code: err.code });
    // A partial failure: the provider host passes `id` and `properties` to the engine, which keeps
    // them in the state ("created, but failed to initialize") and finishes the resource next run.
    const partial = err as { id?: unknown; properties?: unknown };
    if (typeof partial.id === "string" && typeof partial.properties === "object" && partial.properties) {
      Object.assign(wrapped, {
        id: partial.id,
        properties: secret ? redactDeep(partial.properties, secret) : partial.properties,
        reasons: [text],
      });
    }
    throw wrapped;
  }
}

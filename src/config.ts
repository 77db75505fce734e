import { PddConfigError } from "./client/errors";
import { assertSafeEndpoint } from "./client/transport";

/** The public PDD admin API. Yandex switched it off in April 2023; point `pdd:endpoint` at a compatible service or `pdd-emulator`. */
export const DEFAULT_ENDPOINT = "https://pddimp.yandex.ru";

/** Stack configuration keys (namespace `pdd`) and the environment variables they fall back to. */
export const CONFIG_KEYS = {
  token: { key: "pdd:token", env: "PDD_TOKEN" },
  endpoint: { key: "pdd:endpoint", env: "PDD_ENDPOINT" },
  requestTimeoutMs: { key: "pdd:requestTimeoutMs", env: "PDD_REQUEST_TIMEOUT_MS" },
} as const;

/** Anything that can look up a fully qualified config key such as `pdd:token`. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Resolved connection settings. `token` is a secret: never log, return or serialize it. */
export interface PddSettings {
  token: string;
  endpoint: string;
  requestTimeoutMs?: number;
}

/** How to provide the token; shared by every error that is about it. */
export const TOKEN_HINT =
  "set the stack config `pdd:token` as a secret (`pulumi config set --secret pdd:token <token>`) or the PDD_TOKEN environment variable";

function lookup(source: ConfigSource | undefined, env: NodeJS.ProcessEnv, k: { key: string; env: string }) {
  const fromConfig = source?.get(k.key);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = env[k.env];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

/**
 * Reads `pdd:token`, `pdd:endpoint` and `pdd:requestTimeoutMs` from stack config, falling back to
 * `PDD_TOKEN`, `PDD_ENDPOINT` and `PDD_REQUEST_TIMEOUT_MS`. Throws {@link PddConfigError} naming the
 * setting at fault; the token's value never appears in a message.
 */
export function resolveSettings(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PddSettings {
  const endpoint = resolveEndpoint(source, env);
  const token = lookup(source, env, CONFIG_KEYS.token);
  if (token === undefined) {
    throw new PddConfigError(`No PDD token is configured: ${TOKEN_HINT}.`, { setting: "pdd:token" });
  }
  if (/[\r\n\0]/.test(token) || token.trim() !== token) {
    throw new PddConfigError(
      `The configured PDD token (pdd:token / PDD_TOKEN) contains whitespace or control characters; ${TOKEN_HINT}.`,
      { setting: "pdd:token" },
    );
  }
  const timeout = lookup(source, env, CONFIG_KEYS.requestTimeoutMs);
  let requestTimeoutMs: number | undefined;
  if (timeout !== undefined) {
    requestTimeoutMs = Number(timeout);
    if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1 || requestTimeoutMs > 600_000) {
      throw new PddConfigError(
        `pdd:requestTimeoutMs / PDD_REQUEST_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000, got ${JSON.stringify(timeout)}.`,
        { setting: "pdd:requestTimeoutMs" },
      );
    }
  }
  return { token, endpoint, ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}) };
}

/** The endpoint alone: needs no token, so it can be validated at preview time. */
export function resolveEndpoint(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const endpoint = lookup(source, env, CONFIG_KEYS.endpoint) ?? DEFAULT_ENDPOINT;
  assertSafeEndpoint(endpoint);
  return endpoint.replace(/\/+$/, "");
}

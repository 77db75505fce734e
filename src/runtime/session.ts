import { PddClient } from "../client/client";
import { PddConfigError } from "../client/errors";
import type { PddClientEvent } from "../client/types";
import type { ConfigSource, PddSettings } from "../config";
import { resolveEndpoint, resolveSettings } from "../config";
import { DomainRecordCache } from "./recordCache";

/**
 * Per-process state of the provider host: the stack config handed to `configure`, and one client
 * (one keep-alive pool) and one record cache shared by every resource the host serves. The
 * serialized provider captures none of this; it lives only in the host's module cache.
 */
let configSource: ConfigSource | undefined;
let current:
  { key: string; client: PddClient; records: DomainRecordCache; settings: PddSettings } | undefined;

/**
 * The settings, or why they are unusable, resolved once per `configure`: the config and the host's
 * environment do not change while it runs, and every provider call needs them.
 */
let resolved: { endpoint: () => string; settings: () => PddSettings } | undefined;

/** Stores the stack config; credentials are resolved lazily so a preview without a token still checks. */
export function configure(config: ConfigSource | undefined): void {
  configSource = config;
  resolved = undefined;
}

/** Remembers a resolution's value, or the error it threw, so it is computed once. */
function once<T>(resolve: () => T): () => T {
  let outcome: { value: T } | { error: unknown } | undefined;
  return () => {
    if (!outcome) {
      try {
        outcome = { value: resolve() };
      } catch (error) {
        outcome = { error };
      }
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  };
}

function resolution() {
  if (!resolved) {
    const source = configSource;
    resolved = {
      endpoint: once(() => namingEndpointSetting(() => resolveEndpoint(source))),
      settings: once(() => namingEndpointSetting(() => resolveSettings(source))),
    };
  }
  return resolved;
}

/**
 * Endpoint errors come from the client, which knows nothing of stack config; a user needs to hear
 * which settings hold the endpoint.
 */
function namingEndpointSetting<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (err) {
    const cause =
      err instanceof PddConfigError ? (err.cause as { setting?: unknown } | undefined) : undefined;
    if (cause?.setting !== "endpoint") throw err;
    throw new PddConfigError(
      `${(err as Error).message} The endpoint is set by the \`pdd:endpoint\` stack config or the PDD_ENDPOINT environment variable.`,
      { ...cause, setting: "pdd:endpoint" },
    );
  }
}

/** Throws when the configured endpoint is unusable (e.g. plain http to a remote host); needs no token. */
export function assertEndpoint(): void {
  resolution().endpoint();
}

/** Debug logging to stderr when PDD_LOG=debug. Events never carry the token or headers. */
function logEvent(event: PddClientEvent): void {
  if (process.env.PDD_LOG === "debug") process.stderr.write(`pdd: ${JSON.stringify(event)}\n`);
}

function connection() {
  const settings = resolution().settings();
  const key = `${settings.endpoint}\n${settings.token}\n${settings.requestTimeoutMs ?? ""}`;
  if (current?.key !== key) {
    const previous = current;
    const client = new PddClient({
      token: settings.token,
      endpoint: settings.endpoint,
      onEvent: logEvent,
      ...(settings.requestTimeoutMs !== undefined ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    });
    current = {
      key,
      client,
      settings,
      records: new DomainRecordCache((domain) => client.listRecords(domain)),
    };
    void previous?.client.close();
  }
  return current;
}

/** The shared client; throws a config error naming `pdd:token` / `pdd:endpoint` when they are unusable. */
export function client(): PddClient {
  return connection().client;
}

/** The shared, coalescing view of each domain's records. */
export function records(): DomainRecordCache {
  return connection().records;
}

/** The token in use, if any, so error text can be scrubbed of it at the provider boundary. */
export function secretToRedact(): string | undefined {
  try {
    return resolution().settings().token;
  } catch {
    return undefined;
  }
}

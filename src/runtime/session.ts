import type { DnsBackend } from "../backends/backend";
import { PddBackend } from "../backends/pdd";
import type { BackendTraits } from "../backends/traits";
import { BACKEND_TRAITS, unsupportedResourceReason } from "../backends/traits";
import { Yandex360Backend } from "../backends/yandex360";
import { PddClient } from "../client/client";
import { PddConfigError } from "../client/errors";
import type { PddClientEvent } from "../client/types";
import { Yandex360Client } from "../client/yandex360";
import type { ConfigSource, PddSettings, PublicSettings } from "../config";
import { resolvePublicSettings, resolveSettings } from "../config";
import { operationSignal } from "./deadline";
import { DomainRecordCache } from "./recordCache";

/**
 * Per-process state of the provider host: the stack config handed to `configure`, and one backend
 * (one client, one keep-alive pool) and one record cache shared by every resource the host serves.
 * The serialized provider captures none of this; it lives only in the host's module cache.
 */
let configSource: ConfigSource | undefined;
let current:
  { key: string; backend: DnsBackend; records: DomainRecordCache; settings: PddSettings } | undefined;

/**
 * The settings, or why they are unusable, resolved once per `configure`: the config and the host's
 * environment do not change while it runs, and every provider call needs them.
 */
let resolved: { public: () => PublicSettings; settings: () => PddSettings } | undefined;

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
      public: once(() => resolvePublicSettings(source)),
      settings: once(() => resolveSettings(source)),
    };
  }
  return resolved;
}

/**
 * Validates every setting that needs no secret (backend, organization, endpoint, timeout) and
 * returns them: what `check` calls, so a bad setting fails the preview, not the first create.
 */
export function publicSettings(): PublicSettings {
  return resolution().public();
}

/** Why each PDD-only resource has no counterpart on Yandex 360, for the refusal at preview. */
const PDD_ONLY: Readonly<Record<string, string>> = {
  PddDomainLogo: "Yandex 360 has no API for a domain logo",
  PddImportCheck: "Yandex 360 has no API to check mail-import settings",
};

/**
 * For the resources only PDD has: validates the settings and refuses any other backend at preview,
 * naming `pdd:api`, before any API call.
 */
export function requirePdd(resource: string): void {
  const t = traits();
  if (t.api !== "pdd")
    throw new PddConfigError(unsupportedResourceReason(resource, t, PDD_ONLY[resource]!), {
      setting: "pdd:api",
    });
}

/** The configured backend's traits; throws a config error naming the setting when it is unusable. */
export function traits(): BackendTraits {
  return BACKEND_TRAITS[publicSettings().api];
}

/** Debug logging to stderr when PDD_LOG=debug. Events never carry the token or headers. */
function logEvent(event: PddClientEvent): void {
  if (process.env.PDD_LOG === "debug") process.stderr.write(`pdd: ${JSON.stringify(event)}\n`);
}

/** The client options every backend shares. */
function clientOptions(settings: PddSettings) {
  return {
    token: settings.token,
    endpoint: settings.endpoint,
    onEvent: logEvent,
    operationSignal,
    ...(settings.requestTimeoutMs !== undefined ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
  };
}

/** A backend for the settings; also used by the data functions, which run in the program's process. */
export function createBackend(settings: PddSettings): DnsBackend {
  return settings.api === "yandex360"
    ? new Yandex360Backend(new Yandex360Client(clientOptions(settings)), settings.orgId)
    : new PddBackend(new PddClient(clientOptions(settings)));
}

function connection() {
  const settings = resolution().settings();
  const key = JSON.stringify([
    settings.api,
    settings.endpoint,
    settings.orgId,
    settings.requestTimeoutMs,
    settings.token,
  ]);
  if (current?.key !== key) {
    const previous = current;
    const backend = createBackend(settings);
    current = {
      key,
      backend,
      settings,
      records: new DomainRecordCache((zone) => backend.listRecords(zone)),
    };
    void previous?.backend.close();
  }
  return current;
}

/** The shared backend; throws a config error naming `pdd:token` / `pdd:endpoint` / … when they are unusable. */
export function backend(): DnsBackend {
  return connection().backend;
}

/** The PDD client, for the resources only PDD has (logo, import check); their checks refuse other backends. */
export function pddClient(): PddClient {
  const current = backend();
  if (!(current instanceof PddBackend)) {
    throw new PddConfigError(
      `This resource needs the PDD backend, but \`pdd:api\` is ${current.traits.api}.`,
      {
        setting: "pdd:api",
      },
    );
  }
  return current.client;
}

/** The shared, coalescing view of each zone's records. */
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

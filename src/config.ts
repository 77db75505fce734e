import { PddConfigError } from "./client/errors";
import { assertSafeEndpoint } from "./client/transport";

/** The backends this package can talk to: the original PDD API, and Yandex 360 for Business that replaced it. */
export const API_KINDS = ["pdd", "yandex360"] as const;
export type ApiKind = (typeof API_KINDS)[number];

/**
 * Each backend's public base URL. PDD (`pddimp.yandex.ru`) was switched off in April 2023; point
 * `pdd:endpoint` at a compatible service or `pdd-emulator` to use it.
 */
export const DEFAULT_ENDPOINTS: Readonly<Record<ApiKind, string>> = {
  pdd: "https://pddimp.yandex.ru",
  yandex360: "https://api360.yandex.net",
};

/** The PDD default, kept under its old name for compatibility. */
export const DEFAULT_ENDPOINT = DEFAULT_ENDPOINTS.pdd;

/** A setting: its stack config key (namespace `pdd`) and the environment variables it falls back to, in order. */
export interface SettingKey {
  key: string;
  env: readonly string[];
}

/** Every setting of the package, in one place. */
export const CONFIG_KEYS = {
  api: { key: "pdd:api", env: ["PDD_API"] },
  orgId: { key: "pdd:orgId", env: ["YANDEX360_ORG_ID"] },
  token: { key: "pdd:token", env: ["PDD_TOKEN"] },
  endpoint: { key: "pdd:endpoint", env: ["PDD_ENDPOINT"] },
  requestTimeoutMs: { key: "pdd:requestTimeoutMs", env: ["PDD_REQUEST_TIMEOUT_MS"] },
  operationTimeoutMs: { key: "pdd:operationTimeoutMs", env: ["PDD_OPERATION_TIMEOUT_MS"] },
} as const satisfies Record<string, SettingKey>;

/** How long one provider operation may take, retries and reconciliation included: 5 minutes. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 300_000;

/** On Yandex 360 the token may also come from lego's variable, so existing automation keeps working. */
const YANDEX360_TOKEN_ENV = "YANDEX360_OAUTH_TOKEN";

/** Anything that can look up a fully qualified config key such as `pdd:token`. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Settings that need no secret: enough to validate a program at preview. */
export interface PublicSettings {
  api: ApiKind;
  endpoint: string;
  /** Yandex 360 organization; undefined means "discover it" (or PDD, which has none). */
  orgId?: number;
  requestTimeoutMs?: number;
  /** The overall deadline of one provider operation (create, read, update, delete). */
  operationTimeoutMs: number;
}

/** Resolved connection settings. `token` is a secret: never log, return or serialize it. */
export interface PddSettings extends PublicSettings {
  token: string;
}

/** How to provide the token for a backend; shared by every error that is about it. */
export function tokenHint(api: ApiKind): string {
  const base =
    "set the stack config `pdd:token` as a secret (`pulumi config set --secret pdd:token <token>`) or the PDD_TOKEN environment variable";
  return api === "yandex360" ? `${base} (or ${YANDEX360_TOKEN_ENV})` : base;
}

/** The PDD wording, kept for callers of the previous API. */
export const TOKEN_HINT = tokenHint("pdd");

function describeKey(k: SettingKey): string {
  return `\`${k.key}\` / ${k.env.join(" / ")}`;
}

function lookup(source: ConfigSource | undefined, env: NodeJS.ProcessEnv, k: SettingKey): string | undefined {
  const fromConfig = source?.get(k.key);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  for (const name of k.env) {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  }
  return undefined;
}

function resolveApi(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
  orgId: number | undefined,
): ApiKind {
  const raw = lookup(source, env, CONFIG_KEYS.api);
  if (raw === undefined) return orgId !== undefined ? "yandex360" : "pdd";
  const api = raw.trim().toLowerCase();
  if (!(API_KINDS as readonly string[]).includes(api)) {
    throw new PddConfigError(
      `${describeKey(CONFIG_KEYS.api)} must be one of ${API_KINDS.join(", ")}, got ${JSON.stringify(raw)}.`,
      { setting: CONFIG_KEYS.api.key },
    );
  }
  return api as ApiKind;
}

/** Parses an organization id from config or from a resource input; `what` names where it came from. */
export function parseOrgId(raw: unknown, what: string): number {
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new PddConfigError(
      `${what} must be a Yandex 360 organization id (a positive whole number, shown at the bottom left of https://admin.yandex.ru/company-profile), got ${JSON.stringify(raw)}.`,
      { setting: CONFIG_KEYS.orgId.key },
    );
  }
  return value;
}

function resolveMs(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
  k: SettingKey,
  max: number,
): number | undefined {
  const raw = lookup(source, env, k);
  if (raw === undefined) return undefined;
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new PddConfigError(
      `${describeKey(k)} must be a whole number of milliseconds from 1 to ${max}, got ${JSON.stringify(raw)}.`,
      { setting: k.key },
    );
  }
  return value;
}

/**
 * Everything but the token: the backend (`pdd:api`, or Yandex 360 when an org id is set), the
 * organization, the endpoint (that backend's default unless set) and the request timeout. Throws
 * {@link PddConfigError} naming the setting at fault; needs no secret, so a preview can run it.
 */
export function resolvePublicSettings(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PublicSettings {
  const rawOrg = lookup(source, env, CONFIG_KEYS.orgId);
  const orgId = rawOrg === undefined ? undefined : parseOrgId(rawOrg, describeKey(CONFIG_KEYS.orgId));
  const api = resolveApi(source, env, orgId);
  const endpoint = lookup(source, env, CONFIG_KEYS.endpoint) ?? DEFAULT_ENDPOINTS[api];
  try {
    assertSafeEndpoint(endpoint);
  } catch (err) {
    if (!(err instanceof PddConfigError)) throw err;
    throw new PddConfigError(`${err.message} The endpoint is set by ${describeKey(CONFIG_KEYS.endpoint)}.`, {
      ...(err.cause as Record<string, unknown>),
      setting: CONFIG_KEYS.endpoint.key,
    });
  }
  const requestTimeoutMs = resolveMs(source, env, CONFIG_KEYS.requestTimeoutMs, 600_000);
  const operationTimeoutMs =
    resolveMs(source, env, CONFIG_KEYS.operationTimeoutMs, 86_400_000) ?? DEFAULT_OPERATION_TIMEOUT_MS;
  return {
    api,
    endpoint: endpoint.replace(/\/+$/, ""),
    ...(api === "yandex360" && orgId !== undefined ? { orgId } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    operationTimeoutMs,
  };
}

/**
 * The public settings plus the token: `pdd:token`, else `PDD_TOKEN`, else (on Yandex 360)
 * `YANDEX360_OAUTH_TOKEN`. The token's value never appears in a message.
 */
export function resolveSettings(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PddSettings {
  const settings = resolvePublicSettings(source, env);
  const tokenKey: SettingKey =
    settings.api === "yandex360"
      ? { key: CONFIG_KEYS.token.key, env: [...CONFIG_KEYS.token.env, YANDEX360_TOKEN_ENV] }
      : CONFIG_KEYS.token;
  const token = lookup(source, env, tokenKey);
  const label = settings.api === "yandex360" ? "Yandex 360 OAuth token" : "PDD token";
  if (token === undefined) {
    throw new PddConfigError(`No ${label} is configured: ${tokenHint(settings.api)}.`, {
      setting: CONFIG_KEYS.token.key,
    });
  }
  if (/[\r\n\0]/.test(token) || token.trim() !== token) {
    throw new PddConfigError(
      `The configured ${label} (${describeKey(tokenKey)}) contains whitespace or control characters; ${tokenHint(settings.api)}.`,
      { setting: CONFIG_KEYS.token.key },
    );
  }
  return { ...settings, token };
}

/** The endpoint alone, validated: needs no token. */
export function resolveEndpoint(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return resolvePublicSettings(source, env).endpoint;
}

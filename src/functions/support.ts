import * as pulumi from "@pulumi/pulumi";
import { discoverOrgId } from "../backends/yandex360";
import { PddClient } from "../client/client";
import { PddConfigError, redactSecret } from "../client/errors";
import { Yandex360Client } from "../client/yandex360";
import type { ApiKind } from "../config";
import { CONFIG_KEYS, parseOrgId, resolvePublicSettings, resolveSettings } from "../config";

/** Each service's largest page of its domain listing. */
export const MAX_DOMAINS_PAGE_SIZE: Readonly<Record<ApiKind, number>> = { pdd: 20, yandex360: 10 };

/** What a data function talks to: the configured backend's client and, on Yandex 360, the organization. */
export type InvokeTarget =
  { api: "pdd"; client: PddClient } | { api: "yandex360"; client: Yandex360Client; orgId: number };

/** Config lookups without the SDK's "use getSecret" warning: the token is only used, never returned. */
const stackConfig = { get: (key: string) => pulumi.runtime.getConfig(key) };

/**
 * Runs a data function in the program's process (dynamic providers cannot serve invokes) against the
 * configured backend: settings from the stack config with their environment fallbacks, the
 * organization from the `orgId` argument, `pdd:orgId` or discovery. Errors say which function
 * failed and never carry the token; the client is closed afterwards.
 */
export async function inProgram<T>(
  name: string,
  orgIdArg: unknown,
  run: (target: InvokeTarget) => Promise<T>,
): Promise<T> {
  let close: (() => Promise<void>) | undefined;
  let token: string | undefined;
  try {
    const settings = resolveSettings(stackConfig);
    token = settings.token;
    const options = {
      token: settings.token,
      endpoint: settings.endpoint,
      ...(settings.requestTimeoutMs !== undefined ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    };
    if (settings.api === "pdd") {
      if (orgIdArg !== undefined && orgIdArg !== null) {
        throw new PddConfigError(
          `orgId applies only to the Yandex 360 backend (\`${CONFIG_KEYS.api.key}\` = yandex360), not PDD.`,
          { setting: CONFIG_KEYS.api.key },
        );
      }
      const client = new PddClient(options);
      close = () => client.close();
      return await run({ api: "pdd", client });
    }
    const client = new Yandex360Client(options);
    close = () => client.close();
    const orgId =
      orgIdArg !== undefined && orgIdArg !== null
        ? parseOrgId(orgIdArg, "orgId")
        : (settings.orgId ?? (await discoverOrgId(client)));
    return await run({ api: "yandex360", client, orgId });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(redactSecret(`${name}: ${message}`, token), { cause: err });
  } finally {
    await close?.();
  }
}

/**
 * The backend the stack is configured for (`pdd:api`, else `yandex360` when an org id is set, else
 * `pdd`), resolved in the program as the provider resolves it; for programs that declare
 * backend-specific resources, such as a logo that only PDD has.
 *
 * @example
 * ```ts
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * if (pdd.configuredApi() === "pdd") new pdd.PddDomainLogo("logo", { domain: "example.com", file: "logo.png" });
 * ```
 */
export function configuredApi(): ApiKind {
  return resolvePublicSettings(stackConfig).api;
}

import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { discoverOrgId } from "../backends/yandex360";
import { PddClient } from "../client/client";
import { PddConfigError, PddError, redactSecret } from "../client/errors";
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
    // The package's typed errors are rethrown as they are (so `instanceof` and `code` work), named
    // after the function; anything else is wrapped. Both are free of the token.
    if (err instanceof PddError) {
      err.message = redactSecret(`${name}: ${err.message}`, token);
      throw err;
    }
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

/**
 * The tokens the data functions answer to under `pulumi.runtime.setMocks`: there a program's
 * `getPddDomains`/`getPddDkim` calls go to the mocks' `call` with these tokens instead of the
 * network, like a provider function of a generated SDK.
 */
export const FUNCTION_TOKENS = {
  getPddDomains: "pulumi-yandex-pdd:index:getPddDomains",
  getPddDkim: "pulumi-yandex-pdd:index:getPddDkim",
} as const;

/** The mocks of `pulumi.runtime.setMocks`, when the program runs under them (also with another copy of the SDK). */
function installedMocks(): pulumi.runtime.Mocks | undefined {
  const monitor: unknown = pulumi.runtime.getMonitor();
  if (monitor instanceof MockMonitor) return monitor.mocks;
  const duck = monitor as { constructor?: { name?: string }; mocks?: pulumi.runtime.Mocks } | undefined;
  return duck?.constructor?.name === "MockMonitor" ? duck.mocks : undefined;
}

/**
 * Runs `real`, or under mocks asks the mocks' `call` for the result of `token` with `args`. The mocks
 * are asked directly rather than through `pulumi.runtime.invoke`, which under mocks drops the message
 * of an error the mock throws; so a test sees exactly what its mock returned or threw.
 */
export async function invokeOrMock<T>(token: string, args: object, real: () => Promise<T>): Promise<T> {
  const mocks = installedMocks();
  if (!mocks) return real();
  return (await mocks.call({ token, inputs: { ...args }, provider: "" })) as T;
}

/**
 * The arguments, resolved only once every resource in `opts.dependsOn` is registered (created or
 * updated): what `dependsOn` means for an `…Output` function. At preview a dependency that is
 * being created has no id yet, so the result is unknown, as for any invoke that depends on it.
 */
export function afterDependencies<A>(
  args: A,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<pulumi.Unwrap<A>> {
  const dependsOn = opts?.dependsOn;
  if (dependsOn === undefined) return pulumi.output(args);
  const ready = pulumi.output(dependsOn).apply((deps) => {
    const list = (Array.isArray(deps) ? deps : [deps]) as pulumi.Resource[];
    return pulumi.all(list.map((r) => (pulumi.CustomResource.isInstance(r) ? r.id : r.urn)));
  });
  return pulumi.all([pulumi.output(args), ready]).apply(([resolved]) => resolved as pulumi.Unwrap<A>);
}

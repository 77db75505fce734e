import * as pulumi from "@pulumi/pulumi";
import { PddClient } from "../client/client";
import type { PddDomain } from "../client/types";
import { resolveSettings } from "../config";

/** The service's largest page. */
export const MAX_PAGE_SIZE = 20;

/** The arguments for {@link getPddDomains}. */
export interface GetPddDomainsArgs {
  /** Domains per `domain/domains` call (`on_page`), 1 to 20. Default 20. */
  pageSize?: number;
}

/** The arguments for {@link getPddDomainsOutput}. */
export interface GetPddDomainsOutputArgs {
  /** Domains per `domain/domains` call (`on_page`), 1 to 20. Default 20. */
  pageSize?: pulumi.Input<number>;
}

/** A domain on the PDD account. */
export type PddDomainInfo = PddDomain;

/** The result of {@link getPddDomains}. */
export interface GetPddDomainsResult {
  /** How many domains the account has. */
  total: number;
  /** Every domain, each exactly once, in the service's order. */
  domains: PddDomainInfo[];
}

/** Config lookups without the SDK's "use getSecret" warning: the token is only used, never returned. */
const stackConfig = { get: (key: string) => pulumi.runtime.getConfig(key) };

function checkPageSize(pageSize: unknown): number {
  if (pageSize === undefined || pageSize === null) return MAX_PAGE_SIZE;
  if (
    typeof pageSize !== "number" ||
    !Number.isInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > MAX_PAGE_SIZE
  ) {
    throw new Error(
      `getPddDomains: pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(pageSize)}`,
    );
  }
  return pageSize;
}

/**
 * Lists every domain on the PDD account, walking all pages of `domain/domains`:
 * `ceil(total / pageSize)` calls (one when there are none).
 *
 * Runs in the program's process (dynamic providers cannot serve invokes) and reads `pdd:token` and
 * `pdd:endpoint` from the stack config, falling back to `PDD_TOKEN` and `PDD_ENDPOINT`.
 */
export async function getPddDomains(
  args: GetPddDomainsArgs = {},
  _opts?: pulumi.InvokeOptions,
): Promise<GetPddDomainsResult> {
  const pageSize = checkPageSize(args.pageSize);
  let client: PddClient | undefined;
  try {
    const settings = resolveSettings(stackConfig);
    client = new PddClient({
      token: settings.token,
      endpoint: settings.endpoint,
      ...(settings.requestTimeoutMs !== undefined ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    });
    const first = await client.listDomains({ page: 1, onPage: pageSize });
    const total = first.total;
    const pages = Math.ceil(total / pageSize);
    const byName = new Map<string, PddDomain>();
    for (const d of first.domains) byName.set(d.name, d);
    for (let page = 2; page <= pages; page++) {
      const next = await client.listDomains({ page, onPage: pageSize });
      for (const d of next.domains) byName.set(d.name, d);
    }
    if (byName.size !== total) {
      throw new Error(
        `the account reported ${total} domains but paging returned ${byName.size} distinct ones; the domain list changed while it was read, run again`,
      );
    }
    return { total, domains: [...byName.values()] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`getPddDomains: ${message}`, { cause: err });
  } finally {
    await client?.close();
  }
}

/** {@link getPddDomains} for `Input` arguments, as an `Output`. */
export function getPddDomainsOutput(
  args: GetPddDomainsOutputArgs = {},
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetPddDomainsResult> {
  return pulumi
    .output(args)
    .apply((resolved) =>
      getPddDomains(resolved.pageSize === undefined ? {} : { pageSize: resolved.pageSize }, opts),
    );
}

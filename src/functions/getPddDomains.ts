import type * as pulumi from "@pulumi/pulumi";
import type { Yandex360DomainCheck } from "../client/types";
import { fetchPddDomains } from "./service";
import { FUNCTION_TOKENS, MAX_DOMAINS_PAGE_SIZE, afterDependencies, invokeOrMock } from "./support";

/** The PDD service's largest page of `domain/domains`. */
export const MAX_PAGE_SIZE = MAX_DOMAINS_PAGE_SIZE.pdd;

/**
 * The arguments for {@link getPddDomains}.
 *
 * @example
 * ```ts
 * const args: GetPddDomainsArgs = { pageSize: 10, orgId: 7654321 };
 * ```
 */
export interface GetPddDomainsArgs {
  /** Domains per page: PDD's `on_page`, 1 to 20 (default 20); Yandex 360's `perPage`, 1 to 10 (default 10). */
  pageSize?: number;
  /** Yandex 360 only: the organization to list, overriding `pdd:orgId`. */
  orgId?: number;
}

/**
 * The arguments for {@link getPddDomainsOutput}.
 *
 * @example
 * ```ts
 * const args: GetPddDomainsOutputArgs = { orgId: config.requireNumber("orgId") };
 * ```
 */
export interface GetPddDomainsOutputArgs {
  /** Domains per page; see {@link GetPddDomainsArgs.pageSize}. */
  pageSize?: pulumi.Input<number>;
  /** Yandex 360 only: the organization to list, overriding `pdd:orgId`. */
  orgId?: pulumi.Input<number>;
}

/** One of a Yandex 360 domain's DNS checks: does the published record match, and what is expected. */
export type PddDomainCheck = Yandex360DomainCheck;

/**
 * A domain on the PDD account or in the Yandex 360 organization. `name` is always set; the other
 * fields exist on one backend only and are `undefined` on the other, as marked.
 *
 * @example
 * ```ts
 * const unverified = (await getPddDomains()).domains.filter((d) => d.verified === false).map((d) => d.name);
 * ```
 */
export interface PddDomainInfo {
  /** The domain name. */
  name: string;
  /** PDD: connection status, e.g. `added`. On Yandex 360 see {@link verified} and {@link dnsChecks}. */
  status?: string;
  /** PDD: connection stage, e.g. `owner-check`. */
  stage?: string;
  /** PDD: domain aliases. */
  aliases?: string[];
  /** PDD: whether a mailbox logo is set. */
  logoEnabled?: boolean;
  /** PDD: the logo's URL, undefined when there is none. */
  logoUrl?: string;
  /** PDD: whether the NS records point at Yandex. On Yandex 360 see {@link delegated}. */
  nsDelegated?: boolean;
  /** PDD: whether the token's account is the main admin. */
  masterAdmin?: boolean;
  /** PDD: mailboxes used. */
  emailsCount?: number;
  /** PDD: mailboxes allowed. */
  emailsMaxCount?: number;
  /** PDD: DKIM signing is set up. On Yandex 360 use {@link getPddDkim}. */
  dkimEnabled?: boolean;
  /** Yandex 360: the organization's main domain (false for an additional domain). */
  master?: boolean;
  /** Yandex 360: delegated to Yandex name servers. */
  delegated?: boolean;
  /** Yandex 360: ownership verified. */
  verified?: boolean;
  /** Yandex 360: the MX record points to mx.yandex.net. */
  mx?: boolean;
  /** Yandex 360: the domain's country, e.g. `ru`. */
  country?: string;
  /** Yandex 360: the service's DNS checks, each present only when the service reports it. */
  dnsChecks?: { spf?: PddDomainCheck; mx?: PddDomainCheck; ns?: PddDomainCheck; dkim?: PddDomainCheck };
  /** Yandex 360: when the service last checked the domain's DNS (as it reports the time). */
  lastCheck?: string;
}

/**
 * The result of {@link getPddDomains}.
 *
 * @example
 * ```ts
 * const { total, domains } = await getPddDomains();
 * ```
 */
export interface GetPddDomainsResult {
  /** How many domains the account or organization has. */
  total: number;
  /** Every domain, each exactly once, in the service's order. */
  domains: PddDomainInfo[];
  /** Yandex 360: the organization that was listed; undefined on PDD. */
  orgId?: number;
}

/**
 * Lists every domain on the PDD account (`domain/domains`) or in the Yandex 360 organization
 * (`GET /directory/v1/org/{orgId}/domains`), walking all pages: `ceil(total / pageSize)` calls (one
 * when there are none).
 *
 * Runs in the program's process (dynamic providers cannot serve invokes) and reads the `pdd:*`
 * settings from the stack config, falling back to their environment variables.
 *
 * @example
 * ```ts
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * const { domains } = await pdd.getPddDomains();
 * const names = domains.map((d) => d.name);
 * ```
 */
export async function getPddDomains(
  args: GetPddDomainsArgs = {},
  _opts?: pulumi.InvokeOptions,
): Promise<GetPddDomainsResult> {
  return invokeOrMock(FUNCTION_TOKENS.getPddDomains, args, () => fetchPddDomains(args));
}

/**
 * {@link getPddDomains} for `Input` arguments, as an `Output`.
 *
 * @example
 * ```ts
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * export const domainNames = pdd.getPddDomainsOutput().domains.apply((ds) => ds.map((d) => d.name));
 * ```
 */
export function getPddDomainsOutput(
  args: GetPddDomainsOutputArgs = {},
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetPddDomainsResult> {
  return afterDependencies(args, opts).apply((resolved) =>
    getPddDomains(
      {
        ...(resolved.pageSize === undefined ? {} : { pageSize: resolved.pageSize }),
        ...(resolved.orgId === undefined ? {} : { orgId: resolved.orgId }),
      },
      opts,
    ),
  );
}

import * as pulumi from "@pulumi/pulumi";
import type { PddDomain, Yandex360Domain, Yandex360DomainCheck } from "../client/types";
import { MAX_DOMAINS_PAGE_SIZE, inProgram } from "./support";

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

function fromPdd(d: PddDomain): PddDomainInfo {
  return { ...d, aliases: [...d.aliases] };
}

function fromYandex360(d: Yandex360Domain): PddDomainInfo {
  const { status, ...rest } = d;
  const info: PddDomainInfo = { ...rest };
  if (status !== undefined) {
    const checks = { spf: status.spf, mx: status.mx, ns: status.ns, dkim: status.dkim };
    const present = Object.entries(checks).filter(([, v]) => v !== undefined);
    if (present.length > 0) info.dnsChecks = Object.fromEntries(present);
    if (status.lastCheck !== undefined) info.lastCheck = status.lastCheck;
  }
  return info;
}

function checkPageSize(pageSize: unknown, max: number): number {
  if (pageSize === undefined || pageSize === null) return max;
  if (typeof pageSize !== "number" || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) {
    throw new Error(`pageSize must be a whole number from 1 to ${max}, got ${JSON.stringify(pageSize)}`);
  }
  return pageSize;
}

/** Walks the pages of a listing that reports its total: `ceil(total / pageSize)` calls, each domain once. */
async function allPages<T extends { name: string }>(
  pageSize: number,
  fetch: (page: number) => Promise<{ total: number; items: T[] }>,
): Promise<{ total: number; items: T[] }> {
  const first = await fetch(1);
  const byName = new Map(first.items.map((d) => [d.name, d]));
  for (let page = 2; page <= Math.ceil(first.total / pageSize); page++) {
    for (const d of (await fetch(page)).items) byName.set(d.name, d);
  }
  if (byName.size !== first.total) {
    throw new Error(
      `the service reported ${first.total} domains but paging returned ${byName.size} distinct ones; the domain list changed while it was read, run again`,
    );
  }
  return { total: first.total, items: [...byName.values()] };
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
  return inProgram("getPddDomains", args.orgId, async (target) => {
    const pageSize = checkPageSize(args.pageSize, MAX_DOMAINS_PAGE_SIZE[target.api]);
    if (target.api === "pdd") {
      const { total, items } = await allPages(pageSize, async (page) => {
        const answer = await target.client.listDomains({ page, onPage: pageSize });
        return { total: answer.total, items: answer.domains };
      });
      return { total, domains: items.map(fromPdd) };
    }
    const { orgId } = target;
    const { total, items } = await allPages(pageSize, async (page) => {
      const answer = await target.client.listDomainsPage(orgId, page, pageSize);
      return { total: answer.total, items: answer.domains };
    });
    return { total, domains: items.map(fromYandex360), orgId };
  });
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
  return pulumi.output(args).apply((resolved) =>
    getPddDomains(
      {
        ...(resolved.pageSize === undefined ? {} : { pageSize: resolved.pageSize }),
        ...(resolved.orgId === undefined ? {} : { orgId: resolved.orgId }),
      },
      opts,
    ),
  );
}

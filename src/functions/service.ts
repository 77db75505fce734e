/**
 * What the data functions do outside a mocked runtime: call the configured service from the program's
 * process. Kept apart from the public functions so tests under mocks can delegate to it.
 */
import { PddConfigError } from "../client/errors";
import type { PddDomain, Yandex360Domain } from "../client/types";
import { CONFIG_KEYS } from "../config";
import { canonicalName, isValidDomain } from "../runtime/names";
import type { GetPddDkimArgs, GetPddDkimResult } from "./getPddDkim";
import { DKIM_SELECTOR, dkimRecordValue } from "./getPddDkim";
import type { GetPddDomainsArgs, GetPddDomainsResult, PddDomainInfo } from "./getPddDomains";
import { MAX_DOMAINS_PAGE_SIZE, inProgram } from "./support";

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

/** {@link getPddDomains} against the service. */
export async function fetchPddDomains(args: GetPddDomainsArgs = {}): Promise<GetPddDomainsResult> {
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

/** {@link getPddDkim} against the service. */
export async function fetchPddDkim(args: GetPddDkimArgs): Promise<GetPddDkimResult> {
  return inProgram("getPddDkim", args?.orgId, async (target) => {
    const raw = args?.domain;
    if (typeof raw !== "string" || !isValidDomain(raw)) {
      throw new Error(`domain must be a domain name such as "example.com", got ${JSON.stringify(raw)}`);
    }
    if (target.api !== "yandex360") {
      throw new PddConfigError(
        `the PDD API has no documented DKIM endpoint; set \`${CONFIG_KEYS.api.key}\` to yandex360 (with \`${CONFIG_KEYS.orgId.key}\`) to read a domain's DKIM key.`,
        { setting: CONFIG_KEYS.api.key },
      );
    }
    const domain = canonicalName(raw);
    const dkim = await target.client.getDkim(target.orgId, domain);
    return {
      domain,
      enabled: dkim.enabled,
      ...dkimRecordValue(dkim.publicKey ?? ""),
      selector: DKIM_SELECTOR,
      recordName: `${DKIM_SELECTOR}._domainkey`,
    };
  });
}

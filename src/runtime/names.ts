import { isIPv4, isIPv6 } from "node:net";
import { domainToASCII } from "node:url";

// RFC 1035 limits; underscores are allowed because service names (_dmarc, _acme-challenge, _sip._tcp) use them.
const LABEL = /^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const MAX_NAME_LENGTH = 253;

/**
 * The canonical spelling of a DNS name: lower case, without a trailing dot, and internationalized
 * labels (`пример.рф`) in the ASCII (punycode) form the services store (`xn--e1afmkfd.xn--p1ai`), by
 * the WHATWG URL rules (UTS #46) rather than a hand-written converter. A name that cannot be converted
 * is returned lower-cased, so validation rejects it.
 */
export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, "");
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(lower)) return lower;
  // domainToASCII refuses a wildcard label; convert the rest and keep it.
  const wildcard = lower.startsWith("*.");
  const ascii = domainToASCII(wildcard ? lower.slice(2) : lower);
  if (ascii === "") return lower;
  return wildcard ? `*.${ascii}` : ascii;
}

function labelsValid(name: string, label: RegExp): boolean {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return false;
  return name.split(".").every((l) => label.test(l));
}

/** A registrable domain such as `example.com`: at least two labels, letters, digits and hyphens. */
export function isValidDomain(domain: string): boolean {
  const name = canonicalName(domain);
  if (!name.includes(".")) return false;
  return (
    labelsValid(name, /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/) && !/^\d+$/.test(name.split(".").pop() ?? "")
  );
}

/** A host name as a CNAME, MX, NS or SRV target: dotted labels, no wildcard, not an IP address. */
export function isValidHostName(host: string): boolean {
  const name = canonicalName(host);
  if (isIPv4(name) || isIPv6(name)) return false;
  return labelsValid(name, HOST_LABEL);
}

/** The absolute spelling the service stores for host-name contents: lower case with a trailing dot. */
export function absoluteHostName(host: string): string {
  return `${canonicalName(host)}.`;
}

/** RFC 5952 text form of an IPv6 address, via the WHATWG URL parser rather than a hand-written one. */
export function canonicalIPv6(address: string): string {
  return new URL(`http://[${address.trim()}]/`).hostname.slice(1, -1);
}

/** An IPv6 address as DNS has them: node's isIPv6 also accepts zone ids (fe80::1%eth0), which DNS does not. */
export function isDnsIPv6(address: string): boolean {
  return isIPv6(address) && !address.includes("%");
}

export type SubdomainResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Normalizes a record name to the service's relative lower-case form: `@` for the apex,
 * `www`, `_acme-challenge.www`. Accepts `@`, the domain itself, relative names and names
 * inside the domain with or without a trailing dot, in any letter case.
 */
export function normalizeSubdomain(subdomain: string, domain: string): SubdomainResult {
  const zone = canonicalName(domain);
  const raw = subdomain.trim();
  const absolute = raw.endsWith(".");
  const name = canonicalName(raw);
  if (name === "" || name === "@" || name === zone) return { ok: true, value: "@" };
  let relative = name;
  if (name.endsWith(`.${zone}`)) {
    relative = name.slice(0, -(zone.length + 1));
  } else if (absolute) {
    return { ok: false, reason: `"${raw}" is a fully qualified name outside the domain "${zone}"` };
  }
  if (`${relative}.${zone}`.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `"${raw}" makes a name longer than ${MAX_NAME_LENGTH} characters` };
  }
  // A wildcard is only meaningful as the leftmost label.
  if (!labelsValid(relative, LABEL) || relative.split(".").slice(1).includes("*")) {
    return {
      ok: false,
      reason: `"${raw}" is not a valid record name: use "@", or labels of letters, digits, "-" and "_" (at most 63 characters each) separated by dots`,
    };
  }
  return { ok: true, value: relative };
}

/** The fully qualified name of a record, without a trailing dot, as the service reports `fqdn`. */
export function fqdnOf(subdomain: string, domain: string): string {
  const zone = canonicalName(domain);
  return subdomain === "@" ? zone : `${subdomain}.${zone}`;
}

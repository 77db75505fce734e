import { isIPv4 } from "node:net";
import type { BackendTraits } from "../backends/traits";
import { BACKEND_TRAITS, unsupportedTypeReason } from "../backends/traits";
import type { AddRecordParams, DnsRecord, DnsRecordType, EditRecordParams } from "../client/types";
import { CAA_TAGS, DNS_RECORD_TYPES } from "../client/types";
import {
  absoluteHostName,
  canonicalIPv6,
  canonicalName,
  fqdnOf,
  isValidDomain,
  isDnsIPv6,
  isValidHostName,
  normalizeSubdomain,
} from "./names";
import type { CheckFailure } from "./values";
import { UNKNOWN, checkInteger, isUnknown, plain } from "./values";
import { z } from "zod";

/** Every record type the package knows; each backend manages a subset ({@link BackendTraits.recordTypes}). */
export const RECORD_TYPES: readonly DnsRecordType[] = DNS_RECORD_TYPES;
export const DEFAULT_CAA_FLAG = 0;
export const DEFAULT_TTL = 21600;
export const DEFAULT_PRIORITY = 10;
export const MAX_TTL = 1209600;
const MAX_INT32 = 2147483647;
const MAX_TXT_LENGTH = 4096;
const HOST_CONTENT_TYPES: ReadonlySet<string> = new Set(["CNAME", "MX", "NS"]);
const SOA_FIELDS = ["refresh", "retry", "expire", "negCache"] as const;

/**
 * Checked inputs of a `PddDnsRecord`, normalized to the service's canonical spelling: what Check
 * returns and the engine hands back to Create and Update. Declared once, as a schema, so the runtime
 * reads the engine's values through it instead of casting (see {@link dnsRecordInputs}); the public
 * `PddDnsRecordArgs` are checked against it at compile time.
 */
const dnsRecordInputsSchema = z.object({
  domain: z.string(),
  type: z.enum(DNS_RECORD_TYPES),
  subdomain: z.string(),
  content: z.string().optional(),
  ttl: z.number().int(),
  priority: z.number().int().optional(),
  weight: z.number().int().optional(),
  port: z.number().int().optional(),
  target: z.string().optional(),
  adminMail: z.string().optional(),
  refresh: z.number().int().optional(),
  retry: z.number().int().optional(),
  expire: z.number().int().optional(),
  negCache: z.number().int().optional(),
  /** CAA flags, 0 to 255. */
  flag: z.number().int().optional(),
  /** CAA property tag. */
  tag: z.string().optional(),
  /** Yandex 360 organization of the domain (absent on PDD). */
  orgId: z.number().int().optional(),
  adoptExisting: z.boolean(),
});
export type DnsRecordInputs = z.infer<typeof dnsRecordInputsSchema>;

/** State of a `PddDnsRecord`: the inputs as the service holds them, plus its id and name. */
export type DnsRecordOutputs = DnsRecordInputs & { recordId: number; fqdn: string };

/**
 * The engine's values for Create, Update, Read and Delete (Check's output, or the state) as typed
 * inputs. Extra state keys (`recordId`, `fqdn`, `__provider`) are ignored; anything that Check could
 * not have produced is an error naming the field, not a silently wrong value.
 */
export function dnsRecordInputs(props: Readonly<Record<string, unknown>>): DnsRecordInputs {
  const parsed = dnsRecordInputsSchema.safeParse(props);
  if (!parsed.success) {
    throw new Error(
      `the engine passed record inputs that Check does not produce: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** Fields whose change is an in-place `dns/edit` that keeps the record id. */
export const UPDATABLE_FIELDS = [
  "subdomain",
  "content",
  "ttl",
  "priority",
  "weight",
  "port",
  "target",
  "adminMail",
  "refresh",
  "retry",
  "expire",
  "negCache",
  "flag",
  "tag",
] as const;
/** Fields whose change replaces the record: the service cannot move a record or change its type. */
export const REPLACE_FIELDS = ["domain", "type"] as const;

/**
 * Validates and normalizes raw inputs for a backend (PDD unless given). Makes no API call; unknown
 * (preview) values pass through.
 */
export function checkDnsRecord(
  news: Record<string, unknown>,
  backend: BackendTraits = BACKEND_TRAITS.pdd,
): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const out: Record<string, unknown> = {};

  // domain
  const domainRaw = news.domain;
  let domain: string | undefined;
  if (isUnknown(domainRaw)) out.domain = UNKNOWN;
  else if (typeof domainRaw !== "string" || domainRaw.trim() === "")
    fail("domain", 'domain is required, e.g. "example.com"');
  else if (!isValidDomain(domainRaw))
    fail("domain", `domain ${JSON.stringify(domainRaw)} is not a valid domain name`);
  else out.domain = domain = canonicalName(domainRaw);

  // type
  const typeRaw = news.type;
  let type: DnsRecordType | undefined;
  if (isUnknown(typeRaw)) out.type = UNKNOWN;
  else if (typeof typeRaw !== "string" || !RECORD_TYPES.includes(typeRaw.toUpperCase() as DnsRecordType)) {
    fail("type", `type must be one of ${backend.recordTypes.join(", ")}, got ${JSON.stringify(typeRaw)}`);
  } else if (!backend.recordTypes.includes(typeRaw.toUpperCase() as DnsRecordType)) {
    fail("type", unsupportedTypeReason(backend, typeRaw.toUpperCase() as DnsRecordType));
  } else out.type = type = typeRaw.toUpperCase() as DnsRecordType;

  // orgId: Yandex 360 only; absent means the configured (or discovered) organization.
  const orgRaw = news.orgId;
  if (isUnknown(orgRaw)) out.orgId = UNKNOWN;
  else if (orgRaw !== undefined && orgRaw !== null && orgRaw !== "") {
    if (!backend.hasOrganizations) {
      fail(
        "orgId",
        `orgId applies only to the Yandex 360 backend (\`pdd:api\` = yandex360), not ${backend.label}`,
      );
    } else {
      const org = checkInteger(failures, "orgId", orgRaw, 1, Number.MAX_SAFE_INTEGER);
      if (org !== undefined) out.orgId = org;
    }
  }

  // subdomain
  const subRaw = news.subdomain ?? "@";
  if (isUnknown(subRaw)) out.subdomain = UNKNOWN;
  else if (typeof subRaw !== "string") fail("subdomain", 'subdomain must be a string such as "@" or "www"');
  else if (domain === undefined) out.subdomain = canonicalName(subRaw) || "@";
  else {
    const result = normalizeSubdomain(subRaw, domain);
    if (!result.ok) fail("subdomain", result.reason);
    else if (type === "CNAME" && result.value === "@") {
      fail(
        "subdomain",
        "a CNAME record cannot be at the zone apex (@): the apex already holds the zone's SOA and NS records, and a CNAME may not share its name with any other record (RFC 1034, section 3.6.2). Use A/AAAA records at the apex, or put the CNAME on a subdomain such as www",
      );
    } else out.subdomain = result.value;
  }

  out.ttl = checkInteger(failures, "ttl", news.ttl, 1, MAX_TTL) ?? DEFAULT_TTL;

  const takes = (field: string, types: string[]) => {
    if (type === undefined || types.includes(type)) return true;
    const v = news[field];
    if (v !== undefined && v !== null && v !== "") {
      fail(field, `${field} applies only to ${types.join(" and ")} records, not ${type}`);
    }
    return false;
  };

  // priority: MX and SRV; "" is the service's spelling of "none".
  if (takes("priority", ["MX", "SRV"])) {
    out.priority = checkInteger(failures, "priority", news.priority, 0, 65535) ?? DEFAULT_PRIORITY;
  }
  if (takes("weight", ["SRV"])) {
    const weight = checkInteger(failures, "weight", news.weight, 0, 65535);
    if (weight === undefined && type === "SRV" && !failures.some((f) => f.property === "weight")) {
      fail("weight", "weight is required for SRV records (0..65535)");
    }
    out.weight = weight;
  }
  if (takes("port", ["SRV"])) {
    const port = checkInteger(failures, "port", news.port, 1, 65535);
    if (port === undefined && type === "SRV" && !failures.some((f) => f.property === "port")) {
      fail("port", "port is required for SRV records (1..65535)");
    }
    out.port = port;
  }
  if (takes("target", ["SRV"])) {
    const target = news.target;
    if (isUnknown(target)) out.target = UNKNOWN;
    else if (type === "SRV" && (typeof target !== "string" || target.trim() === "")) {
      fail("target", "target is required for SRV records: the host name that serves the service");
    } else if (typeof target === "string") {
      if (target.trim() === ".") out.target = ".";
      else if (isValidHostName(target)) out.target = absoluteHostName(target);
      else fail("target", `target ${JSON.stringify(target)} is not a valid host name`);
    }
  }
  if (takes("flag", ["CAA"])) {
    out.flag = checkInteger(failures, "flag", news.flag, 0, 255) ?? DEFAULT_CAA_FLAG;
  }
  if (takes("tag", ["CAA"])) {
    const tag = news.tag;
    if (isUnknown(tag)) out.tag = UNKNOWN;
    else if (typeof tag === "string" && (CAA_TAGS as readonly string[]).includes(tag.trim().toLowerCase())) {
      out.tag = tag.trim().toLowerCase();
    } else if (type === "CAA" || (tag !== undefined && tag !== null && tag !== "")) {
      fail(
        "tag",
        `tag is required for CAA records: one of ${CAA_TAGS.join(", ")}, got ${JSON.stringify(tag)}`,
      );
    }
  }
  if (takes("adminMail", ["SOA"])) {
    const adminMail = news.adminMail;
    if (isUnknown(adminMail)) out.adminMail = UNKNOWN;
    else if (type === "SOA" && (typeof adminMail !== "string" || adminMail.trim() === "")) {
      fail("adminMail", 'adminMail is required for SOA records, e.g. "hostmaster@example.com"');
    } else if (typeof adminMail === "string") {
      const normalized = adminMail.trim().toLowerCase();
      const [local, host, ...rest] = normalized.split("@");
      const valid =
        rest.length === 0 &&
        (host === undefined
          ? isValidHostName(normalized)
          : /^[a-z0-9._+-]+$/.test(local ?? "") && isValidHostName(host));
      if (valid) out.adminMail = normalized;
      else
        fail(
          "adminMail",
          `adminMail ${JSON.stringify(adminMail)} is not a valid mailbox such as "hostmaster@example.com"`,
        );
    }
  }
  for (const field of SOA_FIELDS) {
    if (takes(field, ["SOA"])) out[field] = checkInteger(failures, field, news[field], 1, MAX_INT32);
  }

  // content, by type
  const content = news.content;
  if (isUnknown(content)) out.content = UNKNOWN;
  else if (type !== undefined) {
    const given = typeof content === "string" && content.trim() !== "";
    if (content !== undefined && content !== null && typeof content !== "string") {
      fail("content", "content must be a string");
    } else if (type === "SRV") {
      if (given) fail("content", "SRV records take their host name in target, not content");
    } else if (type === "SOA") {
      if (given) {
        if (isValidHostName(content as string)) out.content = absoluteHostName(content as string);
        else
          fail(
            "content",
            `content of an SOA record must be the primary name server's host name, got ${JSON.stringify(content)}`,
          );
      }
    } else if (!given) {
      fail("content", `content is required for ${type} records`);
    } else {
      const value = (content as string).trim();
      if (type === "A") {
        if (isIPv4(value)) out.content = value;
        else
          fail(
            "content",
            `an A record needs an IPv4 address such as 203.0.113.10, got ${JSON.stringify(content)}`,
          );
      } else if (type === "AAAA") {
        if (isDnsIPv6(value)) out.content = canonicalIPv6(value);
        else
          fail(
            "content",
            `an AAAA record needs an IPv6 address such as 2001:db8::1, got ${JSON.stringify(content)}`,
          );
      } else if (HOST_CONTENT_TYPES.has(type)) {
        if (isValidHostName(value)) out.content = absoluteHostName(value);
        else
          fail(
            "content",
            `a ${type} record needs a host name such as mx.example.net., got ${JSON.stringify(content)}`,
          );
      } else if (type === "CAA") {
        // The value without the zone-file quotes, e.g. letsencrypt.org or mailto:security@example.com.
        const unquoted = value.replace(/^"(.*)"$/, "$1").trim();
        const printable = [...unquoted].every((c) => c.charCodeAt(0) >= 0x20 && c !== '"');
        if (unquoted === "" || unquoted.length > 255 || !printable)
          fail(
            "content",
            `content of a CAA record is the property value, such as letsencrypt.org (at most 255 characters, no quotes or control characters), got ${JSON.stringify(content)}`,
          );
        else out.content = unquoted;
      } else if (type === "TXT") {
        const text = content as string;
        if (text.length > MAX_TXT_LENGTH)
          fail("content", `TXT content is longer than ${MAX_TXT_LENGTH} characters`);
        else if ([...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
          fail(
            "content",
            "TXT content must not contain line breaks, tabs or other control characters (the services refuse them)",
          );
        else out.content = text;
      }
    }
  }

  const adopt = news.adoptExisting;
  if (adopt === undefined || adopt === null) out.adoptExisting = false;
  else if (isUnknown(adopt)) out.adoptExisting = UNKNOWN;
  else if (typeof adopt !== "boolean") fail("adoptExisting", "adoptExisting must be true or false");
  else out.adoptExisting = adopt;

  return { inputs: plain(out), failures };
}

/** The value the service matches duplicates on: content, target for SRV, and flag, tag and value for CAA. */
export function identityContent(
  inputs: Pick<DnsRecordInputs, "type" | "content" | "target" | "flag" | "tag">,
): string {
  if (inputs.type === "CAA") {
    return `${inputs.flag ?? DEFAULT_CAA_FLAG} ${(inputs.tag ?? "").toLowerCase()} ${inputs.content ?? ""}`;
  }
  return (inputs.type === "SRV" ? inputs.target : inputs.content) ?? "";
}

/** Compares a stored content with a desired one the way the service's duplicate rule would. */
export function sameContent(type: string, a: string, b: string): boolean {
  if (type === "TXT" || type === "CAA") return a === b;
  if (type === "AAAA" && isDnsIPv6(a) && isDnsIPv6(b)) return canonicalIPv6(a) === canonicalIPv6(b);
  return canonicalName(a) === canonicalName(b);
}

/** Is `record` the one these inputs describe (same type, name and content)? */
export function matchesIdentity(record: DnsRecord, inputs: DnsRecordInputs): boolean {
  return (
    record.type === inputs.type &&
    record.subdomain.toLowerCase() === inputs.subdomain &&
    sameContent(inputs.type, identityContent({ ...record, target: record.content }), identityContent(inputs))
  );
}

/** Parameters for `dns/add`. SOA timers are not accepted by add; they follow with an edit. */
export function addParams(inputs: DnsRecordInputs): AddRecordParams {
  return plain({
    domain: inputs.domain,
    type: inputs.type,
    subdomain: inputs.subdomain,
    content: inputs.type === "SRV" ? undefined : inputs.content,
    ttl: inputs.ttl,
    priority: inputs.priority,
    weight: inputs.weight,
    port: inputs.port,
    target: inputs.target,
    adminMail: inputs.adminMail,
    flag: inputs.flag,
    tag: inputs.tag,
  });
}

/** Parameters for an edit: every managed field, so one edit converges whatever drifted. */
export function editParams(recordId: number, inputs: DnsRecordInputs): EditRecordParams {
  return plain({
    ...addParams(inputs),
    recordId,
    refresh: inputs.refresh,
    retry: inputs.retry,
    expire: inputs.expire,
    negCache: inputs.negCache,
  });
}

/** The state of a record as the service holds it, in the inputs' canonical spelling. */
export function outputsFromRecord(
  record: DnsRecord,
  adoptExisting: boolean,
  orgId?: number,
): DnsRecordOutputs {
  const type = record.type;
  const hostContent = HOST_CONTENT_TYPES.has(type) || type === "SRV" || type === "SOA";
  const content =
    record.content === ""
      ? undefined
      : hostContent && record.content !== "."
        ? absoluteHostName(record.content)
        : type === "AAAA" && isDnsIPv6(record.content)
          ? canonicalIPv6(record.content)
          : record.content;
  return plain({
    domain: canonicalName(record.domain),
    type,
    subdomain: record.subdomain.toLowerCase(),
    content,
    ttl: record.ttl,
    priority: type === "MX" || type === "SRV" ? record.priority : undefined,
    weight: type === "SRV" ? record.weight : undefined,
    port: type === "SRV" ? record.port : undefined,
    target: type === "SRV" ? content : undefined,
    adminMail: type === "SOA" ? record.adminMail?.toLowerCase() : undefined,
    refresh: type === "SOA" ? record.refresh : undefined,
    retry: type === "SOA" ? record.retry : undefined,
    expire: type === "SOA" ? record.expire : undefined,
    negCache: type === "SOA" ? record.minttl : undefined,
    flag: type === "CAA" ? (record.flag ?? DEFAULT_CAA_FLAG) : undefined,
    // RFC 8659: tags are case-insensitive; the inputs hold them in lower case.
    tag: type === "CAA" ? record.tag?.toLowerCase() : undefined,
    orgId,
    adoptExisting,
    recordId: record.recordId,
    fqdn: record.fqdn ? canonicalName(record.fqdn) : fqdnOf(record.subdomain.toLowerCase(), record.domain),
  });
}

/** The inputs that would produce these outputs: what `read` hands back so a refresh leaves a clean diff. */
export function inputsFromOutputs(outputs: DnsRecordOutputs): DnsRecordInputs {
  const { recordId: _recordId, fqdn: _fqdn, ...inputs } = outputs;
  if (inputs.type === "SRV") delete inputs.content;
  return inputs;
}

/** Normalizes one field of old state for comparison, tolerating state written by older versions. */
function comparable(field: string, value: unknown, type: string, domain: string): unknown {
  if (value === undefined || value === null || value === "") return undefined;
  if (isUnknown(value)) return value;
  if (field === "subdomain" && typeof value === "string") {
    const r = normalizeSubdomain(value, domain);
    return r.ok ? r.value : value;
  }
  if ((field === "content" || field === "target") && typeof value === "string") {
    if (type === "TXT" || type === "A" || type === "CAA") return value;
    if (type === "AAAA") return isDnsIPv6(value) ? canonicalIPv6(value) : value;
    return canonicalName(value);
  }
  if ((field === "adminMail" || field === "tag") && typeof value === "string") return value.toLowerCase();
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return value;
}

/** Fields that the program may leave unset without that meaning "remove it". */
const OPTIONAL_WITHOUT_DEFAULT: ReadonlySet<string> = new Set(["content", "adminMail", ...SOA_FIELDS]);

/**
 * The engine's diff: `domain`, `type` and a new `orgId` replace, every other managed field updates
 * in place, except on types the backend cannot edit (CAA on Yandex 360), where any change is a
 * replacement, planned delete-first because the new record may be identical to the old in all the
 * service compares. Spelling-only differences (case, trailing dots, FQDN vs relative names, IPv6
 * forms) are no change, and neither is `adoptExisting` or an `orgId` left to the config.
 */
export function diffDnsRecord(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  backend: BackendTraits = BACKEND_TRAITS.pdd,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  const changed: string[] = [];
  const type = String(news.type ?? olds.type ?? "");
  const domain = String(news.domain ?? olds.domain ?? "");
  for (const field of REPLACE_FIELDS) {
    const o = comparable(
      field,
      typeof olds[field] === "string" ? (olds[field] as string).toLowerCase() : olds[field],
      type,
      domain,
    );
    const n = comparable(
      field,
      typeof news[field] === "string" ? (news[field] as string).toLowerCase() : news[field],
      type,
      domain,
    );
    if (isUnknown(n) || o !== n) replaces.push(field);
  }
  for (const field of UPDATABLE_FIELDS) {
    if (type === "SRV" && field === "content") continue; // SRV content mirrors target
    const n = comparable(field, news[field], type, domain);
    if (n === undefined && OPTIONAL_WITHOUT_DEFAULT.has(field)) continue;
    const o = comparable(field, olds[field], type, String(olds.domain ?? domain));
    if (isUnknown(n) || o !== n) changed.push(field);
  }
  // The organization a record was created in is kept in its state; a new one given explicitly moves it.
  const newOrg = comparable("orgId", news.orgId, type, domain);
  if (
    newOrg !== undefined &&
    (isUnknown(newOrg) || newOrg !== comparable("orgId", olds.orgId, type, domain))
  ) {
    replaces.push("orgId");
  }
  const editable = !backend.replaceOnChange.includes(type as DnsRecordType);
  if (!editable) replaces.push(...changed);
  return {
    changes: replaces.length > 0 || changed.length > 0,
    replaces,
    deleteBeforeReplace: !editable && changed.length > 0,
  };
}

/**
 * zod schemas for the Yandex 360 for Business API, applied at the edge so the rest of the code sees
 * validated camelCase values. See docs in /shared/reference/yandex360-api.md (sections 4–6).
 *
 * Tolerance, and why:
 * - The API is a grpc-gateway whose marshaller leaves out zero values, so an absent integer is 0
 *   (MX `preference`, SRV `priority`/`weight`/`port`, CAA `flag`, envelope counters), an absent
 *   string is "" and an absent boolean is false. `null` is read the same way.
 * - Integers may also come as numeric strings (protobuf int64 is a string in canonical proto3 JSON).
 * - Extra keys are ignored.
 * - A record's id is `recordId`; `recordID` (lego's test stub, which Go decodes case-insensitively)
 *   is accepted when `recordId` is absent.
 * - A listed record whose type this client does not model (SOA, or anything new) is skipped, not a
 *   failure of the whole listing: the API can neither create nor edit such records, and one of them
 *   must not stop every other record of the zone from being managed. The page reports how many
 *   were skipped.
 * Anything else malformed (a record without an id, a non-integer ttl) fails loudly.
 */
import { z } from "zod";
import type {
  DnsRecord,
  Yandex360Dkim,
  Yandex360Domain,
  Yandex360DomainCheck,
  Yandex360DomainStatus,
  Yandex360DomainsPage,
  Yandex360Organization,
  Yandex360RecordType,
  Yandex360RecordsPage,
} from "./types";
import { YANDEX360_RECORD_TYPES } from "./types";

/** Non-negative integer as a JSON number or a numeric string. */
const intLike = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^\d+$/, "expected a non-negative integer")
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER)),
]);

/** An integer that may be absent or null: zero-valued fields are left out. */
const intOrZero = intLike.nullish().transform((v) => v ?? 0);

const stringOrEmpty = z
  .string()
  .nullish()
  .transform((v) => v ?? "");

/** Absent, null and "" all become undefined. */
const stringOrUndefined = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v === "" ? undefined : v));

const boolOrFalse = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `recordID` (lego's stub) as `recordId` when the latter is absent. */
function canonicalRecordId(input: unknown): unknown {
  if (!isObject(input) || input.recordId !== undefined || input.recordID === undefined) return input;
  return { ...input, recordId: input.recordID };
}

/** A record as the wire carries it, every data field optional. */
export const wireRecordSchema = z.preprocess(
  canonicalRecordId,
  z.object({
    recordId: intLike,
    type: z.string(),
    name: stringOrEmpty,
    ttl: intOrZero,
    address: stringOrEmpty,
    target: stringOrEmpty,
    exchange: stringOrEmpty,
    preference: intOrZero,
    text: stringOrEmpty,
    port: intOrZero,
    priority: intOrZero,
    weight: intOrZero,
    flag: intOrZero,
    tag: stringOrEmpty,
    value: stringOrEmpty,
  }),
);

export type WireRecord = z.output<typeof wireRecordSchema>;

/** The record type of a wire record, upper-cased, when this client models it. */
export function yandex360RecordType(type: unknown): Yandex360RecordType | undefined {
  if (typeof type !== "string") return undefined;
  const upper = type.toUpperCase();
  return (YANDEX360_RECORD_TYPES as readonly string[]).includes(upper)
    ? (upper as Yandex360RecordType)
    : undefined;
}

/** Lower case without one trailing dot. */
function canonicalZone(zone: string): string {
  return zone.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * A wire `name` as a subdomain relative to `zone`, lower case, "@" for the apex. Accepts "", "@",
 * the zone's own name (with or without a trailing dot) and an absolute name ending in a dot inside
 * the zone. A name without a trailing dot is taken as relative, as the API documents.
 */
export function relativeName(name: string, zone: string): string {
  const z0 = canonicalZone(zone);
  let n = name.trim().toLowerCase();
  if (n === "" || n === "@") return "@";
  const absolute = n.endsWith(".");
  if (absolute) n = n.slice(0, -1);
  if (n === z0) return "@";
  if (absolute && z0 !== "" && n.endsWith(`.${z0}`)) return n.slice(0, -(z0.length + 1));
  return n;
}

/** The fully qualified name (no trailing dot) of a subdomain of `zone`. */
export function fqdnOf(subdomain: string, zone: string): string {
  const z0 = canonicalZone(zone);
  return subdomain === "@" || subdomain === "" ? z0 : `${subdomain}.${z0}`;
}

/**
 * TXT text as stored: the service doubles backslashes on output (reference 4.5: "Yandex 360 is
 * doubling backslashes"), so every `\\` pair becomes one `\`. The exact rule is unconfirmed; this
 * undoes exactly the doubling octodns-yandex observed.
 */
export function undoubleBackslashes(text: string): string {
  return text.replace(/\\\\/g, "\\");
}

/** CAA value without one pair of surrounding double quotes (the API's quoting is unconfirmed). */
export function unquoteCaaValue(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** A wire record of a modelled type as a backend-neutral {@link DnsRecord} of `zone`. */
export function toDnsRecord(wire: WireRecord, type: Yandex360RecordType, zone: string): DnsRecord {
  const subdomain = relativeName(wire.name, zone);
  const out: DnsRecord = {
    recordId: wire.recordId,
    domain: zone,
    type,
    subdomain,
    fqdn: fqdnOf(subdomain, zone),
    content: "",
    ttl: wire.ttl,
  };
  switch (type) {
    case "A":
    case "AAAA":
      out.content = wire.address;
      break;
    case "CNAME":
    case "NS":
      out.content = wire.target;
      break;
    case "MX":
      out.content = wire.exchange;
      out.priority = wire.preference;
      break;
    case "TXT":
      out.content = undoubleBackslashes(wire.text);
      break;
    case "SRV":
      out.content = wire.target;
      out.priority = wire.priority;
      out.weight = wire.weight;
      out.port = wire.port;
      break;
    case "CAA":
      out.content = unquoteCaaValue(wire.value);
      out.flag = wire.flag;
      out.tag = wire.tag;
      break;
  }
  return out;
}

/** Zones whose schemas are kept; past this many the cache starts over (a stack has a few zones). */
const SCHEMA_CACHE_ZONES = 64;

/**
 * `build(zone)`, made once per zone. Building a zod object schema costs about 100 µs and its first
 * parse compiles it (zod's JIT) on top, far more than parsing a small answer with a schema already
 * built; a create or edit on Yandex 360 parsed its answer with a fresh schema every time.
 */
function perZone<T>(build: (zone: string) => T): (zone: string) => T {
  const cache = new Map<string, T>();
  return (zone) => {
    let schema = cache.get(zone);
    if (schema === undefined) {
      if (cache.size >= SCHEMA_CACHE_ZONES) cache.clear();
      schema = build(zone);
      cache.set(zone, schema);
    }
    return schema;
  };
}

/**
 * One record of `zone`: undefined when its type is not modelled (skipped by listings). The record
 * must be an object with a `type`; anything else fails.
 */
export function recordSchema(zone: string) {
  return z.looseObject({ type: z.string() }).transform((raw, ctx): DnsRecord | undefined => {
    const type = yandex360RecordType(raw.type);
    if (type === undefined) return undefined;
    const parsed = wireRecordSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path as PropertyKey[] });
      }
      return z.NEVER;
    }
    return toDnsRecord(parsed.data, type, zone);
  });
}

/** `GET …/dns?page&perPage`: the envelope `{records, page, pages, perPage, total}` (one schema per zone). */
export function dnsPageSchema(zone: string) {
  return dnsPageSchemas(zone);
}

const dnsPageSchemas = perZone((zone: string) =>
  z
    .object({
      records: z.array(recordSchema(zone)).nullish(),
      page: intOrZero,
      pages: intOrZero,
      perPage: intOrZero,
      total: intOrZero,
    })
    .transform((b): Yandex360RecordsPage => {
      const all = b.records ?? [];
      const records = all.filter((r): r is DnsRecord => r !== undefined);
      return {
        records,
        page: b.page,
        pages: b.pages,
        perPage: b.perPage,
        total: b.total,
        skipped: all.length - records.length,
      };
    }),
);

/**
 * A create or edit answer: the record when it carries an id and a modelled type, `{recordId}` when
 * it carries only an id (or a type this client does not recognise, like lego's stub), and `{}`
 * when it carries no id at all (an empty edit answer). One schema per zone.
 */
export function mutationAnswerSchema(zone: string) {
  return mutationAnswerSchemas(zone);
}

const mutationAnswerSchemas = perZone((zone: string) =>
  z.preprocess(
    canonicalRecordId,
    z
      .looseObject({ recordId: intLike.optional() })
      .transform((raw, ctx): { recordId?: number; record?: DnsRecord } => {
        if (raw.recordId === undefined) return {};
        const type = yandex360RecordType(raw.type);
        if (type === undefined) return { recordId: raw.recordId };
        const parsed = wireRecordSchema.safeParse(raw);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            ctx.addIssue({ code: "custom", message: issue.message, path: issue.path as PropertyKey[] });
          }
          return z.NEVER;
        }
        return { recordId: raw.recordId, record: toDnsRecord(parsed.data, type, zone) };
      }),
  ),
);

const domainCheck = z
  .object({ match: boolOrFalse, value: stringOrEmpty })
  .nullish()
  .transform((c): Yandex360DomainCheck | undefined => (c ? { match: c.match, value: c.value } : undefined));

const domainStatus = z
  .object({
    name: stringOrUndefined,
    lastCheck: stringOrUndefined,
    lastAdded: stringOrUndefined,
    spf: domainCheck,
    mx: domainCheck,
    ns: domainCheck,
    dkim: domainCheck,
  })
  .nullish()
  .transform((s): Yandex360DomainStatus | undefined => {
    if (!s) return undefined;
    const out: Yandex360DomainStatus = {};
    for (const key of ["name", "lastCheck", "lastAdded"] as const) {
      if (s[key] !== undefined) out[key] = s[key];
    }
    for (const key of ["spf", "mx", "ns", "dkim"] as const) {
      if (s[key] !== undefined) out[key] = s[key];
    }
    return out;
  });

/**
 * A domain. `name` is required; the four booleans default to false when absent (zero values are
 * left out on the wire), `country` and `status` stay undefined.
 */
export const domainSchema = z
  .object({
    name: z.string().min(1),
    country: stringOrUndefined,
    mx: boolOrFalse,
    delegated: boolOrFalse,
    master: boolOrFalse,
    verified: boolOrFalse,
    status: domainStatus,
  })
  .transform((d): Yandex360Domain => {
    const out: Yandex360Domain = {
      name: d.name,
      mx: d.mx,
      delegated: d.delegated,
      master: d.master,
      verified: d.verified,
    };
    if (d.country !== undefined) out.country = d.country;
    if (d.status !== undefined) out.status = d.status;
    return out;
  });

/** `GET …/domains?page&perPage`: `{domains, page, pages, perPage, total}`. */
export const domainsPageSchema = z
  .object({
    domains: z.array(domainSchema).nullish(),
    page: intOrZero,
    pages: intOrZero,
    perPage: intOrZero,
    total: intOrZero,
  })
  .transform((b): Yandex360DomainsPage => ({
    domains: b.domains ?? [],
    page: b.page,
    pages: b.pages,
    perPage: b.perPage,
    total: b.total,
  }));

/** An organization; empty optional strings are left out. */
export const organizationSchema = z
  .object({
    id: intLike,
    name: stringOrEmpty,
    email: stringOrUndefined,
    language: stringOrUndefined,
    subscriptionPlan: stringOrUndefined,
  })
  .transform((o): Yandex360Organization => {
    const out: Yandex360Organization = { id: o.id, name: o.name };
    if (o.email !== undefined) out.email = o.email;
    if (o.language !== undefined) out.language = o.language;
    if (o.subscriptionPlan !== undefined) out.subscriptionPlan = o.subscriptionPlan;
    return out;
  });

/** `GET /directory/v1/org?pageSize&pageToken`: cursor paging, "" (or absent) on the last page. */
export const organizationsPageSchema = z
  .object({
    organizations: z.array(organizationSchema).nullish(),
    nextPageToken: stringOrEmpty,
  })
  .transform((b) => ({ organizations: b.organizations ?? [], nextPageToken: b.nextPageToken }));

/** `GET …/domains/{domain}/dkim`: `{enabled, publicKey}`; "" or absent key → undefined. */
export const dkimSchema = z
  .object({ enabled: boolOrFalse, publicKey: stringOrUndefined })
  .transform((d): Yandex360Dkim => (d.publicKey !== undefined ? d : { enabled: d.enabled }));

/** `DELETE …/dns/{recordId}`: `{}` (an empty body is accepted before this schema runs). */
export const emptyAnswerSchema = z.object({}).transform(() => undefined);

/** The error body `{code, message, details}` of a refusal; `details` is parsed loosely. */
export const errorBodySchema = z.object({
  code: z.number().int(),
  message: z.string(),
  details: z.array(z.unknown()).nullish(),
});

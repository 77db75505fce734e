/**
 * The emulator's data model: organizations, the domains on the account (each in one organization),
 * their DNS records, logos and DKIM keys, plus the validation rules of the PDD admin API. One state
 * serves both faces (PDD and Yandex 360). Pure and synchronous so the HTTP layer stays thin and
 * every rule here can be exercised without a socket.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";

/**
 * Every type the state can hold (PDD had SOA and no CAA, Yandex 360 has CAA and no SOA), each face's
 * types and the CAA tags: the package's one list of each, in src/client/types.ts.
 */
export {
  CAA_TAGS,
  DNS_RECORD_TYPES as RECORD_TYPES,
  PDD_RECORD_TYPES,
  YANDEX360_RECORD_TYPES,
} from "../client/types";
export type { CaaTag, DnsRecordType as RecordType } from "../client/types";
import type { CaaTag, DnsRecordType as RecordType } from "../client/types";
import { CAA_TAGS, DNS_RECORD_TYPES as RECORD_TYPES, PDD_RECORD_TYPES } from "../client/types";

/** The organization every domain is in unless told otherwise (the id the Yandex 360 recordings use). */
export const DEFAULT_ORG_ID = 1234567;

interface RawRecordCommon {
  record_id: number;
  domain: string;
  /** "@" for the apex, otherwise the lower-case name relative to the domain. */
  subdomain: string;
  /** Fully qualified name without a trailing dot. */
  fqdn: string;
  /** As sent by the client (hostnames keep a trailing dot if they were given one). */
  content: string;
  ttl: number;
}

export interface RawPlainRecord extends RawRecordCommon {
  type: "A" | "AAAA" | "CNAME" | "NS" | "TXT";
  priority: "";
}

export interface RawMxRecord extends RawRecordCommon {
  type: "MX";
  priority: number;
}

export interface RawSrvRecord extends RawRecordCommon {
  type: "SRV";
  priority: number;
  weight: number;
  port: number;
}

export interface RawSoaRecord extends RawRecordCommon {
  type: "SOA";
  priority: "";
  admin_mail: string;
  refresh: number;
  retry: number;
  expire: number;
  minttl: number;
}

/**
 * A CAA record (Yandex 360 only: the PDD face never shows one). There is no PDD wire shape for it, so
 * this follows the others: the value in `content`, `priority: ""`.
 */
export interface RawCaaRecord extends RawRecordCommon {
  type: "CAA";
  priority: "";
  flag: number;
  tag: CaaTag;
}

/** A DNS record exactly as the service answers it (snake_case, `priority: ""` where not applicable). */
export type RawRecord = RawPlainRecord | RawMxRecord | RawSrvRecord | RawSoaRecord | RawCaaRecord;

/**
 * A record to seed a domain with, in the service's raw shape (a `dns/list` record from a recording
 * fits as is). Numbers may be given as strings; `record_id` is kept when present; `subdomain` may be
 * omitted when `fqdn` is given. Extra keys are ignored.
 */
export interface SeedRecord {
  type: string;
  content: string;
  subdomain?: string;
  fqdn?: string;
  domain?: string;
  record_id?: number | string;
  ttl?: number | string;
  priority?: number | string;
  weight?: number | string;
  port?: number | string;
  admin_mail?: string;
  refresh?: number | string;
  retry?: number | string;
  expire?: number | string;
  minttl?: number | string;
  /** CAA only. */
  flag?: number | string;
  /** CAA only. */
  tag?: string;
  [key: string]: unknown;
}

/** Internal record form; `domain`/`fqdn` are derived when rendering. */
export interface StoredRecord {
  id: number;
  type: RecordType;
  subdomain: string;
  content: string;
  ttl: number;
  priority?: number;
  weight?: number;
  port?: number;
  adminMail?: string;
  refresh?: number;
  retry?: number;
  expire?: number;
  minttl?: number;
  /** CAA only; the value is `content`. */
  flag?: number;
  tag?: CaaTag;
}

export interface LogoEntry {
  data: Buffer;
  sha256: string;
  contentType: string;
}

/** One fact per domain, shown by both faces (PDD `dkim-ready`, Yandex 360 `…/dkim`). */
export interface DkimState {
  enabled: boolean;
  /** SPKI DER, base64; generated on first use and persisted. */
  publicKey?: string;
}

export interface DomainEntry {
  name: string;
  /** The organization (Yandex 360) the domain belongs to. */
  orgId: number;
  records: StoredRecord[];
  logo?: LogoEntry;
  dkim: DkimState;
}

/** A domain for `startEmulator({ domains })`: a plain name goes to the first organization. */
export type DomainSeed = string | { name: string; orgId: number };

/**
 * An API-level refusal inside the emulator: the HTTP layer turns it into
 * `{"success":"error","error":code}`. Not the client's `PddApiError`, which is what a client makes of that answer.
 */
export class EmulatorApiRefusal extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = "EmulatorApiRefusal";
  }
}

export type Params = ReadonlyMap<string, string>;

export const DEFAULT_TTL = 21600;
export const MAX_TTL = 1_209_600;
export const DEFAULT_PRIORITY = 10;
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
const SOA_DEFAULTS = { refresh: 14400, retry: 900, expire: 1_209_600, minttl: 14400 } as const;
const MAX_TXT_LENGTH = 4096;
const INT32_MAX = 2_147_483_647;

/**
 * The service treated an empty parameter like a missing one (PHP-style), so both give undefined.
 * Whitespace is trimmed except where the value is free text (TXT content).
 */
function param(params: Params, name: string, trim = true): string | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  const result = trim ? value.trim() : value;
  return result === "" ? undefined : result;
}

function parseIntParam(value: string, min: number, max: number, code: string): number {
  if (!/^\d+$/.test(value)) throw new EmulatorApiRefusal(code);
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw new EmulatorApiRefusal(code);
  return parsed;
}

function optionalInt(
  params: Params,
  name: string,
  min: number,
  max: number,
  fallback: number,
  code = `bad_${name}`,
): number {
  const value = param(params, name);
  return value === undefined ? fallback : parseIntParam(value, min, max, code);
}

const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Hostname syntax for CNAME/MX/NS/SRV/SOA targets; an absolute name may end with a dot. */
export function isHostname(value: string): boolean {
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  return name.split(".").every((label) => HOST_LABEL.test(label));
}

/** Canonical (lower-case, trailing dot removed) account domain name, or undefined when malformed. */
export function normalizeDomainName(value: string): string | undefined {
  let name = value.trim().toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = name.split(".");
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return undefined;
  return name;
}

/**
 * Stored form of a record name: lower-case and relative to the domain, "@" for the apex. A name
 * ending with a dot is absolute (zone-file convention) and must lie inside the domain; anything
 * else is taken as relative, as the service did.
 */
export function normalizeSubdomain(input: string, domain: string): string {
  let name = input.trim().toLowerCase();
  if (name === "" || name === "@") return "@";
  if (name.endsWith(".")) {
    name = name.slice(0, -1);
    if (name === domain) return "@";
    if (!name.endsWith(`.${domain}`)) throw new EmulatorApiRefusal("bad_subdomain");
    name = name.slice(0, -(domain.length + 1));
  }
  const labels = name.split(".");
  const valid = labels.every((label, index) => (label === "*" ? index === 0 : HOST_LABEL.test(label)));
  if (!valid || name.length + domain.length + 1 > 253) throw new EmulatorApiRefusal("bad_subdomain");
  return name;
}

/**
 * The content rules of every type but CAA (see validateCaaValue). Throws `bad_content`. TXT is kept
 * byte for byte; everything else is trimmed.
 */
export function validateContent(type: Exclude<RecordType, "CAA">, raw: string): string {
  if (type === "TXT") {
    // Free text: kept byte for byte, but control characters cannot be published in a zone.
    // eslint-disable-next-line no-control-regex
    if (raw.length > MAX_TXT_LENGTH || /[\u0000-\u001f\u007f]/.test(raw))
      throw new EmulatorApiRefusal("bad_content");
    return raw;
  }
  const content = raw.trim();
  switch (type) {
    case "A":
      if (!isIPv4(content)) throw new EmulatorApiRefusal("bad_content");
      return content;
    case "AAAA":
      // node accepts zone ids ("fe80::1%eth0"), which have no meaning in DNS.
      if (!isIPv6(content) || content.includes("%")) throw new EmulatorApiRefusal("bad_content");
      return content;
    default:
      if (!isHostname(content)) throw new EmulatorApiRefusal("bad_content");
      return content;
  }
}

const MAX_CAA_VALUE_LENGTH = 1024;

export function isCaaTag(value: string): value is CaaTag {
  return (CAA_TAGS as readonly string[]).includes(value);
}

/** A CAA tag, lower-cased; throws `bad_tag` for anything but issue, issuewild and iodef. */
export function validateCaaTag(raw: string): CaaTag {
  const tag = raw.trim().toLowerCase();
  if (!isCaaTag(tag)) throw new EmulatorApiRefusal("bad_tag");
  return tag;
}

/** Strips one pair of surrounding double quotes (whether the API wants them is unconfirmed). */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/**
 * A CAA value (stored as sent, quotes included if any): for issue/issuewild an issuer host name,
 * optionally followed by `;` parameters, or a lone `;` (no issuer allowed); for iodef a mailto:,
 * http: or https: URL. Throws `bad_content`.
 */
export function validateCaaValue(tag: CaaTag, raw: string): string {
  const value = raw.trim();
  const inner = unquote(value).trim();
  // eslint-disable-next-line no-control-regex
  if (inner === "" || value.length > MAX_CAA_VALUE_LENGTH || /[\u0000-\u001f\u007f"]/.test(inner)) {
    throw new EmulatorApiRefusal("bad_content");
  }
  if (tag === "iodef") {
    if (!/^(?:mailto:[^\s@]+@[^\s@]+|https?:\/\/\S+)$/i.test(inner))
      throw new EmulatorApiRefusal("bad_content");
    return value;
  }
  const issuer = inner.split(";")[0]!.trim();
  if (issuer !== "" && !isHostname(issuer)) throw new EmulatorApiRefusal("bad_content");
  return value;
}

function validateAdminMail(value: string): string {
  if (!/^[a-z0-9._+-]+(?:@[a-z0-9.-]+)?$/i.test(value) || value.length > 253) {
    throw new EmulatorApiRefusal("bad_admin_mail");
  }
  return value;
}

/** Expands an IPv6 address so "2001:db8::1" and "2001:0db8:0:0::1" compare equal. */
function canonicalIPv6(address: string): string {
  let text = address.toLowerCase();
  const embedded = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (embedded) {
    const [, head, a, b, c, d] = embedded;
    const hi = ((Number(a) << 8) | Number(b)).toString(16);
    const lo = ((Number(c) << 8) | Number(d)).toString(16);
    text = `${head}${hi}:${lo}`;
  }
  const [head = "", tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill: string[] =
    tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...fill, ...tailGroups].map((group) => parseInt(group, 16).toString(16)).join(":");
}

/**
 * Each record's key, computed once: `record_exists` compares a new record with every record of its zone,
 * and a stored record's type, name and content never change in place (an edit stores a new object).
 */
const duplicateKeys = new WeakMap<StoredRecord, string>();

/** Identity used for `record_exists`: same type, name and (normalised) content. */
function duplicateKey(record: StoredRecord): string {
  let key = duplicateKeys.get(record);
  if (key === undefined) {
    key = computeDuplicateKey(record);
    duplicateKeys.set(record, key);
  }
  return key;
}

function computeDuplicateKey(
  record: Pick<StoredRecord, "type" | "subdomain" | "content" | "flag" | "tag">,
): string {
  let content: string;
  switch (record.type) {
    case "A":
    case "TXT":
      content = record.content;
      break;
    case "CAA":
      // Same value under another tag or flag is another record.
      content = `${record.flag ?? 0} ${record.tag ?? ""} ${unquote(record.content.trim())}`;
      break;
    case "AAAA":
      content = canonicalIPv6(record.content);
      break;
    default:
      // DNS names are case-insensitive and "host" / "host." name the same target here.
      content = record.content.toLowerCase().replace(/\.$/, "");
  }
  return `${record.type}\u0000${record.subdomain}\u0000${content}`;
}

function isRecordType(value: string, types: readonly RecordType[]): value is RecordType {
  return (types as readonly string[]).includes(value);
}

/**
 * Builds (but does not store) a record from `dns/add`-style parameters. `types` are the types
 * accepted: the PDD face's, or every type for seeds (a CAA seed carries `flag`, `tag`, `content`).
 */
function buildRecord(
  domain: string,
  params: Params,
  types: readonly RecordType[] = PDD_RECORD_TYPES,
): StoredRecord {
  const typeParam = param(params, "type");
  if (typeParam === undefined) throw new EmulatorApiRefusal("no_type");
  const type = typeParam.toUpperCase();
  if (!isRecordType(type, types)) throw new EmulatorApiRefusal("bad_type");
  const subdomain = normalizeSubdomain(param(params, "subdomain") ?? "@", domain);
  if (type === "CAA") {
    const tag = validateCaaTag(param(params, "tag") ?? "");
    const value = param(params, "content");
    if (value === undefined) throw new EmulatorApiRefusal("no_content");
    return {
      id: 0,
      type,
      subdomain,
      content: validateCaaValue(tag, value),
      ttl: optionalInt(params, "ttl", 1, MAX_TTL, DEFAULT_TTL),
      flag: optionalInt(params, "flag", 0, 255, 0),
      tag,
    };
  }
  // SRV takes its target either as `target` or as `content`; either way it is stored as content.
  const rawContent =
    type === "SRV"
      ? (param(params, "target") ?? param(params, "content"))
      : param(params, "content", type !== "TXT");
  if (rawContent === undefined) throw new EmulatorApiRefusal("no_content");
  const record: StoredRecord = {
    id: 0,
    type,
    subdomain,
    content: validateContent(type, rawContent),
    ttl: optionalInt(params, "ttl", 1, MAX_TTL, DEFAULT_TTL),
  };
  if (type === "MX" || type === "SRV") {
    record.priority = optionalInt(params, "priority", 0, 65535, DEFAULT_PRIORITY);
  }
  if (type === "SRV") {
    record.weight = optionalInt(params, "weight", 0, 65535, 0);
    const port = param(params, "port");
    if (port === undefined) throw new EmulatorApiRefusal("no_port");
    record.port = parseIntParam(port, 1, 65535, "bad_port");
  }
  if (type === "SOA") {
    record.adminMail = validateAdminMail(param(params, "admin_mail") ?? `hostmaster.${domain}`);
    record.refresh = optionalInt(params, "refresh", 1, INT32_MAX, SOA_DEFAULTS.refresh);
    record.retry = optionalInt(params, "retry", 1, INT32_MAX, SOA_DEFAULTS.retry);
    record.expire = optionalInt(params, "expire", 1, INT32_MAX, SOA_DEFAULTS.expire);
    // The API calls it neg_cache; dns/list reports it as minttl (which is what seeds carry).
    const negCache = params.has("neg_cache") ? "neg_cache" : "minttl";
    record.minttl = optionalInt(params, negCache, 1, INT32_MAX, SOA_DEFAULTS.minttl, "bad_neg_cache");
  }
  return record;
}

/** Applies `dns/edit` parameters to a copy of `current`. The type cannot change (ignored if sent). */
function applyEdit(domain: string, current: StoredRecord, params: Params): StoredRecord {
  const next: StoredRecord = { ...current };
  const subdomain = param(params, "subdomain");
  if (subdomain !== undefined) next.subdomain = normalizeSubdomain(subdomain, domain);
  const ttl = param(params, "ttl");
  if (ttl !== undefined) next.ttl = parseIntParam(ttl, 1, MAX_TTL, "bad_ttl");
  const content =
    current.type === "SRV"
      ? (param(params, "target") ?? param(params, "content"))
      : param(params, "content", current.type !== "TXT");
  // CAA records never reach here: neither face edits them in place.
  if (content !== undefined && current.type !== "CAA") next.content = validateContent(current.type, content);
  if (current.type === "MX" || current.type === "SRV") {
    next.priority = optionalInt(params, "priority", 0, 65535, current.priority ?? DEFAULT_PRIORITY);
  }
  if (current.type === "SRV") {
    next.weight = optionalInt(params, "weight", 0, 65535, current.weight ?? 0);
    next.port = optionalInt(params, "port", 1, 65535, current.port ?? 1);
  }
  if (current.type === "SOA") {
    const adminMail = param(params, "admin_mail");
    if (adminMail !== undefined) next.adminMail = validateAdminMail(adminMail);
    next.refresh = optionalInt(params, "refresh", 1, INT32_MAX, current.refresh ?? SOA_DEFAULTS.refresh);
    next.retry = optionalInt(params, "retry", 1, INT32_MAX, current.retry ?? SOA_DEFAULTS.retry);
    next.expire = optionalInt(params, "expire", 1, INT32_MAX, current.expire ?? SOA_DEFAULTS.expire);
    next.minttl = optionalInt(params, "neg_cache", 1, INT32_MAX, current.minttl ?? SOA_DEFAULTS.minttl);
  }
  return next;
}

function parseRecordId(params: Params): number {
  const value = param(params, "record_id");
  if (value === undefined) throw new EmulatorApiRefusal("no_record_id");
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new EmulatorApiRefusal("bad_record_id");
  return Number(value);
}

/** Renders a stored record in the service's raw shape (the key order of the recordings). */
export function toRawRecord(domain: string, record: StoredRecord): RawRecord {
  const common = {
    content: record.content,
    domain,
    fqdn: record.subdomain === "@" ? domain : `${record.subdomain}.${domain}`,
  };
  const tail = { ttl: record.ttl, record_id: record.id, subdomain: record.subdomain };
  switch (record.type) {
    case "MX":
      return { ...common, priority: record.priority ?? DEFAULT_PRIORITY, ...tail, type: "MX" };
    case "SRV":
      return {
        ...common,
        weight: record.weight ?? 0,
        port: record.port ?? 1,
        priority: record.priority ?? DEFAULT_PRIORITY,
        ...tail,
        type: "SRV",
      };
    case "SOA":
      return {
        ...common,
        retry: record.retry ?? SOA_DEFAULTS.retry,
        refresh: record.refresh ?? SOA_DEFAULTS.refresh,
        admin_mail: record.adminMail ?? `hostmaster.${domain}`,
        priority: "",
        expire: record.expire ?? SOA_DEFAULTS.expire,
        ...tail,
        type: "SOA",
        minttl: record.minttl ?? SOA_DEFAULTS.minttl,
      };
    case "CAA":
      return {
        ...common,
        priority: "",
        flag: record.flag ?? 0,
        tag: record.tag ?? "issue",
        ...tail,
        type: "CAA",
      };
    default:
      return { ...common, priority: "", ...tail, type: record.type };
  }
}

/** What a fresh domain on Yandex's DNS looked like. */
function defaultRecordParams(domain: string): Array<Record<string, string>> {
  return [
    { type: "MX", subdomain: "@", content: "mx.yandex.net.", priority: "10" },
    { type: "NS", subdomain: "@", content: "dns1.yandex.net." },
    { type: "NS", subdomain: "@", content: "dns2.yandex.net." },
    { type: "SOA", subdomain: "@", content: "dns1.yandex.net.", admin_mail: `hostmaster.${domain}` },
    { type: "TXT", subdomain: "@", content: "v=spf1 redirect=_spf.yandex.net" },
  ];
}

const IMAGE_SIGNATURES: Array<{ contentType: string; magic: number[] }> = [
  { contentType: "image/gif", magic: [0x47, 0x49, 0x46, 0x38, 0x37, 0x61] }, // GIF87a
  { contentType: "image/gif", magic: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61] }, // GIF89a
  { contentType: "image/png", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { contentType: "image/jpeg", magic: [0xff, 0xd8, 0xff] },
];

/** Content type from the magic bytes (the service ignored the declared type), or undefined. */
export function detectImageType(data: Uint8Array): string | undefined {
  const match = IMAGE_SIGNATURES.find(
    ({ magic }) => data.length > magic.length && magic.every((byte, i) => data[i] === byte),
  );
  return match?.contentType;
}

/** FNV-1a: a stable per-domain hash for the deterministic "noise" in domain/domains answers. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * One entry of `domain/domains`. The live service mixed JSON booleans with "yes"/"no" strings
 * across fields and accounts; clients must cope, so each domain gets its own (stable) mix.
 */
export function domainInfo(entry: DomainEntry, logoUrl: string): Record<string, unknown> {
  const hash = fnv1a(entry.name);
  const flag = (value: boolean, bit: number): boolean | string =>
    (hash >>> bit) & 1 ? (value ? "yes" : "no") : value;
  const stages = ["mx-activate", "owner-check", "added"] as const;
  return {
    name: entry.name,
    status: "added",
    stage: stages[hash % stages.length],
    aliases: [],
    logo_enabled: flag(entry.logo !== undefined, 3),
    logo_url: entry.logo === undefined ? "" : logoUrl,
    nsdelegated: flag(true, 4),
    master_admin: flag(true, 5),
    "emails-count": 0,
    "emails-max-count": 1000,
    "dkim-ready": flag(entry.dkim.enabled, 7),
    direction: "",
    from_registrar: flag(false, 8),
    ws_technical: flag(false, 9),
  };
}

const storedRecordSchema = z.object({
  id: z.number().int().positive(),
  type: z.enum(RECORD_TYPES),
  subdomain: z.string().min(1),
  content: z.string().min(1),
  ttl: z.number().int().min(1).max(MAX_TTL),
  priority: z.number().int().min(0).max(65535).optional(),
  weight: z.number().int().min(0).max(65535).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  adminMail: z.string().optional(),
  refresh: z.number().int().optional(),
  retry: z.number().int().optional(),
  expire: z.number().int().optional(),
  minttl: z.number().int().optional(),
  flag: z.number().int().min(0).max(255).optional(),
  tag: z.enum(CAA_TAGS).optional(),
});

const persistedLogoSchema = z.object({ contentType: z.string(), sha256: z.string(), base64: z.string() });

/** Version 1: one account, no organizations, no DKIM keys (still loaded: every domain in the first org). */
const persistedStateV1Schema = z.object({
  version: z.literal(1),
  nextRecordId: z.number().int().positive(),
  domains: z.array(
    z.object({
      name: z.string(),
      records: z.array(storedRecordSchema),
      logo: persistedLogoSchema.optional(),
    }),
  ),
});

const orgIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const persistedStateV2Schema = z.object({
  version: z.literal(2),
  orgIds: z.array(orgIdSchema).min(1),
  nextRecordId: z.number().int().positive(),
  domains: z.array(
    z.object({
      name: z.string(),
      orgId: orgIdSchema,
      dkim: z.object({ enabled: z.boolean(), publicKey: z.string().min(1).optional() }),
      records: z.array(storedRecordSchema),
      logo: persistedLogoSchema.optional(),
    }),
  ),
});

const persistedStateSchema = z.discriminatedUnion("version", [
  persistedStateV1Schema,
  persistedStateV2Schema,
]);

/** What `toPersisted` writes (always the latest version). */
export type PersistedState = z.infer<typeof persistedStateV2Schema>;

export interface SeedOptions {
  domains: DomainSeed[];
  /** Default [DEFAULT_ORG_ID]. */
  orgIds?: number[];
  seedDefaultRecords: boolean;
  records: Record<string, SeedRecord[]>;
  firstRecordId: number;
}

/** Checks an organization list: non-empty, positive safe integers, no repeats. Throws RangeError. */
export function validateOrgIds(orgIds: unknown): number[] {
  if (!Array.isArray(orgIds) || orgIds.length === 0) {
    throw new RangeError("orgIds must be a non-empty array of organization ids");
  }
  for (const id of orgIds) {
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
      throw new RangeError(`orgIds: ${String(id)} is not a positive integer`);
    }
  }
  if (new Set(orgIds).size !== orgIds.length) throw new RangeError("orgIds: an id is given twice");
  return [...(orgIds as number[])];
}

/**
 * Resolves `domains` entries against the organizations: a plain name goes to the first one, an
 * `{ name, orgId }` to its own, which must be one of `orgIds`. Throws RangeError.
 */
export function resolveDomainSeeds(
  domains: readonly DomainSeed[],
  orgIds: readonly number[],
): Array<{ name: string; orgId: number }> {
  return domains.map((domain) => {
    const name = typeof domain === "string" ? domain : (domain as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || normalizeDomainName(name) === undefined) {
      throw new RangeError(`"${String(name)}" is not a valid domain name`);
    }
    if (typeof domain === "string") return { name, orgId: orgIds[0]! };
    if (!orgIds.includes(domain.orgId)) {
      throw new RangeError(
        `domain ${name}: organization ${String(domain.orgId)} is not one of the emulator's orgIds (${orgIds.join(", ")})`,
      );
    }
    return { name, orgId: domain.orgId };
  });
}

/** A new domain's DKIM state: enabled for about two domains in three, stable per name. */
function defaultDkimEnabled(name: string): boolean {
  return (fnv1a(name) >>> 6) % 3 !== 0;
}

function seedToParams(domain: string, seed: SeedRecord): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of Object.entries(seed)) {
    if (typeof value === "string" || typeof value === "number") params.set(key, String(value));
  }
  if (seed.subdomain === undefined && typeof seed.fqdn === "string") {
    const fqdn = seed.fqdn.toLowerCase().replace(/\.$/, "");
    params.set("subdomain", fqdn === domain ? "@" : `${fqdn}.`);
  }
  return params;
}

/** Which records a face can see: PDD had no CAA, Yandex 360 has no SOA. */
export type Face = "pdd" | "yandex360";

export function visibleOn(face: Face, record: Pick<StoredRecord, "type">): boolean {
  return face === "pdd" ? record.type !== "CAA" : record.type !== "SOA";
}

export class EmulatorState {
  private readonly domains = new Map<string, DomainEntry>();
  private readonly orgs: number[];

  private constructor(
    public nextRecordId: number,
    orgIds: readonly number[],
  ) {
    this.orgs = [...orgIds];
  }

  static seeded(options: SeedOptions): EmulatorState {
    const orgIds = validateOrgIds(options.orgIds ?? [DEFAULT_ORG_ID]);
    const state = new EmulatorState(options.firstRecordId, orgIds);
    for (const { name, orgId } of resolveDomainSeeds(options.domains, orgIds)) {
      state.addDomain(name, options.seedDefaultRecords, orgId);
    }
    for (const [rawName, seeds] of Object.entries(options.records)) {
      const name = normalizeDomainName(rawName);
      const entry = name === undefined ? undefined : state.domains.get(name);
      if (entry === undefined) {
        throw new Error(`records: domain "${rawName}" is not in the emulator's domains list`);
      }
      seeds.forEach((seed, index) => state.seedRecord(entry, seed, index));
    }
    return state;
  }

  /**
   * Loads a state file. A version 1 file has no organizations: its domains all go to the first of
   * `v1OrgIds` (default [DEFAULT_ORG_ID]). A version 2 file brings its own organizations.
   */
  static fromPersisted(input: unknown, source: string, v1OrgIds?: readonly number[]): EmulatorState {
    const parsed = persistedStateSchema.safeParse(input);
    if (!parsed.success) {
      throw new Error(
        `state file ${source} is not a valid emulator state:\n${z.prettifyError(parsed.error)}`,
      );
    }
    const data = parsed.data;
    let orgIds: number[];
    try {
      orgIds = validateOrgIds(data.version === 1 ? (v1OrgIds ?? [DEFAULT_ORG_ID]) : data.orgIds);
    } catch (error) {
      throw new Error(`state file ${source}: ${(error as Error).message}`);
    }
    const state = new EmulatorState(data.nextRecordId, orgIds);
    for (const domain of data.domains) {
      const name = normalizeDomainName(domain.name);
      if (name === undefined) throw new Error(`state file ${source}: bad domain name "${domain.name}"`);
      if (state.domains.has(name)) throw new Error(`state file ${source}: domain ${name} is listed twice`);
      const orgId = "orgId" in domain ? domain.orgId : orgIds[0]!;
      if (!orgIds.includes(orgId)) {
        throw new Error(`state file ${source}: domain ${name} is in organization ${orgId}, not in orgIds`);
      }
      const dkim: DkimState = "dkim" in domain ? { ...domain.dkim } : { enabled: defaultDkimEnabled(name) };
      const entry: DomainEntry = {
        name,
        orgId,
        records: domain.records.map((record) => ({ ...record })),
        dkim,
      };
      if (domain.logo !== undefined) {
        const logoData = Buffer.from(domain.logo.base64, "base64");
        entry.logo = { data: logoData, sha256: sha256(logoData), contentType: domain.logo.contentType };
      }
      state.domains.set(name, entry);
      for (const record of entry.records) state.nextRecordId = Math.max(state.nextRecordId, record.id + 1);
    }
    return state;
  }

  toPersisted(): PersistedState {
    return {
      version: 2,
      orgIds: [...this.orgs],
      nextRecordId: this.nextRecordId,
      domains: this.domainNames().map((name) => {
        const entry = this.domains.get(name)!;
        return {
          name,
          orgId: entry.orgId,
          dkim: { ...entry.dkim },
          records: entry.records.map((record) => ({ ...record })),
          ...(entry.logo === undefined
            ? {}
            : {
                logo: {
                  contentType: entry.logo.contentType,
                  sha256: entry.logo.sha256,
                  base64: entry.logo.data.toString("base64"),
                },
              }),
        };
      }),
    };
  }

  /** The organizations, in the order given (the first is where plain domain names go). */
  orgIds(): number[] {
    return [...this.orgs];
  }

  hasOrg(orgId: number): boolean {
    return this.orgs.includes(orgId);
  }

  /** Account domains sorted by name (the order domain/domains pages through). */
  domainNames(): string[] {
    return [...this.domains.keys()].sort();
  }

  /** One organization's domains, sorted by name. */
  domainNamesOf(orgId: number): string[] {
    return this.domainNames().filter((name) => this.domains.get(name)!.orgId === orgId);
  }

  getDomain(name: string): DomainEntry | undefined {
    const normalized = normalizeDomainName(name);
    return normalized === undefined ? undefined : this.domains.get(normalized);
  }

  /** Adds a domain to `orgId` (default: the first organization). */
  addDomain(rawName: string, seedDefaultRecords: boolean, orgId?: number): void {
    const name = normalizeDomainName(rawName);
    if (name === undefined) throw new Error(`"${rawName}" is not a valid domain name`);
    if (this.domains.has(name)) throw new Error(`domain ${name} is already on the account`);
    const org = orgId ?? this.orgs[0]!;
    if (!this.orgs.includes(org)) {
      throw new Error(
        `organization ${String(org)} is not one of the emulator's orgIds (${this.orgs.join(", ")})`,
      );
    }
    const entry: DomainEntry = { name, orgId: org, records: [], dkim: { enabled: defaultDkimEnabled(name) } };
    this.domains.set(name, entry);
    if (seedDefaultRecords) {
      for (const params of defaultRecordParams(name)) {
        const record = buildRecord(name, new Map(Object.entries(params)));
        record.id = this.nextRecordId++;
        entry.records.push(record);
      }
    }
  }

  removeDomain(rawName: string): void {
    const entry = this.getDomain(rawName);
    if (entry === undefined) throw new Error(`domain ${rawName} is not on the account`);
    this.domains.delete(entry.name);
  }

  /**
   * The domain's DKIM public key (SPKI DER, base64), generated on first use: a real 1024-bit RSA key,
   * so clients can parse it. `generated` says the state changed (the caller persists it).
   */
  dkimPublicKey(entry: DomainEntry): { publicKey: string; generated: boolean } {
    if (entry.dkim.publicKey !== undefined) return { publicKey: entry.dkim.publicKey, generated: false };
    const { publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 1024,
      publicKeyEncoding: { type: "spki", format: "der" },
      privateKeyEncoding: { type: "pkcs8", format: "der" },
    });
    entry.dkim.publicKey = publicKey.toString("base64");
    return { publicKey: entry.dkim.publicKey, generated: true };
  }

  private seedRecord(entry: DomainEntry, seed: SeedRecord, index: number): void {
    let record: StoredRecord;
    try {
      record = buildRecord(entry.name, seedToParams(entry.name, seed), RECORD_TYPES);
    } catch (error) {
      if (error instanceof EmulatorApiRefusal) {
        throw new Error(`records["${entry.name}"][${index}] is not a valid record: ${error.code}`);
      }
      throw error;
    }
    if (seed.record_id !== undefined) {
      const id = Number(seed.record_id);
      if (!Number.isSafeInteger(id) || id <= 0) {
        throw new Error(`records["${entry.name}"][${index}]: bad record_id ${String(seed.record_id)}`);
      }
      if (this.findRecordAnywhere(id)) {
        throw new Error(`records["${entry.name}"][${index}]: record_id ${id} is used twice`);
      }
      record.id = id;
      this.nextRecordId = Math.max(this.nextRecordId, id + 1);
    } else {
      record.id = this.nextRecordId++;
    }
    if (this.findDuplicate(entry, record) !== undefined) {
      throw new Error(
        `records["${entry.name}"][${index}] duplicates an existing record` +
          " (pass seedDefaultRecords: false when seeding a full zone)",
      );
    }
    entry.records.push(record);
  }

  private findRecordAnywhere(id: number): boolean {
    for (const entry of this.domains.values()) {
      if (entry.records.some((record) => record.id === id)) return true;
    }
    return false;
  }

  /** Another record of the zone with the same type, name and normalised content (any face's). */
  findDuplicate(entry: DomainEntry, candidate: StoredRecord): StoredRecord | undefined {
    const key = duplicateKey(candidate);
    return entry.records.find((record) => record.id !== candidate.id && duplicateKey(record) === key);
  }

  /** A record by id as `face` sees it (undefined when missing or of a type that face does not know). */
  findRecord(entry: DomainEntry, id: number, face: Face): StoredRecord | undefined {
    return entry.records.find((record) => record.id === id && visibleOn(face, record));
  }

  // ---- face-neutral mutations (built and validated by the caller) ---------------------------

  /** Stores a new record under a fresh id; throws `record_exists` for a duplicate. */
  insertRecord(entry: DomainEntry, record: StoredRecord): StoredRecord {
    const stored: StoredRecord = { ...record, id: 0 };
    if (this.findDuplicate(entry, stored) !== undefined) throw new EmulatorApiRefusal("record_exists");
    stored.id = this.nextRecordId++;
    entry.records.push(stored);
    return stored;
  }

  /** Replaces record `id` (which must exist) with `next`, keeping the id; throws `record_exists`. */
  replaceRecord(entry: DomainEntry, id: number, next: StoredRecord): StoredRecord {
    const index = entry.records.findIndex((record) => record.id === id);
    if (index < 0) throw new EmulatorApiRefusal("bad_record_id");
    const stored: StoredRecord = { ...next, id };
    if (this.findDuplicate(entry, stored) !== undefined) throw new EmulatorApiRefusal("record_exists");
    entry.records[index] = stored;
    return stored;
  }

  /** Removes record `id`; false when there is none. */
  removeRecord(entry: DomainEntry, id: number): boolean {
    const index = entry.records.findIndex((record) => record.id === id);
    if (index < 0) return false;
    entry.records.splice(index, 1);
    return true;
  }

  // ---- the PDD face's mutations -------------------------------------------------------------

  addRecord(entry: DomainEntry, params: Params): StoredRecord {
    return this.insertRecord(entry, buildRecord(entry.name, params));
  }

  editRecord(entry: DomainEntry, params: Params): StoredRecord {
    const id = parseRecordId(params);
    // A CAA record (Yandex 360's) does not exist as far as the PDD face is concerned.
    const current = this.findRecord(entry, id, "pdd");
    if (current === undefined) throw new EmulatorApiRefusal("bad_record_id");
    return this.replaceRecord(entry, id, applyEdit(entry.name, current, params));
  }

  deleteRecord(entry: DomainEntry, params: Params): number {
    const id = parseRecordId(params);
    if (this.findRecord(entry, id, "pdd") === undefined) throw new EmulatorApiRefusal("bad_record_id");
    this.removeRecord(entry, id);
    return id;
  }

  setLogo(entry: DomainEntry, data: Buffer): LogoEntry {
    if (data.length > LOGO_MAX_BYTES) throw new EmulatorApiRefusal("file_too_big");
    const contentType = detectImageType(data);
    if (contentType === undefined) throw new EmulatorApiRefusal("bad_image");
    entry.logo = { data: Buffer.from(data), sha256: sha256(data), contentType };
    return entry.logo;
  }

  deleteLogo(entry: DomainEntry): void {
    delete entry.logo;
  }
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * zod schemas for every PDD response, applied at the edge so the rest of the code only sees
 * validated camelCase values. They are tolerant of the live service's quirks (numeric strings,
 * "" for absent priorities, "yes"/"no" booleans, hyphenated or underscored keys, extra keys) and
 * strict about anything that would otherwise become a silently wrong value.
 */
import { z } from "zod";
import type { ValidationIssue } from "./errors";
import type {
  DomainsPage,
  ImportCheckParams,
  ImportCheckResult,
  PddDomain,
  PddRecord,
  PddRecordType,
} from "./types";
import { PDD_RECORD_TYPES } from "./types";

/** Non-negative integer, sent either as a JSON number or as a numeric string. */
const intLike = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, "expected a non-negative integer")
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER)),
]);

/** Like {@link intLike}, but "" and null (the service's "not applicable") mean absent. */
const optionalIntLike = z
  .union([z.literal(""), z.null(), intLike])
  .optional()
  .transform((v) => (v === "" || v === null ? undefined : v));

/** JSON boolean or the service's "yes"/"no". */
const boolLike = z.union([z.boolean(), z.enum(["yes", "no"]).transform((v) => v === "yes")]);

const recordType = z
  .string()
  .transform((t) => t.toUpperCase())
  .pipe(z.enum(PDD_RECORD_TYPES as [PddRecordType, ...PddRecordType[]]));

const optionalString = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => (v === "" || v === null ? undefined : v));

const rawRecord = z
  .object({
    record_id: intLike,
    domain: z.string(),
    type: recordType,
    subdomain: z.string(),
    fqdn: z.string(),
    content: z.string(),
    ttl: intLike,
    priority: optionalIntLike,
    weight: optionalIntLike,
    port: optionalIntLike,
    admin_mail: optionalString,
    refresh: optionalIntLike,
    retry: optionalIntLike,
    expire: optionalIntLike,
    minttl: optionalIntLike,
  })
  .transform((r): PddRecord => {
    const out: PddRecord = {
      recordId: r.record_id,
      domain: r.domain,
      type: r.type,
      subdomain: r.subdomain,
      fqdn: r.fqdn,
      content: r.content,
      ttl: r.ttl,
    };
    // Only set optional keys that carry a value, so toEqual/deep comparisons stay exact.
    if (r.priority !== undefined) out.priority = r.priority;
    if (r.weight !== undefined) out.weight = r.weight;
    if (r.port !== undefined) out.port = r.port;
    if (r.admin_mail !== undefined) out.adminMail = r.admin_mail;
    if (r.refresh !== undefined) out.refresh = r.refresh;
    if (r.retry !== undefined) out.retry = r.retry;
    if (r.expire !== undefined) out.expire = r.expire;
    if (r.minttl !== undefined) out.minttl = r.minttl;
    return out;
  });

/** `{"success":"ok"|"error", "error"?: code}`: decides between payload validation and PddApiError. */
export const envelopeSchema = z.discriminatedUnion("success", [
  z.object({ success: z.literal("ok") }),
  z.object({ success: z.literal("error"), error: z.string().min(1) }),
]);

/**
 * Required on purpose: reading a missing `records` as "no records" would make every managed record
 * look deleted (and be created again). Absent optional fields are only tolerated where the meaning
 * of the absence is obvious and harmless (no logo, no priority, found = the entries given).
 */
export const listRecordsSchema = z
  .object({ records: z.array(rawRecord) })
  .transform((b): PddRecord[] => b.records);

export const addRecordSchema = z.object({ record: rawRecord }).transform((b): PddRecord => b.record);

/**
 * `dns/edit` answers with a top-level record_id and the nested record (sometimes with
 * "operation":"editing"); the nested id is filled from the top-level one when missing.
 */
export const editRecordSchema = z.preprocess(
  (body) => {
    if (!isObject(body) || !isObject(body.record)) return body;
    if (body.record.record_id !== undefined || body.record_id === undefined) return body;
    return { ...body, record: { ...body.record, record_id: body.record_id } };
  },
  z.object({ record_id: intLike.optional(), record: rawRecord }).transform((b): PddRecord => b.record),
);

export const okSchema = z.object({}).transform(() => undefined);

/** Key variants seen for the same domain attribute, first match wins. */
const DOMAIN_KEY_VARIANTS: Record<string, readonly string[]> = {
  logo_enabled: ["logo_enabled", "logo-enabled"],
  logo_url: ["logo_url", "logo-url"],
  nsdelegated: ["nsdelegated", "ns_delegated", "ns-delegated"],
  master_admin: ["master_admin", "master-admin"],
  emails_count: ["emails-count", "emails_count"],
  emails_max_count: ["emails-max-count", "emails_max_count"],
  dkim_ready: ["dkim-ready", "dkim_ready", "dkim_enabled", "dkim-enabled"],
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function canonicalKeys(input: unknown, variants: Record<string, readonly string[]>): unknown {
  if (!isObject(input)) return input;
  const out: Record<string, unknown> = { ...input };
  for (const [canonical, names] of Object.entries(variants)) {
    const found = names.find((n) => input[n] !== undefined);
    out[canonical] = found === undefined ? undefined : input[found];
  }
  return out;
}

const rawDomain = z.preprocess(
  (d) => canonicalKeys(d, DOMAIN_KEY_VARIANTS),
  z
    .object({
      name: z.string().min(1),
      status: z.string(),
      stage: optionalString,
      aliases: z.array(z.string()).optional(),
      // Missing: a logo is enabled exactly when the entry names a logo URL.
      logo_enabled: boolLike.optional(),
      logo_url: optionalString,
      nsdelegated: boolLike,
      master_admin: boolLike,
      emails_count: intLike,
      emails_max_count: intLike,
      dkim_ready: boolLike.optional(),
      // Older answers only say whether DKIM is *not* set up.
      nodkim: boolLike.optional(),
    })
    .refine((d) => d.dkim_ready !== undefined || d.nodkim !== undefined, {
      message: "expected dkim-ready (or dkim_ready / dkim_enabled / nodkim)",
      path: ["dkim_ready"],
    })
    .transform((d): PddDomain => {
      const out: PddDomain = {
        name: d.name,
        status: d.status,
        aliases: d.aliases ?? [],
        logoEnabled: d.logo_enabled ?? d.logo_url !== undefined,
        nsDelegated: d.nsdelegated,
        masterAdmin: d.master_admin,
        emailsCount: d.emails_count,
        emailsMaxCount: d.emails_max_count,
        dkimEnabled: d.dkim_ready ?? !d.nodkim,
      };
      if (d.stage !== undefined) out.stage = d.stage;
      if (d.logo_url !== undefined) out.logoUrl = d.logo_url;
      return out;
    }),
);

/**
 * `domain/domains`; page and on_page fall back to what was asked for when the service omits them,
 * found to the number of entries on the page. total stays required: without it a client cannot tell
 * the last page.
 */
export function domainsPageSchema(requested: { page: number; onPage: number }) {
  return z
    .object({
      page: intLike.optional(),
      on_page: intLike.optional(),
      total: intLike,
      found: intLike.optional(),
      domains: z.array(rawDomain),
    })
    .transform((b): DomainsPage => ({
      page: b.page ?? requested.page,
      onPage: b.on_page ?? requested.onPage,
      total: b.total,
      found: b.found ?? b.domains.length,
      domains: b.domains,
    }));
}

/**
 * `domain/logo/check`: the URL is under "logo-url"; "logo_url" is accepted too. "", null and a
 * missing key all mean "no logo": an answer for a domain without one may leave the key out.
 */
export const checkLogoSchema = z.preprocess(
  (b) => canonicalKeys(b, { logo_url: ["logo-url", "logo_url"] }),
  z
    .object({ logo_url: z.union([z.string(), z.null()]).optional() })
    .transform((b): { logoUrl?: string } => (b.logo_url ? { logoUrl: b.logo_url } : {})),
);

/**
 * `import/check_settings`: echoes the settings it checked, nested under "settings" as documented or
 * flat as some answers have it (nested wins when both are present); omitted keys fall back to the
 * request.
 */
export function importCheckSchema(requested: ImportCheckParams) {
  const flatten = (b: unknown): unknown =>
    isObject(b) && isObject(b.settings) ? { ...b, ...b.settings } : b;
  const flat = z
    .object({
      domain: z.string().optional(),
      server: z.string().optional(),
      method: z.string().optional(),
      port: intLike.optional(),
      ssl: boolLike.optional(),
    })
    .transform((b): ImportCheckResult => ({
      domain: b.domain ?? requested.domain,
      server: b.server ?? requested.server,
      method: b.method ?? requested.method,
      port: b.port ?? requested.port,
      ssl: b.ssl ?? requested.ssl,
    }));
  return z.preprocess(flatten, flat);
}

/** zod issues as plain, JSON-safe `{path, message}` pairs. */
export function summarizeIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, ""),
    message: issue.message,
  }));
}

/**
 * The wire format of the Yandex 360 face: gRPC-style errors with real HTTP statuses, the gateway's
 * headers, DNS records in camelCase (zero values left out, host targets with a trailing dot, TXT
 * backslashes doubled), and the parsing and validation of DNS request bodies. The validators are
 * the state's, so both faces accept and refuse the same values.
 */
import { randomUUID } from "node:crypto";
import type { CaaTag, RecordType, StoredRecord } from "./state";
import {
  DEFAULT_TTL,
  MAX_TTL,
  normalizeSubdomain,
  EmulatorApiRefusal,
  validateCaaTag,
  validateCaaValue,
  validateContent,
  YANDEX360_RECORD_TYPES,
} from "./state";

/** gRPC status codes the face answers with. */
export const GRPC = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** An error answer: `{"code":<grpc>,"message":…,"details":[]}` with a real HTTP status. */
export class Yandex360Error extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "Yandex360Error";
  }

  body(): Y360ErrorBody {
    return { code: this.code, message: this.message, details: [] };
  }
}

export interface Y360ErrorBody {
  code: number;
  message: string;
  details: unknown[];
}

export const badRequest = (message: string): Yandex360Error =>
  new Yandex360Error(400, GRPC.INVALID_ARGUMENT, message);
export const unauthorized = (): Yandex360Error =>
  new Yandex360Error(401, GRPC.UNAUTHENTICATED, "Unauthorized");
/** LIVE: the answer for an organization the caller does not administer. */
export const notAnAdmin = (): Yandex360Error =>
  new Yandex360Error(403, GRPC.PERMISSION_DENIED, "Not an admin");
/** LIVE (for departments): the answer for something that is not there. */
export const notFound = (): Yandex360Error => new Yandex360Error(404, GRPC.NOT_FOUND, "not_found");
export const alreadyExists = (): Yandex360Error =>
  new Yandex360Error(409, GRPC.ALREADY_EXISTS, "already_exists");
export const methodNotAllowed = (): Yandex360Error =>
  new Yandex360Error(405, GRPC.UNIMPLEMENTED, "Method Not Allowed");
/** The face's answer to the `unknown` fault: nothing was applied. */
export const unavailable = (): Yandex360Error => new Yandex360Error(503, GRPC.UNAVAILABLE, "unavailable");
export const internal = (): Yandex360Error => new Yandex360Error(500, GRPC.INTERNAL, "internal");

/** Headers of every answer (LIVE): JSON, `Server: api360` and a fresh request id. */
export function yandex360Headers(success: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Server: "api360",
    "X-Request-Id": randomUUID(),
  };
  if (success) {
    headers["Grpc-Status"] = "0";
    headers["Grpc-Message"] = "OK";
  }
  return headers;
}

/** Compact JSON, as the gateway writes it. */
export function yandex360Json(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}

// ---- records ------------------------------------------------------------------------------

function withDot(host: string): string {
  return host.endsWith(".") ? host : `${host}.`;
}

/**
 * A stored record as the face answers it: `recordId, type, name, ttl` then the type's fields, with
 * zero-valued and empty fields left out (grpc-gateway), host targets as FQDNs with a trailing dot,
 * and TXT text with every backslash doubled (reported by octodns-yandex).
 */
export function renderYandex360Record(record: StoredRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    recordId: record.id,
    type: record.type,
    name: record.subdomain,
    ttl: record.ttl,
  };
  switch (record.type) {
    case "A":
    case "AAAA":
      fields.address = record.content;
      break;
    case "CNAME":
    case "NS":
      fields.target = withDot(record.content);
      break;
    case "MX":
      fields.exchange = withDot(record.content);
      fields.preference = record.priority ?? 0;
      break;
    case "TXT":
      fields.text = record.content.replace(/\\/g, "\\\\");
      break;
    case "SRV":
      fields.priority = record.priority ?? 0;
      fields.weight = record.weight ?? 0;
      fields.port = record.port ?? 0;
      fields.target = withDot(record.content);
      break;
    case "CAA":
      fields.flag = record.flag ?? 0;
      fields.tag = record.tag ?? "";
      fields.value = record.content;
      break;
    case "SOA":
      // Never listed on this face; rendered only if a caller insists.
      fields.target = withDot(record.content);
      break;
  }
  for (const [key, value] of Object.entries(fields)) {
    if (value === 0 || value === "" || value === false || value === null) delete fields[key];
  }
  return fields;
}

// ---- request bodies -----------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

export function requireObject(body: unknown): JsonObject {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("the request body must be a JSON object");
  }
  return body as JsonObject;
}

/** A string field; absent (or null) gives undefined. */
function stringField(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`${name}: must be a string`);
  return value;
}

function requiredString(body: JsonObject, name: string, what: string): string {
  const value = stringField(body, name);
  if (value === undefined || value.trim() === "") throw badRequest(`${name}: required (${what})`);
  return value;
}

/**
 * An integer field: a JSON number or a decimal string (proto3 JSON writes int64 as a string).
 * Absent, null or 0 gives `fallback` (a gRPC zero value cannot be told from an absent field).
 */
function intField(body: JsonObject, name: string, min: number, max: number, fallback: number): number {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  let parsed: number;
  if (typeof value === "number") parsed = value;
  else if (typeof value === "string" && /^-?\d+$/.test(value.trim())) parsed = Number(value.trim());
  else throw badRequest(`${name}: must be an integer, got ${JSON.stringify(value)}`);
  if (!Number.isSafeInteger(parsed))
    throw badRequest(`${name}: must be an integer, got ${JSON.stringify(value)}`);
  if (parsed === 0 && min > 0) return fallback;
  if (parsed < min || parsed > max)
    throw badRequest(`${name}: must be between ${min} and ${max}, got ${parsed}`);
  return parsed;
}

/** Runs a state validator, turning its PDD error into a 400 that names the field. */
function check<T>(field: string, value: string, what: string, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof EmulatorApiRefusal)
      throw badRequest(`${field}: ${JSON.stringify(value)} is not ${what}`);
    throw error;
  }
}

/** The record type of a body: absent means A (the documented default). */
export function bodyRecordType(body: JsonObject, fallback: RecordType = "A"): RecordType {
  const raw = stringField(body, "type");
  if (raw === undefined || raw.trim() === "") return fallback;
  const type = raw.trim().toUpperCase();
  if (type === "SOA") throw badRequest("type: SOA records are not supported by Yandex 360");
  if (!(YANDEX360_RECORD_TYPES as readonly string[]).includes(type)) {
    throw badRequest(
      `type: unknown record type ${JSON.stringify(raw)} (one of ${YANDEX360_RECORD_TYPES.join(", ")})`,
    );
  }
  return type as RecordType;
}

/**
 * Builds (but does not store) a record from a create or edit body: `name`, `type`, `ttl` and the
 * type's fields. Fields of other types are ignored, as a gRPC gateway would. Throws Yandex360Error.
 */
export function parseYandex360Record(domain: string, body: JsonObject, type: RecordType): StoredRecord {
  const rawName = stringField(body, "name");
  if (rawName === undefined) throw badRequest('name: required ("@" for the apex)');
  const subdomain = check("name", rawName, `a record name inside ${domain}`, () =>
    normalizeSubdomain(rawName, domain),
  );
  const ttl = intField(body, "ttl", 1, MAX_TTL, DEFAULT_TTL);
  const base = { id: 0, type, subdomain, ttl };
  const host = (field: string): string => {
    const value = requiredString(body, field, "a host name");
    return check(field, value, "a valid host name", () => validateContent("CNAME", value));
  };
  switch (type) {
    case "A":
    case "AAAA": {
      const address = requiredString(body, "address", `an IPv${type === "A" ? 4 : 6} address`);
      const what = type === "A" ? "an IPv4 address" : "an IPv6 address";
      return { ...base, content: check("address", address, what, () => validateContent(type, address)) };
    }
    case "CNAME":
    case "NS":
      return { ...base, content: host("target") };
    case "MX":
      return {
        ...base,
        content: host("exchange"),
        priority: intField(body, "preference", 0, 65535, 0),
      };
    case "TXT": {
      const text = stringField(body, "text");
      if (text === undefined || text === "") throw badRequest("text: required");
      const content = check(
        "text",
        text,
        "valid TXT text (at most 4096 characters, no control characters)",
        () => validateContent("TXT", text),
      );
      return { ...base, content };
    }
    case "SRV": {
      const priority = intField(body, "priority", 0, 65535, 0);
      const weight = intField(body, "weight", 0, 65535, 0);
      const port = intField(body, "port", 1, 65535, 0);
      if (port === 0) throw badRequest("port: required (1 to 65535)");
      return { ...base, content: host("target"), priority, weight, port };
    }
    case "CAA": {
      const flag = intField(body, "flag", 0, 255, 0);
      const rawTag = requiredString(body, "tag", "issue, issuewild or iodef");
      const tag: CaaTag = check("tag", rawTag, "issue, issuewild or iodef", () => validateCaaTag(rawTag));
      const value = requiredString(body, "value", "the CAA value");
      const what = tag === "iodef" ? "a mailto: or http(s): URL" : "an issuer domain name (or ;)";
      return { ...base, content: check("value", value, what, () => validateCaaValue(tag, value)), flag, tag };
    }
    default:
      throw badRequest(`type: ${type} records are not supported by Yandex 360`);
  }
}

/**
 * The bytes of a PDD answer as the live service wrote them. The service was a Python program that
 * serialized with `json.dumps` defaults, and clients written against it (sed/grep-based ACME hooks,
 * dynamic-DNS scripts) match on that text, e.g. `"record_id": 40710037`. So the spacing, the escaping
 * and the key order of the service's answers are reproduced here, not just their parsed content.
 */

/** The service's two eras: the 2017–2018 service of the recordings, and the service as of 2022. */
export const ERAS = ["2017", "2022"] as const;
export type PddEra = (typeof ERAS)[number];
export const DEFAULT_ERA: PddEra = "2022";

/** `ensure_ascii=True`: `"` and `\` escaped, everything outside printable ASCII as `\uXXXX` (lower-case hex). */
function pythonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i]!;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    // Python escapes per UTF-16 code unit too, so an astral character becomes a surrogate pair.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out + '"';
}

/** Python's `repr` of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) {
    // Python would write NaN/Infinity, which no JSON parser reads; the emulator never means to send it.
    throw new RangeError(`cannot serialize ${value} as JSON`);
  }
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const fixed = String(value); // JavaScript uses positional notation in this range too
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}

/**
 * `json.dumps(value)` with Python's defaults: `", "` between items, `": "` after keys, ASCII only.
 * Keys keep the object's insertion order; like JSON.stringify, undefined properties are left out
 * (and undefined array items become null). Integral numbers print as integers, however large.
 */
export function pythonJsonDumps(value: unknown): string {
  switch (typeof value) {
    case "string":
      return pythonString(value);
    case "number":
      return Number.isInteger(value) ? BigInt(value).toString() : pythonFloat(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map((item) => pythonJsonDumps(item)).join(", ")}]`;
      const members = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .map(([key, member]) => `${pythonString(key)}: ${pythonJsonDumps(member)}`);
      return `{${members.join(", ")}}`;
    }
    default:
      throw new TypeError(`cannot serialize a ${typeof value} as JSON`);
  }
}

/**
 * Every key a record object can carry, in the order all 2017–2018 recordings show (the service's
 * dict order then; each record type's keys appear in this relative order in every recorded answer).
 */
export const RECORDED_RECORD_KEY_ORDER: readonly string[] = [
  "content",
  "domain",
  "retry",
  "weight",
  "fqdn",
  "refresh",
  "port",
  "admin_mail",
  "priority",
  "expire",
  "ttl",
  "record_id",
  "operation",
  "subdomain",
  "type",
  "minttl",
];

/** Rank of each record key in one answer; keys it does not know go last, in their own order. */
export type RecordKeyOrder = ReadonlyMap<string, number>;

export function keyOrderOf(keys: readonly string[]): RecordKeyOrder {
  return new Map(keys.map((key, index) => [key, index]));
}

/**
 * A fresh order for one answer. The service's dicts were ordered by key hash, so every record in one
 * answer had the same relative key order while the order changed from answer to answer: one
 * permutation of all record keys, applied to each record, reproduces both.
 */
export function shuffledKeyOrder(random: () => number): RecordKeyOrder {
  const keys = [...RECORDED_RECORD_KEY_ORDER];
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keyOrderOf(keys);
}

export function applyKeyOrder<T extends object>(record: T, order: RecordKeyOrder): T {
  const rank = (key: string): number => order.get(key) ?? order.size;
  const entries = Object.entries(record);
  // Array.prototype.sort is stable, so unknown keys keep their relative order at the end.
  entries.sort(([a], [b]) => rank(a) - rank(b));
  return Object.fromEntries(entries) as T;
}

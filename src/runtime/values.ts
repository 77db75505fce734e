/**
 * What the engine sends for a value that is not known yet (an `Output` of a resource that has not
 * been created), at preview. Checks must accept it and diffs must treat it as a change.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** A failure for `check`, naming the input property at fault. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Integers arrive as numbers from TypeScript programs but as strings from YAML or config, and the
 * service itself sends `""` for "none". Returns undefined for absent, NaN for garbage.
 */
export function toInteger(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number") return Number.isInteger(value) ? value : Number.NaN;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return Number.NaN;
}

/** Validates an optional integer input in [min, max]; pushes a failure naming `property` when it is not. */
export function checkInteger(
  failures: CheckFailure[],
  property: string,
  value: unknown,
  min: number,
  max: number,
): number | string | undefined {
  if (isUnknown(value)) return UNKNOWN;
  const n = toInteger(value);
  if (n === undefined) return undefined;
  if (Number.isNaN(n) || n < min || n > max) {
    failures.push({
      property,
      reason: `${property} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    });
    return undefined;
  }
  return n;
}

/**
 * Drops `undefined` members: the engine stores plain JSON, and a provider result with `undefined`
 * values or `Date` objects does not round-trip through state.
 */
export function plain<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

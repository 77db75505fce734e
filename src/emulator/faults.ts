/**
 * Seeded fault injection for the PDD emulator: decides, per API request, whether and how the
 * emulator misbehaves. Decisions depend only on the seed and the order of eligible requests, so a
 * test that sends the same requests in the same order sees the same faults.
 */

export type FaultKind = "http_5xx" | "reset" | "hang" | "truncated" | "unknown" | "lost_response";

export const FAULT_KINDS: readonly FaultKind[] = [
  "http_5xx",
  "reset",
  "hang",
  "truncated",
  "unknown",
  "lost_response",
];

export interface FaultOptions {
  /** Fraction (0..1) of eligible API requests that get a fault. */
  rate: number;
  /** Relative weights of the fault kinds; kinds left out get weight 0. Default: all equal. */
  kinds?: Partial<Record<FaultKind, number>>;
  /** PRNG seed; defaults to the emulator's `seed`. */
  seed?: number;
  /**
   * Restrict faults to these endpoints (e.g. `["dns/add"]`, or a Yandex 360 label such as
   * `"y360/dns/create"`); default: every endpoint of both faces.
   */
  endpoints?: string[];
  /** How long a "hang" holds the socket before destroying it. Default 60 000 ms. */
  hangMs?: number;
}

export const DEFAULT_HANG_MS = 60_000;

/** mulberry32: tiny, fast and good enough for reproducible test randomness (not for security). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/** Checks fault options up front so a typo fails at start-up instead of silently injecting nothing. */
export function validateFaultOptions(faults: FaultOptions, knownEndpoints: readonly string[]): void {
  if (
    typeof faults.rate !== "number" ||
    !Number.isFinite(faults.rate) ||
    faults.rate < 0 ||
    faults.rate > 1
  ) {
    throw new RangeError(`faults.rate must be a number between 0 and 1, got ${String(faults.rate)}`);
  }
  if (faults.kinds !== undefined) {
    let total = 0;
    for (const [kind, weight] of Object.entries(faults.kinds)) {
      if (!isFaultKind(kind)) {
        throw new RangeError(`faults.kinds: unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(", ")})`);
      }
      if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
        throw new RangeError(`faults.kinds.${kind} must be a non-negative number, got ${String(weight)}`);
      }
      total += weight;
    }
    if (total <= 0 && faults.rate > 0) {
      throw new RangeError("faults.kinds: at least one kind needs a positive weight");
    }
  }
  if (faults.seed !== undefined && !Number.isInteger(faults.seed)) {
    throw new RangeError(`faults.seed must be an integer, got ${String(faults.seed)}`);
  }
  if (faults.endpoints !== undefined) {
    for (const endpoint of faults.endpoints) {
      if (!knownEndpoints.includes(endpoint)) {
        throw new RangeError(
          `faults.endpoints: unknown endpoint "${endpoint}" (known: ${knownEndpoints.join(", ")})`,
        );
      }
    }
  }
  if (
    faults.hangMs !== undefined &&
    (typeof faults.hangMs !== "number" || !Number.isFinite(faults.hangMs) || faults.hangMs < 0)
  ) {
    throw new RangeError(`faults.hangMs must be a non-negative number, got ${String(faults.hangMs)}`);
  }
}

export class FaultPlanner {
  private readonly rng: () => number;
  private readonly weights: Array<[FaultKind, number]>;
  private readonly totalWeight: number;
  readonly hangMs: number;

  constructor(
    private readonly options: FaultOptions,
    defaultSeed: number,
  ) {
    this.rng = mulberry32(options.seed ?? defaultSeed);
    this.weights = FAULT_KINDS.map((kind): [FaultKind, number] => [
      kind,
      options.kinds === undefined ? 1 : (options.kinds[kind] ?? 0),
    ]).filter(([, weight]) => weight > 0);
    this.totalWeight = this.weights.reduce((sum, [, weight]) => sum + weight, 0);
    this.hangMs = options.hangMs ?? DEFAULT_HANG_MS;
  }

  /** Returns the fault to inject into this request, or null. Consumes PRNG output only for eligible endpoints. */
  pick(endpoint: string): FaultKind | null {
    if (this.options.endpoints !== undefined && !this.options.endpoints.includes(endpoint)) return null;
    if (this.options.rate <= 0 || this.totalWeight <= 0) return null;
    if (this.rng() >= this.options.rate) return null;
    let roll = this.rng() * this.totalWeight;
    for (const [kind, weight] of this.weights) {
      if (roll < weight) return kind;
      roll -= weight;
    }
    // Floating-point leftovers land on the last kind rather than on "no fault".
    return this.weights[this.weights.length - 1]![0];
  }
}

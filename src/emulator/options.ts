/** The emulator's options and their up-front checks. */
import type { FaultOptions } from "./faults";
import { validateFaultOptions } from "./faults";
import { API_ENDPOINTS } from "./pdd";
import type { DomainSeed, SeedRecord } from "./state";
import { DEFAULT_ORG_ID, resolveDomainSeeds, validateOrgIds } from "./state";
import type { PddEra } from "./wireFormat";
import { ERAS } from "./wireFormat";
import { YANDEX360_ENDPOINTS } from "./yandex360";

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
  /** Interface to bind (default "127.0.0.1"). */
  host?: string;
  /**
   * Value the `PddToken` header must carry (default "dev-token"); the Yandex 360 face takes the same
   * token as `Authorization: OAuth <token>`.
   */
  token?: string;
  /**
   * Domains on the account (default ["example.com"]). A plain name goes to the first organization;
   * `{ name, orgId }` to that organization, which must be in `orgIds`.
   */
  domains?: DomainSeed[];
  /** Yandex 360 organizations (default [1234567]); the first gets the plain domain names. */
  orgIds?: number[];
  /** Largest `perPage` the Yandex 360 DNS list serves (default 1000); larger requests are capped. */
  yandex360DnsMaxPerPage?: number;
  /** Give each domain the records of a fresh Yandex domain (MX, 2×NS, SOA, SPF TXT). Default true. */
  seedDefaultRecords?: boolean;
  /** Extra records per domain, in the service's raw shape (e.g. a recorded dns/list answer). */
  records?: Record<string, SeedRecord[]>;
  /** Added to every API answer. */
  latencyMs?: number;
  faults?: FaultOptions;
  /** Loaded at start when present (then `domains`/`records` are ignored); rewritten after each mutation. */
  stateFile?: string;
  /** How long import/check_settings waits for a greeting (default 5000). */
  mailCheckTimeoutMs?: number;
  /** Lets import/check_settings connect to non-loopback servers (default false). */
  allowExternalMailCheck?: boolean;
  /**
   * Which service to be (default "2022"). "2017" is the 2017–2018 service of the recordings:
   * `not_allowed` for a domain not on the account (2022: `no_such_domain`), `operation: "editing"`
   * inside `dns/edit` answers (2022: absent), and record keys always in the recorded order (2022: one
   * random order per answer).
   */
  era?: PddEra;
  /** Seeds key-order shuffling, record ids and (unless faults.seed is set) fault injection. */
  seed?: number;
}

export const DEFAULT_SEED = 0x5eed;

/** What `faults.endpoints` may name: the PDD endpoints and the Yandex 360 face's labels. */
export const FAULT_ENDPOINTS: readonly string[] = [...API_ENDPOINTS, ...YANDEX360_ENDPOINTS];

export function checkNonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
    throw new RangeError(`${name} must be a non-negative number, got ${String(value)}`);
  }
}

export function validateOptions(options: EmulatorOptions): void {
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
  ) {
    throw new RangeError(`port must be an integer 0..65535, got ${String(options.port)}`);
  }
  if (options.token !== undefined && (typeof options.token !== "string" || options.token === "")) {
    throw new RangeError("token must be a non-empty string");
  }
  checkNonNegative("latencyMs", options.latencyMs);
  if (
    options.mailCheckTimeoutMs !== undefined &&
    (!Number.isFinite(options.mailCheckTimeoutMs) || options.mailCheckTimeoutMs <= 0)
  ) {
    throw new RangeError(`mailCheckTimeoutMs must be positive, got ${String(options.mailCheckTimeoutMs)}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new RangeError(`seed must be an integer, got ${String(options.seed)}`);
  }
  if (options.era !== undefined && !(ERAS as readonly unknown[]).includes(options.era)) {
    throw new RangeError(`era must be one of ${ERAS.map((era) => `"${era}"`).join(", ")}`);
  }
  if (options.faults !== undefined) validateFaultOptions(options.faults, FAULT_ENDPOINTS);
  const orgIds = options.orgIds === undefined ? [DEFAULT_ORG_ID] : validateOrgIds(options.orgIds);
  resolveDomainSeeds(options.domains ?? [], orgIds);
  if (
    options.yandex360DnsMaxPerPage !== undefined &&
    (!Number.isSafeInteger(options.yandex360DnsMaxPerPage) || options.yandex360DnsMaxPerPage < 1)
  ) {
    throw new RangeError(
      `yandex360DnsMaxPerPage must be a positive integer, got ${String(options.yandex360DnsMaxPerPage)}`,
    );
  }
}

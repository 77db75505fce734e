import type { DnsRecordType } from "../client/types";
import { DNS_RECORD_TYPES } from "../client/types";
import type { ApiKind } from "../config";
import { CONFIG_KEYS } from "../config";

/**
 * What the layers above a backend need to know about it without a token or a network call: enough
 * for `check` and `diff` to validate and plan at preview.
 */
export interface BackendTraits {
  api: ApiKind;
  /** For messages: "PDD", "Yandex 360". */
  label: string;
  /** The record types the service manages, a subset of {@link DNS_RECORD_TYPES}. */
  recordTypes: readonly DnsRecordType[];
  /**
   * Types whose changes cannot be sent as an edit; Diff plans them as a replacement
   * (delete, then create) so the plan shows at preview what apply will do.
   */
  replaceOnChange: readonly DnsRecordType[];
  /** Whether records live in an organization (`orgId`). */
  hasOrganizations: boolean;
  /**
   * Whether the service is known to refuse an identical record (PDD's `record_exists`). Where it
   * is not, `adoptExisting` looks the record up before adding, so adoption never depends on it.
   */
  refusesDuplicates: boolean;
}

export const BACKEND_TRAITS: Readonly<Record<ApiKind, BackendTraits>> = {
  pdd: {
    api: "pdd",
    label: "PDD",
    recordTypes: DNS_RECORD_TYPES.filter((t) => t !== "CAA"),
    replaceOnChange: [],
    hasOrganizations: false,
    refusesDuplicates: true,
  },
  yandex360: {
    api: "yandex360",
    label: "Yandex 360",
    recordTypes: DNS_RECORD_TYPES.filter((t) => t !== "SOA"),
    // Clients that round-trip with the live API report CAA edits broken (octodns-yandex).
    replaceOnChange: ["CAA"],
    hasOrganizations: true,
    // The answer to a duplicate create is unconfirmed (see the README's "unconfirmed" list).
    refusesDuplicates: false,
  },
};

/** Why a type is missing on a backend, in words a user can act on. */
const UNSUPPORTED_TYPE_REASONS: Partial<Record<`${ApiKind}:${DnsRecordType}`, string>> = {
  "pdd:CAA": "the PDD API has no CAA records; manage CAA through Yandex 360",
  "yandex360:SOA": "Yandex 360 has no SOA records: Yandex manages the zone's SOA itself",
};

/** The check failure text for a type the backend does not manage, naming the backend and its setting. */
export function unsupportedTypeReason(traits: BackendTraits, type: DnsRecordType): string {
  const why =
    UNSUPPORTED_TYPE_REASONS[`${traits.api}:${type}`] ??
    `the ${traits.label} API does not manage ${type} records`;
  return `type ${type} is not supported on the ${traits.label} backend (\`${CONFIG_KEYS.api.key}\` = ${traits.api}): ${why}`;
}

/** The refusal of a resource that has no counterpart on a backend, naming the setting that selects it. */
export function unsupportedResourceReason(resource: string, traits: BackendTraits, what: string): string {
  return `${resource} is not available on the ${traits.label} backend (\`${CONFIG_KEYS.api.key}\` = ${traits.api}): ${what}. Set \`${CONFIG_KEYS.api.key}\` to pdd to use it with a PDD-compatible service or pdd-emulator.`;
}

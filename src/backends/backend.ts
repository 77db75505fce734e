import type { AddRecordParams, DnsRecord, EditRecordParams } from "../client/types";
import type { BackendTraits } from "./traits";

/** A DNS zone on a backend: the domain, and on Yandex 360 the organization it belongs to. */
export interface Zone {
  domain: string;
  orgId?: number;
}

/** The operations whose failures the guarantees above a backend tell apart. */
export type DnsOperation = "list" | "add" | "edit" | "delete";

/**
 * What a refusal of the service means to the layers above, whatever its wire form:
 * - `duplicate`: an identical record exists;
 * - `record_missing`: the record is not (or no longer) in the zone;
 * - `domain_missing`: the zone is not on the account or organization;
 * - `domain_unavailable`: the domain may be missing or just not allowed (PDD's older `not_allowed`):
 *   a read treats it as gone, a delete does not;
 * - `temporary`: refused for now and not applied, worth another try later.
 */
export type FailureKind =
  "duplicate" | "record_missing" | "domain_missing" | "domain_unavailable" | "temporary";

/**
 * The small surface each API implements. It knows its wire format and its errors; validation,
 * normalization, reconciliation of unknown outcomes, coalesced reads and the token boundary live
 * above it (src/runtime/dnsRecord.ts) and are written once for every backend.
 */
export interface DnsBackend {
  readonly traits: BackendTraits;
  /** The zone for a domain: fills in the organization (from the resource, the config, or discovery). */
  zone(domain: string, orgId?: number): Promise<Zone>;
  listRecords(zone: Zone): Promise<DnsRecord[]>;
  addRecord(zone: Zone, params: AddRecordParams): Promise<DnsRecord>;
  /** Sends every managed field; `params.type` is the record's (unchanged) type. */
  editRecord(zone: Zone, recordId: number, params: EditRecordParams): Promise<DnsRecord>;
  deleteRecord(zone: Zone, recordId: number): Promise<void>;
  /** Classifies a refusal by the service; undefined for anything else (transport, validation, …). */
  classify(err: unknown, operation: DnsOperation): FailureKind | undefined;
  close(): Promise<void>;
}

/** A stable key for caches: one entry per organization and domain. */
export function zoneKey(zone: Zone): string {
  return `${zone.orgId ?? ""}/${zone.domain.toLowerCase()}`;
}

/** How a zone is named in messages. */
export function describeZone(zone: Zone): string {
  return zone.orgId === undefined ? zone.domain : `${zone.domain} (organization ${zone.orgId})`;
}

import { PddConfigError, isYandex360ApiError } from "../client/errors";
import type { AddRecordParams, DnsRecord, EditRecordParams } from "../client/types";
import type { Yandex360Client } from "../client/yandex360";
import { CONFIG_KEYS } from "../config";
import type { DnsBackend, DnsOperation, FailureKind, Zone } from "./backend";
import { BACKEND_TRAITS } from "./traits";

/**
 * The organization to use when neither the resource nor the config names one, found as acme.sh and
 * octodns do: `GET /directory/v1/org` (scope `directory:read_organization`). Exactly one
 * organization is taken; none or several is an error that says which setting to set.
 */
export async function discoverOrgId(client: Yandex360Client): Promise<number> {
  const orgs = await client.listOrganizations();
  const setting = `set \`${CONFIG_KEYS.orgId.key}\` (\`pulumi config set ${CONFIG_KEYS.orgId.key} <id>\`) or ${CONFIG_KEYS.orgId.env.join(" / ")}`;
  if (orgs.length === 1) return orgs[0]!.id;
  if (orgs.length === 0) {
    throw new PddConfigError(
      `The Yandex 360 token's user administers no organization, so none could be chosen; ${setting} to the organization that holds the domain.`,
      { setting: CONFIG_KEYS.orgId.key },
    );
  }
  const listed = orgs.map((o) => `${o.id} (${o.name})`).join(", ");
  throw new PddConfigError(
    `The Yandex 360 token's user administers ${orgs.length} organizations: ${listed}. Choose one: ${setting}, or give the resource an \`orgId\` input.`,
    { setting: CONFIG_KEYS.orgId.key },
  );
}

/** Yandex 360 for Business (`/directory/v1/org/{orgId}/domains/{domain}/dns`). */
export class Yandex360Backend implements DnsBackend {
  readonly traits = BACKEND_TRAITS.yandex360;
  private discovered: Promise<number> | undefined;

  /** `orgId` is the configured default; undefined means discover it on first use (once per process). */
  constructor(
    readonly client: Yandex360Client,
    private readonly orgId: number | undefined,
  ) {}

  async zone(domain: string, orgId?: number): Promise<Zone> {
    return { domain, orgId: orgId ?? this.orgId ?? (await this.defaultOrg()) };
  }

  private defaultOrg(): Promise<number> {
    if (!this.discovered) {
      this.discovered = discoverOrgId(this.client);
      // A failed discovery (say, a network blip) is tried again by the next operation.
      this.discovered.catch(() => (this.discovered = undefined));
    }
    return this.discovered;
  }

  listRecords(zone: Zone): Promise<DnsRecord[]> {
    return this.client.listRecords(orgOf(zone), zone.domain);
  }

  addRecord(zone: Zone, params: AddRecordParams): Promise<DnsRecord> {
    return this.client.addRecord(orgOf(zone), { ...params, domain: zone.domain });
  }

  editRecord(zone: Zone, recordId: number, params: EditRecordParams): Promise<DnsRecord> {
    const type = params.type;
    if (type === undefined) throw new Error("a Yandex 360 edit needs the record's type");
    return this.client.editRecord(orgOf(zone), { ...params, type, domain: zone.domain, recordId });
  }

  deleteRecord(zone: Zone, recordId: number): Promise<void> {
    return this.client.deleteRecord(orgOf(zone), zone.domain, recordId);
  }

  classify(err: unknown, operation: DnsOperation): FailureKind | undefined {
    if (!isYandex360ApiError(err)) return undefined;
    if (err.code === "already_exists") return "duplicate";
    // 404 names no resource: on a listing it is the domain, on a record's path the record (or its domain).
    if (err.code === "not_found")
      return operation === "list" || operation === "add" ? "domain_missing" : "record_missing";
    return undefined;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function orgOf(zone: Zone): number {
  if (zone.orgId === undefined) throw new Error(`no organization for ${zone.domain}`);
  return zone.orgId;
}

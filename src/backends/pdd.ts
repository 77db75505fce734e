import type { PddClient } from "../client/client";
import { isPddApiError } from "../client/errors";
import type { AddRecordParams, DnsRecord, EditRecordParams } from "../client/types";
import type { DnsBackend, DnsOperation, FailureKind, Zone } from "./backend";
import { BACKEND_TRAITS } from "./traits";

/** The PDD service's error codes, as the guarantees above the backend understand them. */
const FAILURES: Readonly<Record<string, FailureKind>> = {
  record_exists: "duplicate",
  bad_record_id: "record_missing",
  no_such_domain: "domain_missing",
  // What the 2017–2018 service answered for a domain not on the account.
  not_allowed: "domain_unavailable",
  unknown: "temporary",
};

/** PDD ("Mail for Domain", `/api2/admin/`): one account, no organizations. */
export class PddBackend implements DnsBackend {
  readonly traits = BACKEND_TRAITS.pdd;

  constructor(readonly client: PddClient) {}

  async zone(domain: string): Promise<Zone> {
    return { domain };
  }

  listRecords(zone: Zone): Promise<DnsRecord[]> {
    return this.client.listRecords(zone.domain);
  }

  addRecord(zone: Zone, params: AddRecordParams): Promise<DnsRecord> {
    return this.client.addRecord({ ...params, domain: zone.domain });
  }

  editRecord(zone: Zone, recordId: number, params: EditRecordParams): Promise<DnsRecord> {
    // PDD cannot change a record's type and takes no `type` on dns/edit.
    const { type: _type, ...rest } = params;
    return this.client.editRecord({ ...rest, domain: zone.domain, recordId });
  }

  deleteRecord(zone: Zone, recordId: number): Promise<void> {
    return this.client.deleteRecord(zone.domain, recordId);
  }

  classify(err: unknown, _operation: DnsOperation): FailureKind | undefined {
    return isPddApiError(err) ? FAILURES[err.apiCode] : undefined;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

import type * as pulumi from "@pulumi/pulumi";
import { isOutcomeUnknown } from "../client/errors";
import type { PddRecord } from "../client/types";
import { atBoundary, isApiError } from "./boundary";
import type { DnsRecordInputs } from "./dnsRecordModel";
import {
  addParams,
  checkDnsRecord,
  diffDnsRecord,
  editParams,
  identityContent,
  inputsFromOutputs,
  matchesIdentity,
  outputsFromRecord,
} from "./dnsRecordModel";
import * as session from "./session";

/** How many times a mutation whose outcome was unknown is reconciled and re-sent before giving up. */
const MAX_ATTEMPTS = 4;

type Props = Record<string, unknown>;

function describe(inputs: Pick<DnsRecordInputs, "type" | "subdomain" | "domain">): string {
  return `${inputs.type} ${inputs.subdomain === "@" ? inputs.domain : `${inputs.subdomain}.${inputs.domain}`}`;
}

/** Resource ids are `<domain>/<recordId>`. */
export function parseId(id: string): { domain: string; recordId: number } {
  const match = /^([^/\s]+)\/(\d+)$/.exec(id);
  if (!match)
    throw new Error(
      `"${id}" is not a PddDnsRecord id: expected "<domain>/<recordId>", e.g. "example.com/12345"`,
    );
  return { domain: match[1]!.toLowerCase(), recordId: Number(match[2]) };
}

function result(record: PddRecord, inputs: DnsRecordInputs) {
  const outs = outputsFromRecord(record, inputs.adoptExisting);
  return { id: `${outs.domain}/${outs.recordId}`, outs };
}

/** Rounds of (already retried) listings before a reconciliation gives up. */
const RECONCILE_ROUNDS = 3;

/**
 * A fresh look at the zone, for deciding what a mutation with an unknown outcome did. Giving up here
 * could leave an applied add unrecorded (an orphan), so it tries harder than an ordinary read.
 */
async function freshList(domain: string): Promise<PddRecord[]> {
  for (let round = 1; ; round++) {
    try {
      return await session.records().list(domain, { fresh: true });
    } catch (err) {
      if (round >= RECONCILE_ROUNDS || isApiError(err)) throw err;
    }
  }
}

/** Brings an existing record to the desired values with one edit, unless it already has them. */
async function converge(record: PddRecord, inputs: DnsRecordInputs): Promise<PddRecord> {
  const current = outputsFromRecord(record, inputs.adoptExisting);
  if (!diffDnsRecord(current as unknown as Props, inputs as unknown as Props).changes) return record;
  return edit(record.recordId, inputs);
}

async function edit(recordId: number, inputs: DnsRecordInputs): Promise<PddRecord> {
  const client = session.client();
  const records = session.records();
  for (let attempt = 1; ; attempt++) {
    try {
      const record = await client.editRecord(editParams(recordId, inputs));
      records.invalidate(inputs.domain);
      return record;
    } catch (err) {
      records.invalidate(inputs.domain);
      if (isApiError(err, "bad_record_id")) {
        throw new Error(
          `record ${recordId} (${describe(inputs)}) no longer exists: it was deleted outside Pulumi. Run \`pulumi refresh\` and then \`pulumi up\` to create it again.`,
          { cause: err },
        );
      }
      if (isApiError(err, "record_exists")) {
        throw new Error(
          `another record in ${inputs.domain} already has type ${inputs.type}, name ${inputs.subdomain} and content ${identityContent(inputs)}; remove one of the two.`,
          { cause: err },
        );
      }
      if (!isOutcomeUnknown(err) || attempt >= MAX_ATTEMPTS) throw err;
      // The edit may have been applied: an edit that already took effect needs no second one.
      const found = (await freshList(inputs.domain)).find((r) => r.recordId === recordId);
      if (!found)
        throw new Error(`record ${recordId} (${describe(inputs)}) disappeared while it was being edited`, {
          cause: err,
        });
      if (
        !diffDnsRecord(
          outputsFromRecord(found, inputs.adoptExisting) as unknown as Props,
          inputs as unknown as Props,
        ).changes
      ) {
        return found;
      }
    }
  }
}

/** Called once per provider host with the stack config. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  session.configure(req.config);
}

/** Validates and normalizes inputs at preview; makes no API call. */
export async function check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  return atBoundary("PddDnsRecord", async () => {
    session.assertEndpoint();
    return checkDnsRecord(news);
  });
}

export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  return diffDnsRecord(olds, news);
}

/**
 * `dns/add`, never leaving a duplicate or an orphan: a duplicate is adopted only when asked to, and
 * an add whose outcome is unknown is looked up before it is sent again.
 */
export async function create(props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = props as unknown as DnsRecordInputs;
  return atBoundary(`PddDnsRecord create (${describe(inputs)})`, async () => {
    const client = session.client();
    const records = session.records();
    let maybeApplied = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const record = await client.addRecord(addParams(inputs));
        records.invalidate(inputs.domain);
        return result(await converge(record, inputs), inputs);
      } catch (err) {
        records.invalidate(inputs.domain);
        if (isApiError(err, "record_exists")) {
          const existing = (await freshList(inputs.domain)).find((r) => matchesIdentity(r, inputs));
          if (!existing) throw err;
          // After an add with an unknown outcome, the duplicate is our own earlier add.
          if (!inputs.adoptExisting && !maybeApplied) {
            throw new Error(
              `a record with the same type, name and content already exists (record ${existing.recordId}: ${existing.type} ${existing.fqdn} ${existing.content}). ` +
                `Set \`adoptExisting: true\` to bring it under management, or read it with \`PddDnsRecord.get("name", "${inputs.domain}/${existing.recordId}")\`.`,
              { cause: err },
            );
          }
          return result(await converge(existing, inputs), inputs);
        }
        if (!isOutcomeUnknown(err) || attempt >= MAX_ATTEMPTS) throw err;
        maybeApplied = true;
        const landed = (await freshList(inputs.domain)).find((r) => matchesIdentity(r, inputs));
        if (landed) return result(await converge(landed, inputs), inputs);
      }
    }
  });
}

/** Finds the record by id in the (shared) zone listing; a record or domain that is gone reads as gone. */
export async function read(id: string, props: Props = {}): Promise<pulumi.dynamic.ReadResult> {
  return atBoundary(`PddDnsRecord read (${id})`, async () => {
    const { domain, recordId } = parseId(id);
    let zone: PddRecord[];
    try {
      zone = await session.records().list(domain);
    } catch (err) {
      if (isApiError(err, "no_such_domain", "not_allowed")) return { id: "" };
      throw err;
    }
    const record = zone.find((r) => r.recordId === recordId);
    if (!record) return { id: "" };
    const outs = outputsFromRecord(record, props.adoptExisting === true);
    return { id: `${outs.domain}/${outs.recordId}`, props: outs, inputs: inputsFromOutputs(outs) };
  });
}

/** `dns/edit` with every managed field; the record keeps its id. */
export async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = news as unknown as DnsRecordInputs;
  return atBoundary(`PddDnsRecord update (${describe(inputs)})`, async () => {
    const recordId = typeof olds.recordId === "number" ? olds.recordId : parseId(id).recordId;
    const record = await edit(recordId, inputs);
    return { outs: outputsFromRecord(record, inputs.adoptExisting) };
  });
}

/** `dns/del`; a record that is already gone counts as deleted. */
async function remove(id: string, _props?: Props): Promise<void> {
  return atBoundary(`PddDnsRecord delete (${id})`, async () => {
    const { domain, recordId } = parseId(id);
    const client = session.client();
    const records = session.records();
    for (let attempt = 1; ; attempt++) {
      try {
        await client.deleteRecord(domain, recordId);
        records.invalidate(domain);
        return;
      } catch (err) {
        records.invalidate(domain);
        if (isApiError(err, "bad_record_id", "no_such_domain")) return;
        if (!isOutcomeUnknown(err) || attempt >= MAX_ATTEMPTS) throw err;
        if (!(await freshList(domain)).some((r) => r.recordId === recordId)) return;
      }
    }
  });
}
export { remove as delete };

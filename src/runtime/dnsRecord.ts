import type * as pulumi from "@pulumi/pulumi";
import type { DnsOperation, FailureKind, Zone } from "../backends/backend";
import { describeZone } from "../backends/backend";
import { isOutcomeUnknown } from "../client/errors";
import type { DnsRecord } from "../client/types";
import { atBoundary, isServiceRefusal } from "./boundary";
import type { DnsRecordInputs } from "./dnsRecordModel";
import {
  addParams,
  checkDnsRecord,
  diffDnsRecord,
  dnsRecordInputs,
  editParams,
  identityContent,
  inputsFromOutputs,
  matchesIdentity,
  outputsFromRecord,
} from "./dnsRecordModel";
import { fqdnOf } from "./names";
import * as session from "./session";
import { plain } from "./values";

/** How many times a mutation whose outcome was unknown is reconciled and re-sent before giving up. */
const MAX_ATTEMPTS = 4;

type Props = Record<string, unknown>;

/**
 * The id part and the state flag of a record whose `dns/add` may have been applied but could not be
 * confirmed (the response was lost and the zone could not be listed afterwards). Such a create fails
 * as a partial failure: the engine keeps this id and the inputs in the state, so the next run knows
 * the record, if it exists, is its own and not one made outside Pulumi.
 */
const UNCONFIRMED_ID = "unconfirmed-add";
const UNCONFIRMED_FLAG = "addOutcomeUnknown";

function unconfirmedDomain(id: string): string | undefined {
  const match = /^([^/\s]+)\/unconfirmed-add$/.exec(id);
  return match ? match[1]!.toLowerCase() : undefined;
}

/**
 * What the dynamic provider host turns into a partial failure ("created, but failed to initialize"):
 * the engine records `id` and `properties` (which must carry `__provider`, for later Read and Delete
 * calls) and runs Update, or the replacement Diff asks for, on the next `pulumi up`.
 */
class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** "TXT _dmarc.example.com", for messages; works on the engine's raw values too. */
function describe(inputs: Readonly<Record<string, unknown>>): string {
  const { type, subdomain, domain } = inputs;
  return `${String(type)} ${subdomain === "@" ? String(domain) : `${String(subdomain)}.${String(domain)}`}`;
}

/** Is `err` a refusal of the configured backend's service meaning one of `kinds`? */
function failedWith(err: unknown, operation: DnsOperation, ...kinds: FailureKind[]): boolean {
  const kind = session.backend().classify(err, operation);
  return kind !== undefined && kinds.includes(kind);
}

/** The zone of a record in the state: its domain and, on Yandex 360, the organization it was created in. */
function zoneOf(domain: string, props: Props | DnsRecordInputs = {}): Promise<Zone> {
  const orgId = typeof props.orgId === "number" ? props.orgId : undefined;
  return session.backend().zone(domain, orgId);
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

function result(record: DnsRecord, inputs: DnsRecordInputs, zone: Zone) {
  const outs = outputsFromRecord(record, inputs.adoptExisting, zone.orgId);
  return { id: `${outs.domain}/${outs.recordId}`, outs };
}

/** Rounds of (already retried) listings before a reconciliation gives up. */
const RECONCILE_ROUNDS = 3;

/**
 * A fresh look at the zone, for deciding what a mutation with an unknown outcome did. Giving up here
 * could leave an applied add unrecorded (an orphan), so it tries harder than an ordinary read.
 */
async function freshList(zone: Zone): Promise<DnsRecord[]> {
  for (let round = 1; ; round++) {
    try {
      return await session.records().list(zone, { fresh: true });
    } catch (err) {
      // A refusal is final, except a temporary one, worth another round.
      if (round >= RECONCILE_ROUNDS || (isServiceRefusal(err) && !failedWith(err, "list", "temporary")))
        throw err;
    }
  }
}

/** Brings an existing record to the desired values with one edit, unless it already has them. */
async function converge(record: DnsRecord, inputs: DnsRecordInputs, zone: Zone): Promise<DnsRecord> {
  const current = outputsFromRecord(record, inputs.adoptExisting, zone.orgId);
  if (!differs(current, inputs)) return record;
  return edit(zone, record.recordId, inputs);
}

/** Whether a record's state differs from the inputs in anything an edit would change. */
function differs(current: DnsRecordInputs, inputs: DnsRecordInputs): boolean {
  return diffDnsRecord(current, inputs).changes;
}

async function edit(zone: Zone, recordId: number, inputs: DnsRecordInputs): Promise<DnsRecord> {
  const backend = session.backend();
  const records = session.records();
  for (let attempt = 1; ; attempt++) {
    try {
      const record = await backend.editRecord(zone, recordId, editParams(recordId, inputs));
      records.invalidate(zone);
      return record;
    } catch (err) {
      records.invalidate(zone);
      if (failedWith(err, "edit", "record_missing")) {
        throw new Error(
          `record ${recordId} (${describe(inputs)}) no longer exists: it was deleted outside Pulumi. Run \`pulumi refresh\` and then \`pulumi up\` to create it again.`,
          { cause: err },
        );
      }
      if (failedWith(err, "edit", "duplicate")) {
        throw new Error(
          `another record in ${describeZone(zone)} already has type ${inputs.type}, name ${inputs.subdomain} and content ${identityContent(inputs)}; remove one of the two.`,
          { cause: err },
        );
      }
      if (!isOutcomeUnknown(err) || attempt >= MAX_ATTEMPTS) throw err;
      // The edit may have been applied: an edit that already took effect needs no second one.
      const found = (await freshList(zone)).find((r) => r.recordId === recordId);
      if (!found)
        throw new Error(`record ${recordId} (${describe(inputs)}) disappeared while it was being edited`, {
          cause: err,
        });
      if (!differs(outputsFromRecord(found, inputs.adoptExisting, zone.orgId), inputs)) return found;
    }
  }
}

/** Called once per provider host with the stack config. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  session.configure(req.config);
}

/** Validates and normalizes inputs at preview; makes no API call. */
export async function check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  return atBoundary("PddDnsRecord", async () => checkDnsRecord(news, session.traits()));
}

/** An unconfirmed add is replaced, delete first: its Delete removes the record if the add did land. */
export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  if (olds[UNCONFIRMED_FLAG] === true) {
    return { changes: true, replaces: [UNCONFIRMED_FLAG], deleteBeforeReplace: true };
  }
  return diffDnsRecord(olds, news, session.traits());
}

/**
 * `dns/add`, never leaving a duplicate or an orphan: a duplicate is adopted only when asked to, and
 * an add whose outcome is unknown is looked up before it is sent again. Returns the added (or, after
 * an unknown outcome, found) record; throws a {@link PartialCreateError} when the add may have been
 * applied but the zone could not be listed to find out.
 */
async function add(zone: Zone, inputs: DnsRecordInputs, provider: unknown): Promise<DnsRecord> {
  const backend = session.backend();
  const records = session.records();
  if (inputs.adoptExisting && !backend.traits.refusesDuplicates) {
    // The service may accept a duplicate silently: look for the record to adopt before adding.
    const existing = (await records.list(zone)).find((r) => matchesIdentity(r, inputs));
    if (existing) return existing;
  }
  let maybeApplied = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const record = await backend.addRecord(zone, addParams(inputs));
      records.invalidate(zone);
      return record;
    } catch (err) {
      records.invalidate(zone);
      if (failedWith(err, "add", "duplicate")) {
        let listing: DnsRecord[];
        try {
          listing = await freshList(zone);
        } catch (listErr) {
          // The duplicate may be our own earlier add of this run.
          if (maybeApplied) throw unconfirmed(zone, inputs, provider, err, listErr);
          throw listErr;
        }
        const existing = listing.find((r) => matchesIdentity(r, inputs));
        if (!existing) throw err;
        // After an add with an unknown outcome, the duplicate is our own earlier add.
        if (!inputs.adoptExisting && !maybeApplied) {
          throw new Error(
            `a record with the same type, name and content already exists (record ${existing.recordId}: ${existing.type} ${existing.fqdn} ${existing.content}). ` +
              `Set \`adoptExisting: true\` to bring it under management, or read it with \`PddDnsRecord.get("name", "${inputs.domain}/${existing.recordId}")\`.`,
            { cause: err },
          );
        }
        return existing;
      }
      if (!isOutcomeUnknown(err)) throw err;
      maybeApplied = true;
      // Even after the last attempt: giving up without looking could leave an applied add unrecorded.
      let listing: DnsRecord[];
      try {
        listing = await freshList(zone);
      } catch (listErr) {
        throw unconfirmed(zone, inputs, provider, err, listErr);
      }
      const landed = listing.find((r) => matchesIdentity(r, inputs));
      if (landed) return landed;
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(
          `${err instanceof Error ? err.message : String(err)} A fresh listing shows that none of the ${MAX_ATTEMPTS} attempts was applied: nothing was created.`,
          { cause: err },
        );
      }
    }
  }
}

/**
 * The add may have been applied and nobody can tell. With `adoptExisting` the next run takes the
 * record over anyway, so a plain error is enough. Without it the next run would meet the record as
 * `record_exists` and could not tell it from one made outside Pulumi; so the create ends as a partial
 * failure whose state says "an add of this record is unconfirmed": the next `pulumi up` replaces it
 * (its Delete removes the record if it exists, then a fresh add), `pulumi refresh` takes over the
 * record if it exists and drops the state if not, and `pulumi destroy` removes it if it exists.
 */
function unconfirmed(
  zone: Zone,
  inputs: DnsRecordInputs,
  provider: unknown,
  err: unknown,
  listErr: unknown,
): Error {
  const why = `${err instanceof Error ? err.message : String(err)} The zone could not be listed to check (${listErr instanceof Error ? listErr.message : String(listErr)}).`;
  if (inputs.adoptExisting) {
    return new Error(
      `${why} Run \`pulumi up\` again: with adoptExisting it takes the record over if it was created.`,
      {
        cause: err,
      },
    );
  }
  return new PartialCreateError(
    `${why} The stack keeps the record as unconfirmed; the next \`pulumi up\` replaces it (removing the record if it was created, then adding it again), and \`pulumi refresh\` takes it over if it exists.`,
    `${inputs.domain}/${UNCONFIRMED_ID}`,
    plain({
      ...inputs,
      orgId: zone.orgId,
      fqdn: fqdnOf(inputs.subdomain, inputs.domain),
      [UNCONFIRMED_FLAG]: true,
      __provider: provider,
    }),
    { cause: err },
  );
}

export async function create(props: Props): Promise<pulumi.dynamic.CreateResult> {
  return atBoundary(`PddDnsRecord create (${describe(props)})`, async () => {
    const inputs = dnsRecordInputs(props);
    const zone = await zoneOf(inputs.domain, inputs);
    const record = await add(zone, inputs, props.__provider);
    try {
      return result(await converge(record, inputs, zone), inputs, zone);
    } catch (err) {
      // The record exists and is ours: keep it in the state so the next `pulumi up` finishes it with an
      // update, instead of meeting it as a record made outside Pulumi.
      const outs = outputsFromRecord(record, inputs.adoptExisting, zone.orgId);
      throw new PartialCreateError(
        `record ${record.recordId} was added, but setting its remaining values failed: ${err instanceof Error ? err.message : String(err)} The next \`pulumi up\` sets them.`,
        `${outs.domain}/${outs.recordId}`,
        { ...outs, __provider: props.__provider },
        { cause: err },
      );
    }
  });
}

/** Finds the record by id in the (shared) zone listing; a record or domain that is gone reads as gone. */
export async function read(id: string, props: Props = {}): Promise<pulumi.dynamic.ReadResult> {
  return atBoundary(`PddDnsRecord read (${id})`, async () => {
    const pendingDomain = unconfirmedDomain(id);
    const { domain, recordId } =
      pendingDomain === undefined ? parseId(id) : { domain: pendingDomain, recordId: -1 };
    const zone = await zoneOf(domain, props);
    let listing: DnsRecord[];
    try {
      listing = await session.records().list(zone);
    } catch (err) {
      if (failedWith(err, "list", "domain_missing", "domain_unavailable")) return { id: "" };
      throw err;
    }
    // An unconfirmed add: the record, if it exists, is the one this resource added.
    const record =
      pendingDomain === undefined
        ? listing.find((r) => r.recordId === recordId)
        : listing.find((r) => matchesIdentity(r, dnsRecordInputs(props)));
    if (!record) return { id: "" };
    const outs = outputsFromRecord(record, props.adoptExisting === true, zone.orgId);
    return { id: `${outs.domain}/${outs.recordId}`, props: outs, inputs: inputsFromOutputs(outs) };
  });
}

/** `dns/edit` with every managed field; the record keeps its id. */
export async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  return atBoundary(`PddDnsRecord update (${describe(news)})`, async () => {
    const inputs = dnsRecordInputs(news);
    const recordId = typeof olds.recordId === "number" ? olds.recordId : parseId(id).recordId;
    // The record stays in the organization it was created in (a new orgId input is a replacement).
    const zone = await zoneOf(inputs.domain, olds);
    const record = await edit(zone, recordId, inputs);
    return { outs: outputsFromRecord(record, inputs.adoptExisting, zone.orgId) };
  });
}

/** `dns/del`; a record that is already gone counts as deleted. */
async function remove(id: string, props?: Props): Promise<void> {
  return atBoundary(`PddDnsRecord delete (${id})`, async () => {
    const pendingDomain = unconfirmedDomain(id);
    const parsed = pendingDomain === undefined ? parseId(id) : undefined;
    const zone = await zoneOf(parsed?.domain ?? pendingDomain!, props);
    let recordId: number;
    if (parsed) recordId = parsed.recordId;
    else {
      // An unconfirmed add: remove the record if the add did land (it is this resource's own).
      let listing: DnsRecord[];
      try {
        listing = await freshList(zone);
      } catch (err) {
        if (failedWith(err, "list", "domain_missing", "domain_unavailable")) return;
        throw err;
      }
      const identity = dnsRecordInputs(props ?? {});
      const landed = listing.find((r) => matchesIdentity(r, identity));
      if (!landed) return;
      recordId = landed.recordId;
    }
    const backend = session.backend();
    const records = session.records();
    for (let attempt = 1; ; attempt++) {
      try {
        await backend.deleteRecord(zone, recordId);
        records.invalidate(zone);
        return;
      } catch (err) {
        records.invalidate(zone);
        if (failedWith(err, "delete", "record_missing", "domain_missing")) return;
        if (!isOutcomeUnknown(err) || attempt >= MAX_ATTEMPTS) throw err;
        if (!(await freshList(zone)).some((r) => r.recordId === recordId)) return;
      }
    }
  });
}
export { remove as delete };

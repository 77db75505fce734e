import * as pulumi from "@pulumi/pulumi";
import type { DnsRecordType } from "../client/types";
import { dynamicType, providerText } from "./provider";

/**
 * DNS record types. PDD manages all but CAA; Yandex 360 all but SOA. A type the configured backend
 * does not manage is refused at preview.
 *
 * @example
 * ```ts
 * const type: PddDnsRecordType = "CAA";
 * ```
 */
export type PddDnsRecordType = DnsRecordType;

/** The arguments for a {@link PddDnsRecord}. */
export interface PddDnsRecordArgs {
  /**
   * The domain (zone) on the PDD account or Yandex 360 organization, e.g. `example.com`. An
   * internationalized name (`пример.рф`) is converted to the ASCII (punycode) form the services store
   * (`xn--e1afmkfd.xn--p1ai`), and the outputs hold that form. Changing it replaces the record.
   */
  domain: pulumi.Input<string>;
  /**
   * Yandex 360 only: the organization that holds `domain`, overriding `pdd:orgId` (so one stack can
   * manage domains of several organizations). Kept in the state, so reads and deletes go to the
   * organization the record was created in; changing it replaces the record. Refused on PDD.
   *
   * @example `orgId: 7654321`
   */
  orgId?: pulumi.Input<number>;
  /** The record type. Changing it replaces the record. */
  type: pulumi.Input<PddDnsRecordType>;
  /**
   * The record name: `@` for the apex (the default), a relative name such as `www` or
   * `_acme-challenge.www`, or a name inside `domain` with or without a trailing dot, in any case.
   * Normalized to the service's relative lower-case form.
   */
  subdomain?: pulumi.Input<string>;
  /**
   * The record data: an IPv4 address (A), an IPv6 address (AAAA), a host name (CNAME, MX, NS; stored
   * with a trailing dot), text (TXT), the property value (CAA, e.g. `letsencrypt.org`), or the primary
   * name server (SOA, optional). Not used by SRV.
   */
  content?: pulumi.Input<string>;
  /** Time to live in seconds, 1 to 1209600. Default 21600. */
  ttl?: pulumi.Input<number>;
  /** Priority, 0 to 65535, for MX and SRV records. Default 10. */
  priority?: pulumi.Input<number>;
  /** SRV weight, 0 to 65535. Required for SRV. */
  weight?: pulumi.Input<number>;
  /** SRV port, 1 to 65535. Required for SRV. */
  port?: pulumi.Input<number>;
  /** SRV target host name. Required for SRV. */
  target?: pulumi.Input<string>;
  /** SOA administrator mailbox, e.g. `hostmaster@example.com`. Required for SOA. */
  adminMail?: pulumi.Input<string>;
  /** SOA refresh interval in seconds. */
  refresh?: pulumi.Input<number>;
  /** SOA retry interval in seconds. */
  retry?: pulumi.Input<number>;
  /** SOA expire time in seconds. */
  expire?: pulumi.Input<number>;
  /** SOA negative-caching TTL in seconds (the service's `neg_cache`, listed as `minttl`). */
  negCache?: pulumi.Input<number>;
  /**
   * CAA flags, 0 to 255 (128 marks the property critical). Default 0. Yandex 360 only.
   *
   * @example `flag: 0`
   */
  flag?: pulumi.Input<number>;
  /**
   * CAA property tag: `issue`, `issuewild` or `iodef`. Required for CAA. Yandex 360 only.
   *
   * @example `tag: "issue"`
   */
  tag?: pulumi.Input<"issue" | "issuewild" | "iodef">;
  /**
   * When a record with the same type, name and content already exists, take it over (and edit it
   * to these values) instead of failing. Default false. Changing it alone is no change.
   */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The state of a {@link PddDnsRecord}, for {@link PddDnsRecord.get}. */
export interface PddDnsRecordState extends Partial<PddDnsRecordArgs> {
  /** The service's record id. */
  recordId?: pulumi.Input<number>;
  /** The fully qualified record name, without a trailing dot. */
  fqdn?: pulumi.Input<string>;
}

/**
 * A DNS record in a domain managed by Yandex Mail for Domain (PDD).
 *
 * The resource id is `<domain>/<recordId>`. A change of `domain` or `type` replaces the record;
 * any other change is an in-place `dns/edit` that keeps `recordId`.
 *
 * @example
 * ```ts
 * const www = new PddDnsRecord("www", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.10", ttl: 3600 });
 * export const wwwFqdn = www.fqdn;
 * ```
 */
export class PddDnsRecord extends pulumi.CustomResource {
  /** The domain, lower case. */
  declare readonly domain: pulumi.Output<string>;
  /** The record type. */
  declare readonly type: pulumi.Output<PddDnsRecordType>;
  /** The relative record name (`@` for the apex). */
  declare readonly subdomain: pulumi.Output<string>;
  /** The record data as the service holds it (host names end with a dot; for SRV, the target). */
  declare readonly content: pulumi.Output<string | undefined>;
  /** Time to live in seconds. */
  declare readonly ttl: pulumi.Output<number>;
  /** Priority (MX, SRV). */
  declare readonly priority: pulumi.Output<number | undefined>;
  /** SRV weight. */
  declare readonly weight: pulumi.Output<number | undefined>;
  /** SRV port. */
  declare readonly port: pulumi.Output<number | undefined>;
  /** SRV target. */
  declare readonly target: pulumi.Output<string | undefined>;
  /** SOA administrator mailbox. */
  declare readonly adminMail: pulumi.Output<string | undefined>;
  /** SOA refresh interval. */
  declare readonly refresh: pulumi.Output<number | undefined>;
  /** SOA retry interval. */
  declare readonly retry: pulumi.Output<number | undefined>;
  /** SOA expire time. */
  declare readonly expire: pulumi.Output<number | undefined>;
  /** SOA negative-caching TTL. */
  declare readonly negCache: pulumi.Output<number | undefined>;
  /** CAA flags. */
  declare readonly flag: pulumi.Output<number | undefined>;
  /** CAA property tag. */
  declare readonly tag: pulumi.Output<string | undefined>;
  /** The Yandex 360 organization the record lives in; undefined on PDD. */
  declare readonly orgId: pulumi.Output<number | undefined>;
  /** Whether an existing identical record may be taken over on create. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** The service's record id. */
  declare readonly recordId: pulumi.Output<number>;
  /** The fully qualified record name, without a trailing dot. */
  declare readonly fqdn: pulumi.Output<string>;

  /**
   * Reads an existing record into the program by its id, `<domain>/<recordId>`. The record is not
   * managed (created or deleted) by this program.
   */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PddDnsRecordState,
    opts?: pulumi.CustomResourceOptions,
  ): PddDnsRecord {
    return new PddDnsRecord(name, (state ?? {}) as PddDnsRecordArgs, { ...opts, id });
  }

  /**
   * @param name The unique name of the resource.
   * @param args The record's arguments.
   * @param opts Options for the resource.
   */
  constructor(name: string, args: PddDnsRecordArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output must be a key of the props, or the SDK creates no Output for it.
    const state = args as PddDnsRecordState;
    const props: Record<keyof PddDnsRecordState, unknown> = {
      domain: state.domain,
      type: state.type,
      subdomain: state.subdomain,
      content: state.content,
      ttl: state.ttl,
      priority: state.priority,
      weight: state.weight,
      port: state.port,
      target: state.target,
      adminMail: state.adminMail,
      refresh: state.refresh,
      retry: state.retry,
      expire: state.expire,
      negCache: state.negCache,
      flag: state.flag,
      tag: state.tag,
      orgId: state.orgId,
      adoptExisting: state.adoptExisting,
      recordId: state.recordId,
      fqdn: state.fqdn,
    };
    super(dynamicType("PddDnsRecord"), name, { ...props, __provider: providerText("dnsRecord") }, opts);
  }
}

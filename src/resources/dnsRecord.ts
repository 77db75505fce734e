import type * as pulumi from "@pulumi/pulumi";
import type { DnsRecordType } from "../client/types";
import { PddDynamicResource } from "./dynamicResource";
import { dynamicType } from "./provider";

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
 * A DNS record in a domain of a Yandex 360 organization or a PDD account, a dynamic resource (see
 * {@link PddDynamicResource}).
 *
 * The resource id is `<domain>/<recordId>`. A change of `domain`, `type` or an explicit `orgId`
 * replaces the record, and so does any change of a CAA record on Yandex 360 (which cannot edit CAA
 * in place); any other change is an in-place edit that keeps `recordId`.
 *
 * ## Example Usage
 *
 * ```ts
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * const www = new pdd.PddDnsRecord("www", {
 *   domain: "example.com",
 *   type: "A",
 *   subdomain: "www",
 *   content: "203.0.113.10",
 *   ttl: 3600,
 * });
 * export const wwwFqdn = www.fqdn;
 * ```
 *
 * ## Import
 *
 * `pulumi import` does not work for dynamic resources; take an existing record over with
 * `adoptExisting: true`, or read it with `PddDnsRecord.get("name", "example.com/40710032")`.
 */
export class PddDnsRecord extends PddDynamicResource {
  /**
   * Get an existing PddDnsRecord resource's state with the given name, ID, and optional extra
   * properties used to qualify the lookup. The record is read, never created or deleted.
   *
   * @param name The _unique_ name of the resulting resource.
   * @param id The _unique_ provider ID of the resource to lookup: `<domain>/<recordId>`.
   * @param state Any extra arguments used during the lookup (e.g. `orgId` on Yandex 360).
   * @param opts Optional settings to control the behavior of the CustomResource.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PddDnsRecordState,
    opts?: pulumi.CustomResourceOptions,
  ): PddDnsRecord {
    return new PddDnsRecord(name, (state ?? {}) as PddDnsRecordArgs, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = dynamicType("PddDnsRecord");

  /**
   * Returns true if the given object is an instance of PddDnsRecord. This is designed to work even
   * when multiple copies of the Pulumi SDK have been loaded into the same process.
   */
  public static override isInstance(obj: unknown): obj is PddDnsRecord {
    if (obj === undefined || obj === null) return false;
    return (obj as { __pulumiType?: unknown }).__pulumiType === PddDnsRecord.__pulumiType;
  }

  /** The domain, lower case, internationalized names in punycode. */
  declare public readonly domain: pulumi.Output<string>;
  /** The Yandex 360 organization the record lives in; undefined on PDD. */
  declare public readonly orgId: pulumi.Output<number | undefined>;
  /** The record type. */
  declare public readonly type: pulumi.Output<PddDnsRecordType>;
  /** The relative record name (`@` for the apex). */
  declare public readonly subdomain: pulumi.Output<string>;
  /** The record data as the service holds it (host names end with a dot; for SRV, the target). */
  declare public readonly content: pulumi.Output<string | undefined>;
  /** Time to live in seconds. */
  declare public readonly ttl: pulumi.Output<number>;
  /** Priority (MX, SRV). */
  declare public readonly priority: pulumi.Output<number | undefined>;
  /** SRV weight. */
  declare public readonly weight: pulumi.Output<number | undefined>;
  /** SRV port. */
  declare public readonly port: pulumi.Output<number | undefined>;
  /** SRV target. */
  declare public readonly target: pulumi.Output<string | undefined>;
  /** SOA administrator mailbox. */
  declare public readonly adminMail: pulumi.Output<string | undefined>;
  /** SOA refresh interval. */
  declare public readonly refresh: pulumi.Output<number | undefined>;
  /** SOA retry interval. */
  declare public readonly retry: pulumi.Output<number | undefined>;
  /** SOA expire time. */
  declare public readonly expire: pulumi.Output<number | undefined>;
  /** SOA negative-caching TTL. */
  declare public readonly negCache: pulumi.Output<number | undefined>;
  /** CAA flags. */
  declare public readonly flag: pulumi.Output<number | undefined>;
  /** CAA property tag. */
  declare public readonly tag: pulumi.Output<string | undefined>;
  /** Whether an existing identical record may be taken over on create. */
  declare public readonly adoptExisting: pulumi.Output<boolean>;
  /** Output only. The service's record id. */
  declare public readonly /*out*/ recordId: pulumi.Output<number>;
  /** Output only. The fully qualified record name, without a trailing dot. */
  declare public readonly /*out*/ fqdn: pulumi.Output<string>;

  /**
   * Create a PddDnsRecord resource with the given unique name, arguments, and options.
   *
   * @param name The _unique_ name of the resource.
   * @param args The arguments to use to populate this resource's properties.
   * @param opts A bag of options that control this resource's behavior.
   */
  constructor(name: string, args: PddDnsRecordArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: PddDnsRecordArgs | PddDnsRecordState,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const resourceInputs: pulumi.Inputs = {};
    opts = opts ?? {};
    if (opts.id) {
      // `get`: the state given, if any, qualifies the read; every output is filled by the provider.
      const state = argsOrState as PddDnsRecordState | undefined;
      for (const key of STATE_KEYS) resourceInputs[key] = state?.[key];
    } else {
      const args = argsOrState as PddDnsRecordArgs | undefined;
      // Required inputs are enforced by the provider's Check, which names the field at preview.
      for (const key of STATE_KEYS) resourceInputs[key] = (args as PddDnsRecordState | undefined)?.[key];
      // Output-only properties: listed so the SDK creates their Outputs.
      resourceInputs.recordId = undefined;
      resourceInputs.fqdn = undefined;
    }
    super(PddDnsRecord.__pulumiType, "dnsRecord", name, resourceInputs, opts);
  }
}

/** Every property of the state, inputs and outputs alike. */
const STATE_KEYS: readonly (keyof PddDnsRecordState)[] = [
  "domain",
  "orgId",
  "type",
  "subdomain",
  "content",
  "ttl",
  "priority",
  "weight",
  "port",
  "target",
  "adminMail",
  "refresh",
  "retry",
  "expire",
  "negCache",
  "flag",
  "tag",
  "adoptExisting",
  "recordId",
  "fqdn",
];

import type * as pulumi from "@pulumi/pulumi";
import { PddDynamicResource } from "./dynamicResource";
import { dynamicType } from "./provider";

/** Mail protocols an import can read from; the service's aliases `imap4` and `pop` are accepted too. */
export type PddImportMethod = "imap" | "pop3" | "imap4" | "pop";

/** The arguments for a {@link PddImportCheck}. */
export interface PddImportCheckArgs {
  /** The domain whose mailboxes will be imported. */
  domain: pulumi.Input<string>;
  /** The mail server to import from: a host name or IP address. */
  server: pulumi.Input<string>;
  /** `imap` or `pop3` (`imap4` and `pop` are normalized to them). */
  method: pulumi.Input<PddImportMethod>;
  /** Connect over SSL/TLS. Default true. */
  ssl?: pulumi.Input<boolean>;
  /** Port; default 993 (IMAP over SSL), 143 (IMAP), 995 (POP3 over SSL) or 110 (POP3). */
  port?: pulumi.Input<number>;
  /** Arbitrary values; any change runs the check again (like `@pulumi/command`'s triggers). */
  triggers?: pulumi.Input<unknown[]>;
}

/** The state of a {@link PddImportCheck}. */
export interface PddImportCheckState extends Partial<PddImportCheckArgs> {
  /** When the service last confirmed the server answered, ISO-8601. */
  checkedAt?: pulumi.Input<string>;
}

/**
 * Proves that Yandex can reach a mail server (`import/check_settings`) before mailboxes are imported
 * from it: a stack fails early when it cannot, and later import steps can `dependsOn` it. A dynamic
 * resource (see {@link PddDynamicResource}); PDD only: Yandex 360 has no API for it, so the
 * `yandex360` backend refuses it at preview.
 *
 * Any input change runs the check again; deleting it removes nothing remotely. It has no `get`: a
 * check has no remote object to read.
 *
 * ## Example Usage
 *
 * ```ts
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * const reachable = new pdd.PddImportCheck("old-imap", {
 *   domain: "example.com",
 *   server: "imap.old-host.net",
 *   method: "imap",
 * });
 * export const checkedAt = reachable.checkedAt;
 * ```
 */
export class PddImportCheck extends PddDynamicResource {
  /** @internal */
  public static readonly __pulumiType = dynamicType("PddImportCheck");

  /**
   * Returns true if the given object is an instance of PddImportCheck. This is designed to work even
   * when multiple copies of the Pulumi SDK have been loaded into the same process.
   */
  public static override isInstance(obj: unknown): obj is PddImportCheck {
    if (obj === undefined || obj === null) return false;
    return (obj as { __pulumiType?: unknown }).__pulumiType === PddImportCheck.__pulumiType;
  }

  /** The domain. */
  declare public readonly domain: pulumi.Output<string>;
  /** The server, as the service echoed it. */
  declare public readonly server: pulumi.Output<string>;
  /** `imap` or `pop3`. */
  declare public readonly method: pulumi.Output<"imap" | "pop3">;
  /** Whether SSL was used. */
  declare public readonly ssl: pulumi.Output<boolean>;
  /** The port checked. */
  declare public readonly port: pulumi.Output<number>;
  /** The triggers, as given. */
  declare public readonly triggers: pulumi.Output<unknown[] | undefined>;
  /** Output only. When the check passed, ISO-8601. */
  declare public readonly /*out*/ checkedAt: pulumi.Output<string>;

  /**
   * Create a PddImportCheck resource with the given unique name, arguments, and options.
   *
   * @param name The _unique_ name of the resource.
   * @param args The arguments to use to populate this resource's properties.
   * @param opts A bag of options that control this resource's behavior.
   */
  constructor(name: string, args: PddImportCheckArgs, opts?: pulumi.CustomResourceOptions) {
    // Required inputs are enforced by the provider's Check, which names the field at preview.
    const resourceInputs: pulumi.Inputs = {};
    for (const key of ["domain", "server", "method", "ssl", "port", "triggers"] as const) {
      resourceInputs[key] = args?.[key];
    }
    // Output only: listed so the SDK creates its Output.
    resourceInputs.checkedAt = undefined;
    super(PddImportCheck.__pulumiType, "importCheck", name, resourceInputs, opts);
  }
}

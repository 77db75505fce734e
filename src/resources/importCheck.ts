import * as pulumi from "@pulumi/pulumi";
import { dynamicType, providerText } from "./provider";

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
 * from it: a stack fails early when it cannot, and later import steps can `dependsOn` it. Any input
 * change runs the check again; deleting it removes nothing remotely.
 *
 * @example
 * ```ts
 * const reachable = new PddImportCheck("old-imap", { domain: "example.com", server: "imap.old-host.net", method: "imap" });
 * ```
 */
export class PddImportCheck extends pulumi.CustomResource {
  /** The domain. */
  declare readonly domain: pulumi.Output<string>;
  /** The server, as the service echoed it. */
  declare readonly server: pulumi.Output<string>;
  /** `imap` or `pop3`. */
  declare readonly method: pulumi.Output<"imap" | "pop3">;
  /** Whether SSL was used. */
  declare readonly ssl: pulumi.Output<boolean>;
  /** The port checked. */
  declare readonly port: pulumi.Output<number>;
  /** The triggers, as given. */
  declare readonly triggers: pulumi.Output<unknown[] | undefined>;
  /** When the check passed, ISO-8601. */
  declare readonly checkedAt: pulumi.Output<string>;

  /** Reads a recorded check into the program. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PddImportCheckState,
    opts?: pulumi.CustomResourceOptions,
  ): PddImportCheck {
    return new PddImportCheck(name, (state ?? {}) as PddImportCheckArgs, { ...opts, id });
  }

  /**
   * @param name The unique name of the resource.
   * @param args The check's arguments.
   * @param opts Options for the resource.
   */
  constructor(name: string, args: PddImportCheckArgs, opts?: pulumi.CustomResourceOptions) {
    const state = args as PddImportCheckState;
    const props: Record<keyof PddImportCheckState, unknown> = {
      domain: state.domain,
      server: state.server,
      method: state.method,
      ssl: state.ssl,
      port: state.port,
      triggers: state.triggers,
      checkedAt: state.checkedAt,
    };
    super(dynamicType("PddImportCheck"), name, { ...props, __provider: providerText("importCheck") }, opts);
  }
}

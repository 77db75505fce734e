import * as pulumi from "@pulumi/pulumi";
import { dynamicType, providerText } from "./provider";

/** Image formats a domain logo may have. */
export type PddLogoFormat = "gif" | "jpeg" | "png";

/** The arguments for a {@link PddDomainLogo}. Set exactly one of `file` and `contentBase64`. */
export interface PddDomainLogoArgs {
  /** The domain whose mailboxes show the logo. Changing it replaces the resource. */
  domain: pulumi.Input<string>;
  /** Path to a GIF, JPEG or PNG image of at most 2 MB; relative paths are resolved against the program's folder. */
  file?: pulumi.Input<string>;
  /** The image itself, base64-encoded (GIF, JPEG or PNG, at most 2 MB). */
  contentBase64?: pulumi.Input<string>;
}

/** The state of a {@link PddDomainLogo}, for {@link PddDomainLogo.get}. */
export interface PddDomainLogoState extends Partial<PddDomainLogoArgs> {
  /** SHA-256 of the image bytes, hex. */
  sha256?: pulumi.Input<string>;
  /** Image size in bytes. */
  sizeBytes?: pulumi.Input<number>;
  /** Image format, from its magic number. */
  format?: pulumi.Input<PddLogoFormat>;
  /** Where the service serves the logo. */
  logoUrl?: pulumi.Input<string>;
}

/**
 * The logo shown in the corner of every mailbox of a domain. The id is the domain. New bytes are
 * an in-place re-upload; the same bytes under another path are no change.
 *
 * @example
 * ```ts
 * const logo = new PddDomainLogo("logo", { domain: "example.com", file: "assets/logo.png" });
 * export const logoUrl = logo.logoUrl;
 * ```
 */
export class PddDomainLogo extends pulumi.CustomResource {
  /** The domain. */
  declare readonly domain: pulumi.Output<string>;
  /** The image path, as given. */
  declare readonly file: pulumi.Output<string | undefined>;
  /** The image, base64, as given. */
  declare readonly contentBase64: pulumi.Output<string | undefined>;
  /** SHA-256 of the uploaded bytes, hex. */
  declare readonly sha256: pulumi.Output<string>;
  /** Size of the uploaded image in bytes. */
  declare readonly sizeBytes: pulumi.Output<number>;
  /** Format of the uploaded image. */
  declare readonly format: pulumi.Output<PddLogoFormat>;
  /** Where the service serves the logo. */
  declare readonly logoUrl: pulumi.Output<string>;

  /** Reads the logo of an existing domain into the program; the id is the domain. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PddDomainLogoState,
    opts?: pulumi.CustomResourceOptions,
  ): PddDomainLogo {
    return new PddDomainLogo(name, (state ?? {}) as PddDomainLogoArgs, { ...opts, id });
  }

  /**
   * @param name The unique name of the resource.
   * @param args The logo's arguments.
   * @param opts Options for the resource.
   */
  constructor(name: string, args: PddDomainLogoArgs, opts?: pulumi.CustomResourceOptions) {
    const state = args as PddDomainLogoState;
    const props: Record<keyof PddDomainLogoState, unknown> = {
      domain: state.domain,
      file: state.file,
      contentBase64: state.contentBase64,
      sha256: state.sha256,
      sizeBytes: state.sizeBytes,
      format: state.format,
      logoUrl: state.logoUrl,
    };
    super(dynamicType("PddDomainLogo"), name, { ...props, __provider: providerText("domainLogo") }, opts);
  }
}

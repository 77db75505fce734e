import type * as pulumi from "@pulumi/pulumi";
import { PddDynamicResource } from "./dynamicResource";
import { dynamicType } from "./provider";

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
 * The logo shown in the corner of every mailbox of a PDD domain, a dynamic resource (see
 * {@link PddDynamicResource}). PDD only: Yandex 360 has no API for it, so the `yandex360` backend
 * refuses it at preview.
 *
 * The id is the domain. New bytes are an in-place re-upload; the same bytes under another path are
 * no change. Deleting it removes the logo.
 *
 * ## Example Usage
 *
 * ```ts
 * import * as path from "node:path";
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * const logo = new pdd.PddDomainLogo("logo", { domain: "example.com", file: path.join(__dirname, "logo.png") });
 * export const logoUrl = logo.logoUrl;
 * ```
 */
export class PddDomainLogo extends PddDynamicResource {
  /**
   * Get the logo a domain has now, without managing it: reads its URL (`domain/logo/check`). The
   * image's hash, size and format are known only for a logo this program uploaded.
   *
   * @param name The _unique_ name of the resulting resource.
   * @param id The domain, e.g. `example.com`.
   * @param state Any extra arguments used during the lookup.
   * @param opts Optional settings to control the behavior of the CustomResource.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PddDomainLogoState,
    opts?: pulumi.CustomResourceOptions,
  ): PddDomainLogo {
    return new PddDomainLogo(name, (state ?? {}) as PddDomainLogoArgs, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = dynamicType("PddDomainLogo");

  /**
   * Returns true if the given object is an instance of PddDomainLogo. This is designed to work even
   * when multiple copies of the Pulumi SDK have been loaded into the same process.
   */
  public static override isInstance(obj: unknown): obj is PddDomainLogo {
    if (obj === undefined || obj === null) return false;
    return (obj as { __pulumiType?: unknown }).__pulumiType === PddDomainLogo.__pulumiType;
  }

  /** The domain. */
  declare public readonly domain: pulumi.Output<string>;
  /** The image path, as given. */
  declare public readonly file: pulumi.Output<string | undefined>;
  /** The image, base64, as given. */
  declare public readonly contentBase64: pulumi.Output<string | undefined>;
  /** Output only. SHA-256 of the uploaded bytes, hex. */
  declare public readonly /*out*/ sha256: pulumi.Output<string>;
  /** Output only. Size of the uploaded image in bytes. */
  declare public readonly /*out*/ sizeBytes: pulumi.Output<number>;
  /** Output only. Format of the uploaded image. */
  declare public readonly /*out*/ format: pulumi.Output<PddLogoFormat>;
  /** Output only. Where the service serves the logo. */
  declare public readonly /*out*/ logoUrl: pulumi.Output<string>;

  /**
   * Create a PddDomainLogo resource with the given unique name, arguments, and options.
   *
   * @param name The _unique_ name of the resource.
   * @param args The arguments to use to populate this resource's properties.
   * @param opts A bag of options that control this resource's behavior.
   */
  constructor(name: string, args: PddDomainLogoArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: PddDomainLogoArgs | PddDomainLogoState,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const resourceInputs: pulumi.Inputs = {};
    opts = opts ?? {};
    const given = argsOrState as PddDomainLogoState | undefined;
    for (const key of [
      "domain",
      "file",
      "contentBase64",
      "sha256",
      "sizeBytes",
      "format",
      "logoUrl",
    ] as const) {
      // Output-only properties are listed too, so the SDK creates their Outputs.
      resourceInputs[key] = given?.[key];
    }
    super(PddDomainLogo.__pulumiType, "domainLogo", name, resourceInputs, opts);
  }
}

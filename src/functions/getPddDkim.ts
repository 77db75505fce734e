import type * as pulumi from "@pulumi/pulumi";
import { fetchPddDkim } from "./service";
import { FUNCTION_TOKENS, afterDependencies, invokeOrMock } from "./support";

/** The selector Yandex signs mail with, so the key is published at `mail._domainkey.<domain>`. */
export const DKIM_SELECTOR = "mail";

/**
 * The arguments for {@link getPddDkim}.
 *
 * @example
 * ```ts
 * const args: GetPddDkimArgs = { domain: "example.com" };
 * ```
 */
export interface GetPddDkimArgs {
  /** The domain, e.g. `example.com`. */
  domain: string;
  /** The organization that holds the domain, overriding `pdd:orgId`. */
  orgId?: number;
}

/**
 * The arguments for {@link getPddDkimOutput}.
 *
 * @example
 * ```ts
 * const args: GetPddDkimOutputArgs = { domain: zone.name };
 * ```
 */
export interface GetPddDkimOutputArgs {
  /** The domain, e.g. `example.com`. */
  domain: pulumi.Input<string>;
  /** The organization that holds the domain, overriding `pdd:orgId`. */
  orgId?: pulumi.Input<number>;
}

/**
 * A domain's DKIM key, ready to publish: `recordName` and `recordValue` are exactly the `subdomain`
 * and `content` of the TXT {@link PddDnsRecord} that publishes it.
 *
 * @example
 * ```ts
 * const dkim: GetPddDkimResult = await getPddDkim({ domain: "example.com" });
 * // dkim.recordName === "mail._domainkey", dkim.recordValue === "v=DKIM1; k=rsa; t=s; p=MIGf…"
 * ```
 */
export interface GetPddDkimResult {
  /** The domain, lower case. */
  domain: string;
  /** Whether Yandex signs the domain's mail with DKIM. */
  enabled: boolean;
  /** The bare public key (base64 of the DER key), without `v=DKIM1; …`; "" when the service has none. */
  publicKey: string;
  /** The DKIM selector: `mail`. */
  selector: string;
  /** The TXT record's name relative to the domain: `mail._domainkey`. */
  recordName: string;
  /** The TXT record's value: `v=DKIM1; k=rsa; t=s; p=<publicKey>` (or the service's own full value). */
  recordValue: string;
}

/**
 * Splits what the service calls `publicKey`, either a bare key or a whole `v=DKIM1; …` value, into
 * the bare key and the TXT value that publishes it.
 */
export function dkimRecordValue(publicKey: string): { publicKey: string; recordValue: string } {
  const text = publicKey.trim();
  if (text === "") return { publicKey: "", recordValue: "" };
  if (/^v\s*=\s*DKIM1\b/i.test(text) || /(^|;)\s*p\s*=/.test(text)) {
    const key = /(?:^|;)\s*p\s*=\s*([^;]*)/.exec(text)?.[1]?.replace(/\s+/g, "") ?? "";
    return { publicKey: key, recordValue: text };
  }
  const key = text.replace(/\s+/g, "");
  return { publicKey: key, recordValue: `v=DKIM1; k=rsa; t=s; p=${key}` };
}

/**
 * Reads a domain's DKIM status and public key from Yandex 360 (`GET …/domains/{domain}/dkim`,
 * scope `directory:read_domains`), in the shape a TXT record needs. PDD has no documented DKIM
 * endpoint, so on the `pdd` backend this fails with a message naming `pdd:api`.
 *
 * Runs in the program's process, like {@link getPddDomains}.
 *
 * @example
 * ```ts
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * const dkim = await pdd.getPddDkim({ domain: "example.com" });
 * new pdd.PddDnsRecord("dkim", { domain: "example.com", type: "TXT", subdomain: dkim.recordName, content: dkim.recordValue });
 * ```
 */
export async function getPddDkim(
  args: GetPddDkimArgs,
  _opts?: pulumi.InvokeOptions,
): Promise<GetPddDkimResult> {
  return invokeOrMock(FUNCTION_TOKENS.getPddDkim, args, () => fetchPddDkim(args));
}

/**
 * {@link getPddDkim} for `Input` arguments, as an `Output`.
 *
 * @example
 * ```ts
 * import * as pdd from "pulumi-yandex-pdd";
 *
 * const dkim = pdd.getPddDkimOutput({ domain: "example.com" });
 * new pdd.PddDnsRecord("dkim", { domain: "example.com", type: "TXT", subdomain: dkim.recordName, content: dkim.recordValue });
 * ```
 */
export function getPddDkimOutput(
  args: GetPddDkimOutputArgs,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetPddDkimResult> {
  return afterDependencies(args, opts).apply((resolved) =>
    getPddDkim(
      { domain: resolved.domain, ...(resolved.orgId === undefined ? {} : { orgId: resolved.orgId }) },
      opts,
    ),
  );
}

import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isOutcomeUnknown } from "../client/errors";
import { atBoundary, isApiError } from "./boundary";
import type { LoadResult, LogoFormat } from "./logoImage";
import { CONTENT_TYPES, loadLogoBase64, loadLogoFile } from "./logoImage";
import { canonicalName, isValidDomain } from "./names";
import * as session from "./session";
import type { CheckFailure } from "./values";
import { UNKNOWN, isUnknown, plain } from "./values";

type Props = Record<string, unknown>;

/** `domain/logo/set` replaces the whole logo, so re-sending it is safe; bounded all the same. */
const MAX_ATTEMPTS = 4;

/** Checked inputs of a `PddDomainLogo`, declared once as the schema the runtime reads the engine's values through. */
const logoInputsSchema = z.object({
  domain: z.string(),
  file: z.string().optional(),
  contentBase64: z.string().optional(),
  sha256: z.string(),
});
export type LogoInputs = z.infer<typeof logoInputsSchema>;

function logoInputs(props: Readonly<Record<string, unknown>>): LogoInputs {
  const parsed = logoInputsSchema.safeParse(props);
  if (!parsed.success) {
    throw new Error(
      `the engine passed logo inputs that Check does not produce: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** State of a `PddDomainLogo`. */
export interface LogoOutputs extends LogoInputs {
  sizeBytes: number;
  format: LogoFormat;
  logoUrl: string;
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** Loads whichever source is given; an empty `file` counts as absent, as in check's exactly-one rule. */
async function loadSource(inputs: { file?: unknown; contentBase64?: unknown }): Promise<LoadResult> {
  return given(inputs.file)
    ? loadLogoFile(String(inputs.file))
    : loadLogoBase64(String(inputs.contentBase64));
}

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  session.configure(req.config);
}

/** Reads the image at preview: size, format by magic number, readability; adds its sha256. No API call. */
export async function check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  return atBoundary("PddDomainLogo", async () => {
    session.requirePdd("PddDomainLogo");
    const failures: CheckFailure[] = [];
    const inputs: Props = {};
    const domain = news.domain;
    if (isUnknown(domain)) inputs.domain = UNKNOWN;
    else if (typeof domain !== "string" || !isValidDomain(domain)) {
      failures.push({
        property: "domain",
        reason: `domain must be a valid domain name such as "example.com", got ${JSON.stringify(domain)}`,
      });
    } else inputs.domain = canonicalName(domain);

    const hasFile = given(news.file);
    const hasBase64 = given(news.contentBase64);
    if (hasFile && hasBase64) {
      failures.push({ property: "file", reason: "set exactly one of file and contentBase64, not both" });
    } else if (!hasFile && !hasBase64) {
      failures.push({
        property: "file",
        reason: "set exactly one of file (a path to a GIF, JPEG or PNG image) and contentBase64",
      });
    } else if (isUnknown(news.file) || isUnknown(news.contentBase64)) {
      // Comes from another resource's output: the image can only be read at deployment.
      Object.assign(inputs, hasFile ? { file: news.file } : { contentBase64: news.contentBase64 }, {
        sha256: UNKNOWN,
      });
    } else if (hasFile && typeof news.file !== "string") {
      failures.push({ property: "file", reason: "file must be a path string" });
    } else if (hasBase64 && typeof news.contentBase64 !== "string") {
      failures.push({ property: "contentBase64", reason: "contentBase64 must be a string" });
    } else {
      const loaded = await loadSource(news);
      if (!loaded.ok) failures.push({ property: loaded.property, reason: loaded.reason });
      else {
        Object.assign(inputs, hasFile ? { file: news.file } : { contentBase64: news.contentBase64 });
        inputs.sha256 = loaded.image.sha256;
      }
    }
    return { inputs: plain(inputs), failures };
  });
}

/** A new domain replaces; new bytes (a new sha256) update in place; a new path to the same bytes is no change. */
export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const replaces = olds.domain !== news.domain ? ["domain"] : [];
  const bytesChanged = olds.sha256 !== news.sha256 || isUnknown(news.sha256);
  return { changes: replaces.length > 0 || bytesChanged, replaces, deleteBeforeReplace: false };
}

/** Uploads the bytes check saw (refusing a file changed since), then asks the service for the URL. */
async function upload(inputs: LogoInputs): Promise<LogoOutputs> {
  const loaded = await loadSource(inputs);
  if (!loaded.ok) throw new Error(loaded.reason);
  const image = loaded.image;
  if (!isUnknown(inputs.sha256) && image.sha256 !== inputs.sha256) {
    throw new Error(
      `the image changed after the preview (sha256 ${image.sha256}, expected ${inputs.sha256}); run the update again`,
    );
  }
  const client = session.pddClient();
  for (let attempt = 1; ; attempt++) {
    try {
      await client.setLogo(inputs.domain, image.bytes, CONTENT_TYPES[image.format]);
      break;
    } catch (err) {
      if (!isOutcomeUnknown(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
  const { logoUrl } = await client.checkLogo(inputs.domain);
  if (!logoUrl) throw new Error("the service accepted the logo but reports no logo URL for the domain");
  return plain({
    domain: inputs.domain,
    file: inputs.file,
    contentBase64: inputs.contentBase64,
    sha256: image.sha256,
    sizeBytes: image.bytes.length,
    format: image.format,
    logoUrl,
  });
}

export async function create(props: Props): Promise<pulumi.dynamic.CreateResult> {
  return atBoundary(`PddDomainLogo create (${String(props.domain)})`, async () => {
    const outs = await upload(logoInputs(props));
    return { id: outs.domain, outs };
  });
}

/** `domain/logo/check`: a domain without a logo (or gone) reads as gone, so refresh drops it. */
export async function read(id: string, props: Props = {}): Promise<pulumi.dynamic.ReadResult> {
  return atBoundary(`PddDomainLogo read (${id})`, async () => {
    let logoUrl: string | undefined;
    try {
      ({ logoUrl } = await session.pddClient().checkLogo(id));
    } catch (err) {
      if (isApiError(err, "no_such_domain", "not_allowed")) return { id: "" };
      throw err;
    }
    if (!logoUrl) return { id: "" };
    const outs = plain({ ...props, domain: canonicalName(id), logoUrl });
    const { sizeBytes: _s, format: _f, logoUrl: _u, ...inputs } = outs as Props;
    return { id, props: outs, inputs };
  });
}

export async function update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  return atBoundary(`PddDomainLogo update (${String(news.domain)})`, async () => ({
    outs: await upload(logoInputs(news)),
  }));
}

/** `domain/logo/del`; idempotent, so an unknown outcome is simply re-sent. */
async function remove(id: string): Promise<void> {
  return atBoundary(`PddDomainLogo delete (${id})`, async () => {
    const client = session.pddClient();
    for (let attempt = 1; ; attempt++) {
      try {
        await client.deleteLogo(id);
        return;
      } catch (err) {
        if (isApiError(err, "no_such_domain")) return;
        if (!isOutcomeUnknown(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  });
}
export { remove as delete };

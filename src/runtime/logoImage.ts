import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";

/** The service's limit for a domain logo. */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;

export type LogoFormat = "gif" | "jpeg" | "png";

export const CONTENT_TYPES: Record<LogoFormat, string> = {
  gif: "image/gif",
  jpeg: "image/jpeg",
  png: "image/png",
};

/** Recognizes an image by its magic number, never by file name. */
export function sniffFormat(bytes: Buffer): LogoFormat | undefined {
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString("latin1"))) return "gif";
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return "png";
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return undefined;
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface LogoImage {
  bytes: Buffer;
  format: LogoFormat;
  sha256: string;
}

export type LoadResult =
  { ok: true; image: LogoImage } | { ok: false; property: "file" | "contentBase64"; reason: string };

function validate(bytes: Buffer, property: "file" | "contentBase64", what: string): LoadResult {
  if (bytes.length === 0) return { ok: false, property, reason: `${what} is empty` };
  if (bytes.length > MAX_LOGO_BYTES) {
    return {
      ok: false,
      property,
      reason: `${what} is ${bytes.length} bytes; a domain logo may be at most ${MAX_LOGO_BYTES} bytes (2 MB)`,
    };
  }
  const format = sniffFormat(bytes);
  if (!format)
    return {
      ok: false,
      property,
      reason: `${what} is not a GIF, JPEG or PNG image (checked by its content, not its name)`,
    };
  return { ok: true, image: { bytes, format, sha256: sha256(bytes) } };
}

/** Resolves `file` against the program's folder: the provider host runs with the program's working directory. */
export function resolveLogoPath(file: string): string {
  return path.resolve(process.cwd(), file);
}

/** Reads and validates a logo file; refuses oversized files before reading them. */
export async function loadLogoFile(file: string): Promise<LoadResult> {
  const full = resolveLogoPath(file);
  try {
    const info = await stat(full);
    if (!info.isFile())
      return { ok: false, property: "file", reason: `file "${file}" is not a regular file` };
    if (info.size > MAX_LOGO_BYTES) {
      return {
        ok: false,
        property: "file",
        reason: `file "${file}" is ${info.size} bytes; a domain logo may be at most ${MAX_LOGO_BYTES} bytes (2 MB)`,
      };
    }
    return validate(await readFile(full), "file", `file "${file}"`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES"
          ? "is not readable"
          : `cannot be read (${code ?? String(err)})`;
    return { ok: false, property: "file", reason: `file "${file}" ${why} (resolved to ${full})` };
  }
}

/** Decodes and validates `contentBase64`, refusing text that is not strict base64. */
export function loadLogoBase64(content: string): LoadResult {
  const compact = content.replace(/\s+/g, "");
  if (compact === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    return { ok: false, property: "contentBase64", reason: "contentBase64 is not valid base64" };
  }
  if ((compact.length / 4) * 3 > MAX_LOGO_BYTES + 3) {
    return {
      ok: false,
      property: "contentBase64",
      reason: `contentBase64 decodes to more than ${MAX_LOGO_BYTES} bytes; a domain logo may be at most 2 MB`,
    };
  }
  return validate(Buffer.from(compact, "base64"), "contentBase64", "contentBase64");
}

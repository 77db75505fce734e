import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import {
  CONTENT_TYPES,
  MAX_LOGO_BYTES,
  loadLogoBase64,
  loadLogoFile,
  resolveLogoPath,
  sha256,
  sniffFormat,
} from "../../src/runtime/logoImage";

const GIF87 = Buffer.from("GIF87a\x01\x00\x01\x00\x00\x00\x00;", "latin1");
const GIF89 = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1");
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

/** An image of `size` bytes in all: a valid header, then zeros. */
function padded(header: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  header.copy(out);
  return out;
}

describe("sniffFormat", () => {
  it.each([
    ["GIF87a", GIF87, "gif"],
    ["GIF89a", GIF89, "gif"],
    ["PNG", PNG, "png"],
    ["JPEG (JFIF)", JPEG, "jpeg"],
    ["JPEG (Exif)", Buffer.from([0xff, 0xd8, 0xff, 0xe1]), "jpeg"],
    ["a bare GIF header", Buffer.from("GIF89a", "latin1"), "gif"],
    ["a bare PNG signature", PNG.subarray(0, 8), "png"],
    ["a bare JPEG start", Buffer.from([0xff, 0xd8, 0xff]), "jpeg"],
  ])("recognizes %s", (_name, bytes, format) => {
    expect(sniffFormat(bytes)).toBe(format);
  });

  it.each([
    ["nothing", Buffer.alloc(0)],
    ["text", Buffer.from("hello, world")],
    ["an SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["a PDF", Buffer.from("%PDF-1.7\n")],
    ["a BMP", Buffer.from("BM\x00\x00\x00\x00", "latin1")],
    ["a WebP", Buffer.from("RIFF\x00\x00\x00\x00WEBPVP8 ", "latin1")],
    ["GIF88a", Buffer.from("GIF88a\x01\x00", "latin1")],
    ["gif89a in lower case", Buffer.from("gif89a\x01\x00", "latin1")],
    ["a GIF header cut to 5 bytes", Buffer.from("GIF89", "latin1")],
    ["a PNG signature cut to 7 bytes", PNG.subarray(0, 7)],
    ["a PNG signature with one byte wrong", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00])],
    ["a JPEG start cut to 2 bytes", Buffer.from([0xff, 0xd8])],
    ["a JPEG start with the third byte wrong", Buffer.from([0xff, 0xd8, 0x00, 0xe0])],
    ["a PNG signature not at the start", Buffer.concat([Buffer.from([0]), PNG])],
  ])("refuses %s", (_name, bytes) => {
    expect(sniffFormat(bytes)).toBeUndefined();
  });

  it("ignores what follows the magic number", () => {
    expect(sniffFormat(Buffer.concat([PNG, Buffer.from("GIF89a")]))).toBe("png");
  });
});

describe("CONTENT_TYPES and sha256", () => {
  it("maps each format to its media type", () => {
    expect(CONTENT_TYPES).toEqual({ gif: "image/gif", jpeg: "image/jpeg", png: "image/png" });
  });

  it("hashes with SHA-256 in lower-case hex", () => {
    expect(sha256(Buffer.from("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(sha256(Buffer.alloc(0))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("loadLogoBase64", () => {
  it.each([
    ["GIF", GIF89, "gif"],
    ["PNG", PNG, "png"],
    ["JPEG", JPEG, "jpeg"],
  ])("decodes a %s", (_name, bytes, format) => {
    const result = loadLogoBase64(bytes.toString("base64"));
    expect(result).toEqual({ ok: true, image: { bytes, format, sha256: sha256(bytes) } });
  });

  it("accepts base64 wrapped over lines and indented", () => {
    const text = PNG.toString("base64");
    const wrapped = `  ${text.slice(0, 8)}\n\t${text.slice(8, 16)}\r\n ${text.slice(16)}\n`;
    const result = loadLogoBase64(wrapped);
    expect(result.ok && result.image.bytes.equals(PNG)).toBe(true);
  });

  const invalid = { ok: false, property: "contentBase64", reason: "contentBase64 is not valid base64" };

  it.each([
    ["empty", ""],
    ["blank", "  \n\t "],
    ["a length that is not a multiple of 4", "R0lGODl"],
    ["base64url characters", "iVBORw0K-_8A"],
    ["three padding characters", "R0lGODlhA==="],
    ["padding only", "===="],
    ["padding in the middle", "R0=GODlh"],
    ["a data: URL", `data:image/png;base64,${PNG.toString("base64")}`],
    ["a non-ASCII character", "R0lGODlh\u00e9AAA"],
  ])("refuses %s", (_name, text) => {
    expect(loadLogoBase64(text)).toEqual(invalid);
  });

  it.each([
    ["an SVG", Buffer.from("<svg/> not an image").toString("base64")],
    // Hex digits are base64 characters too: a hex dump decodes, to something else.
    ["a hex dump of a PNG", PNG.toString("hex")],
  ])("refuses %s, which decodes to bytes that are not an image", (_name, text) => {
    expect(loadLogoBase64(text)).toEqual({
      ok: false,
      property: "contentBase64",
      reason: "contentBase64 is not a GIF, JPEG or PNG image (checked by its content, not its name)",
    });
  });

  it("accepts exactly the size limit and refuses one byte more", () => {
    const atLimit = padded(PNG, MAX_LOGO_BYTES);
    const atResult = loadLogoBase64(atLimit.toString("base64"));
    expect(atResult.ok && atResult.image.bytes.length).toBe(MAX_LOGO_BYTES);

    const over = padded(PNG, MAX_LOGO_BYTES + 1);
    expect(loadLogoBase64(over.toString("base64"))).toEqual({
      ok: false,
      property: "contentBase64",
      reason: `contentBase64 is ${MAX_LOGO_BYTES + 1} bytes; a domain logo may be at most ${MAX_LOGO_BYTES} bytes (2 MB)`,
    });
  });

  it("refuses text too long to be under the limit before decoding it", () => {
    const far = padded(PNG, MAX_LOGO_BYTES + 4);
    expect(loadLogoBase64(far.toString("base64"))).toEqual({
      ok: false,
      property: "contentBase64",
      reason: `contentBase64 decodes to more than ${MAX_LOGO_BYTES} bytes; a domain logo may be at most 2 MB`,
    });
  });

  it("is 2 MiB", () => {
    expect(MAX_LOGO_BYTES).toBe(2 * 1024 * 1024);
  });
});

describe("loadLogoFile", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pdd-logo-test-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, bytes: Buffer): Promise<string> {
    const full = path.join(dir, name);
    await writeFile(full, bytes);
    return full;
  }

  it.each([
    ["logo.gif", GIF87, "gif"],
    ["logo.png", PNG, "png"],
    ["logo.jpg", JPEG, "jpeg"],
  ])("loads %s", async (name, bytes, format) => {
    const full = await file(name, bytes);
    expect(await loadLogoFile(full)).toEqual({ ok: true, image: { bytes, format, sha256: sha256(bytes) } });
  });

  it("goes by the content, not the file name", async () => {
    const full = await file("really-a-png.gif", PNG);
    const result = await loadLogoFile(full);
    expect(result.ok && result.image.format).toBe("png");

    const text = await file("notes.png", Buffer.from("just text"));
    expect(await loadLogoFile(text)).toEqual({
      ok: false,
      property: "file",
      reason: `file "${text}" is not a GIF, JPEG or PNG image (checked by its content, not its name)`,
    });
  });

  it("resolves a relative path against the working directory", async () => {
    const full = await file("relative.png", PNG);
    const relative = path.relative(process.cwd(), full);
    expect(resolveLogoPath(relative)).toBe(full);
    const result = await loadLogoFile(relative);
    expect(result.ok && result.image.sha256).toBe(sha256(PNG));
  });

  it("reports a missing file, with the path it resolved to", async () => {
    const missing = path.join(dir, "nope", "logo.png");
    expect(await loadLogoFile(missing)).toEqual({
      ok: false,
      property: "file",
      reason: `file "${missing}" does not exist (resolved to ${missing})`,
    });
  });

  it("refuses a directory", async () => {
    expect(await loadLogoFile(dir)).toEqual({
      ok: false,
      property: "file",
      reason: `file "${dir}" is not a regular file`,
    });
  });

  it("refuses an empty file", async () => {
    const empty = await file("empty.png", Buffer.alloc(0));
    expect(await loadLogoFile(empty)).toEqual({
      ok: false,
      property: "file",
      reason: `file "${empty}" is empty`,
    });
  });

  it("accepts exactly the size limit and refuses a larger file by its size", async () => {
    const atLimit = await file("at-limit.png", padded(PNG, MAX_LOGO_BYTES));
    const result = await loadLogoFile(atLimit);
    expect(result.ok && result.image.bytes.length).toBe(MAX_LOGO_BYTES);

    // Sparse: the size is checked before anything is read.
    const big = await file("big.png", PNG);
    await truncate(big, MAX_LOGO_BYTES + 1);
    expect(await loadLogoFile(big)).toEqual({
      ok: false,
      property: "file",
      reason: `file "${big}" is ${MAX_LOGO_BYTES + 1} bytes; a domain logo may be at most ${MAX_LOGO_BYTES} bytes (2 MB)`,
    });
  });

  it("names the error code of any other failure", async () => {
    // A path through a regular file: ENOTDIR.
    const plainFile = await file("plain.txt", Buffer.from("x"));
    const through = path.join(plainFile, "logo.png");
    expect(await loadLogoFile(through)).toEqual({
      ok: false,
      property: "file",
      reason: `file "${through}" cannot be read (ENOTDIR) (resolved to ${through})`,
    });
  });
});

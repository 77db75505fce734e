import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import FormData from "form-data";
import { request } from "undici";
import type { PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import type { Answer } from "./apiClient";
import { call, TOKEN } from "./apiClient";

const DOMAIN = "example.com";
const LIMIT = 2_097_152;

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const JPEG = Buffer.from("ffd8ffe000104a46494600010100000100010000ffdb004300ffd9", "hex");

/** A PNG-signed buffer of exactly `size` bytes. */
function pngOfSize(size: number): Buffer {
  const data = Buffer.alloc(size, 0x42);
  PNG.copy(data, 0, 0, 8);
  return data;
}

interface UploadOptions {
  /** Send the multipart body chunked (no Content-Length), as a streaming client would. */
  chunked?: boolean;
  fileField?: string;
  token?: string;
}

async function upload(
  emu: PddEmulator,
  file: Buffer | undefined,
  options: UploadOptions = {},
): Promise<Answer> {
  const form = new FormData();
  form.append("domain", DOMAIN);
  if (file !== undefined) {
    form.append(options.fileField ?? "file", file, {
      filename: "logo",
      contentType: "application/octet-stream",
    });
  }
  const buffer = form.getBuffer();
  const headers: Record<string, string> = { ...form.getHeaders(), PddToken: options.token ?? TOKEN };
  let body: Buffer | Readable = buffer;
  if (options.chunked) {
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < buffer.length; offset += 64 * 1024) {
      chunks.push(buffer.subarray(offset, offset + 64 * 1024));
    }
    body = Readable.from(chunks);
  }
  const response = await request(`${emu.url}/api2/admin/domain/logo/set`, { method: "POST", headers, body });
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
  return (await response.body.json()) as Answer;
}

describe("domain logo", () => {
  let emu: PddEmulator;

  beforeEach(async () => {
    emu = await startEmulator({ domains: [DOMAIN] });
  });
  afterEach(async () => {
    await emu.close();
  });

  test.each([
    ["GIF", GIF, "image/gif"],
    ["PNG", PNG, "image/png"],
    ["JPEG", JPEG, "image/jpeg"],
  ])(
    "accepts a %s logo (by magic bytes) and serves it at the checked URL",
    async (_name, image, contentType) => {
      expect(await upload(emu, image)).toEqual({ domain: DOMAIN, success: "ok" });
      const sha = createHash("sha256").update(image).digest("hex");
      expect(emu.logo(DOMAIN)).toEqual({ sha256: sha, bytes: image.length, contentType });

      const check = await call(emu, "domain/logo/check", { domain: DOMAIN });
      expect(Object.keys(check).sort()).toEqual(["domain", "logo-url", "success"]);
      const logoUrl = check["logo-url"] as string;
      expect(logoUrl).toBe(`${emu.url}/logos/${DOMAIN}?v=${sha.slice(0, 16)}`);

      // Served without a token, byte for byte.
      const served = await request(logoUrl);
      expect(served.statusCode).toBe(200);
      expect(served.headers["content-type"]).toBe(contentType);
      expect(Buffer.from(await served.body.arrayBuffer())).toEqual(image);

      const listed = await call(emu, "domain/domains");
      const [entry] = listed.domains as Array<Record<string, unknown>>;
      expect([true, "yes"]).toContain(entry!.logo_enabled);
      expect(entry!.logo_url).toBe(logoUrl);
    },
  );

  test("check/del round trip: no logo → empty URL, del works with and without a logo", async () => {
    expect(await call(emu, "domain/logo/check", { domain: DOMAIN })).toEqual({
      domain: DOMAIN,
      "logo-url": "",
      success: "ok",
    });
    expect(await call(emu, "domain/logo/del", { domain: DOMAIN })).toEqual({ domain: DOMAIN, success: "ok" });

    await upload(emu, PNG);
    const url = (await call(emu, "domain/logo/check", { domain: DOMAIN }))["logo-url"] as string;
    expect(url).not.toBe("");
    // Replacing the logo changes the URL's version so caches see the new image.
    await upload(emu, GIF);
    const replaced = (await call(emu, "domain/logo/check", { domain: DOMAIN }))["logo-url"] as string;
    expect(replaced).not.toBe(url);
    expect(emu.logo(DOMAIN)?.contentType).toBe("image/gif");

    expect(await call(emu, "domain/logo/del", { domain: DOMAIN })).toEqual({ domain: DOMAIN, success: "ok" });
    expect(emu.logo(DOMAIN)).toBeUndefined();
    expect((await call(emu, "domain/logo/check", { domain: DOMAIN }))["logo-url"]).toBe("");
    const gone = await request(replaced);
    expect(gone.statusCode).toBe(404);
    await gone.body.dump();
    expect(await call(emu, "domain/logo/del", { domain: DOMAIN })).toEqual({ domain: DOMAIN, success: "ok" });
  });

  test("refuses a text file as bad_image", async () => {
    expect(await upload(emu, Buffer.from("definitely not an image\n"))).toEqual({
      domain: DOMAIN,
      success: "error",
      error: "bad_image",
    });
    expect(emu.logo(DOMAIN)).toBeUndefined();
  });

  test("accepts exactly 2 MB, refuses one byte more", async () => {
    expect((await upload(emu, pngOfSize(LIMIT))).success).toBe("ok");
    expect(emu.logo(DOMAIN)?.bytes).toBe(LIMIT);
    await call(emu, "domain/logo/del", { domain: DOMAIN });
    expect(await upload(emu, pngOfSize(LIMIT + 1))).toEqual({
      domain: DOMAIN,
      success: "error",
      error: "file_too_big",
    });
    expect(emu.logo(DOMAIN)).toBeUndefined();
  });

  test("refuses much bigger uploads, with and without Content-Length, without storing them", async () => {
    const big = pngOfSize(5 * 1024 * 1024);
    const declared = await upload(emu, big);
    expect(declared).toMatchObject({ success: "error", error: "file_too_big" });
    const chunked = await upload(emu, big, { chunked: true });
    expect(chunked).toMatchObject({ success: "error", error: "file_too_big" });
    expect(emu.logo(DOMAIN)).toBeUndefined();
    // The emulator still works afterwards.
    expect((await upload(emu, GIF, { chunked: true })).success).toBe("ok");
    const bodies = emu.requestLog().map((entry) => entry.body);
    expect(bodies.slice(0, 2)).toEqual([
      { kind: "too_big", bytes: expect.any(Number) },
      { kind: "too_big", bytes: expect.any(Number) },
    ]);
  });

  test("missing file part → no_file; not multipart → no_file; unknown domain → no_such_domain", async () => {
    expect(await upload(emu, undefined)).toEqual({ domain: DOMAIN, success: "error", error: "no_file" });
    expect(await upload(emu, PNG, { fileField: "image" })).toMatchObject({ error: "no_file" });
    expect(await call(emu, "domain/logo/set", { domain: DOMAIN })).toEqual({
      domain: DOMAIN,
      success: "error",
      error: "no_file",
    });
    for (const endpoint of ["domain/logo/check", "domain/logo/del"]) {
      expect(await call(emu, endpoint, { domain: "nope.test" })).toMatchObject({ error: "no_such_domain" });
    }
    expect(await upload(emu, PNG, { token: "wrong" })).toMatchObject({ error: "bad_token" });
    expect(emu.logo(DOMAIN)).toBeUndefined();
  });

  test("the request log records multipart field names and the file size", async () => {
    await upload(emu, PNG);
    const [entry] = emu.requestLog();
    expect(entry).toMatchObject({
      method: "POST",
      path: "/api2/admin/domain/logo/set",
      endpoint: "domain/logo/set",
      body: { kind: "multipart", fields: ["domain", "file"], fileSize: PNG.length },
      fault: null,
    });
    expect(entry!.headers.pddtoken).toBe(TOKEN);
  });
});

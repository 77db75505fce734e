import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { PddClient } from "../../src/client";
import { startEmulator } from "../../src/emulator";
import type { FaultOptions, PddEmulator } from "../../src/emulator";
import { FaultPlanner } from "../../src/emulator/faults";
import {
  CheckFailedError,
  ProviderHostError,
  UNKNOWN_VALUE,
  engineCreate,
  engineDelete,
  engineRefresh,
  engineUpdate,
  getProgramFolder,
  repoRoot,
  unwrapSecrets,
  urn,
} from "../harness";
import type {
  CapturedResource,
  CheckFailure,
  EngineUpdateResult,
  ProviderHost,
  Props,
  ResourceState,
} from "../harness";
import {
  LOGO_TYPE,
  TOKEN,
  captureProgram,
  configuredHost,
  inputsOf,
  withoutProvider,
  expectTokenAbsent,
} from "./support";

const DOMAIN = "example.com";
const OTHER_DOMAIN = "example.net";
const B64_DOMAIN = "example.org";
const GONE_DOMAIN = "gone.example";
const LIMIT = 2_097_152;

// ---------------------------------------------------------------------------------------------
// Test images, built from raw bytes: real, decodable files, not just magic numbers.
// ---------------------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([head, body, crc]);
}

/** A 1×1 8-bit RGB PNG of one colour; `padding` bytes go into a private ancillary chunk decoders skip. */
function png(rgb: [number, number, number], padding?: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const chunks = [
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(Buffer.from([0, ...rgb]))),
  ];
  if (padding !== undefined) chunks.push(pngChunk("prVt", Buffer.alloc(padding, 0x5a)));
  chunks.push(pngChunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(chunks);
}

/** A valid PNG of exactly `size` bytes. */
function pngOfSize(size: number): Buffer {
  const padding = size - png([1, 2, 3], 0).length;
  const image = png([1, 2, 3], padding);
  expect(image.length).toBe(size);
  return image;
}

/** The classic 35-byte 1×1 GIF89a: two-colour palette, one LZW-coded pixel. */
const GIF = Buffer.from([
  ...Buffer.from("GIF89a", "latin1"),
  ...[0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00], // 1×1, global palette of 2 colours
  ...[0x00, 0x00, 0x00, 0xff, 0xff, 0xff], // black, white
  ...[0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], // image descriptor
  ...[0x02, 0x02, 0x44, 0x01, 0x00], // LZW minimum code size 2, one 2-byte block
  0x3b,
]);

/**
 * A baseline 1×1 greyscale JPEG: a flat quantisation table and one-code Huffman tables, so the single
 * block is "DC difference 0, end of block" — two zero bits, padded with ones.
 */
const JPEG = Buffer.from([
  ...[0xff, 0xd8], // SOI
  ...[0xff, 0xdb, 0x00, 0x43, 0x00, ...Array<number>(64).fill(1)], // DQT 0
  ...[0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00], // SOF0 1×1, 1 component
  ...[0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, ...Array<number>(15).fill(0), 0x00], // DHT DC 0: "0" → category 0
  ...[0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, ...Array<number>(15).fill(0), 0x00], // DHT AC 0: "0" → EOB
  ...[0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00], // SOS
  0x3f, // 0 (DC), 0 (EOB), six padding ones
  ...[0xff, 0xd9], // EOI
]);

const PNG_A = png([255, 0, 0]);
const PNG_B = png([0, 0, 255]);
const TEXT = Buffer.from("this is a text file, whatever its name says\n");

/** Fault options (found by seed) that lose the response of the first call to `endpoint` and no other. */
function faultOnFirstCall(endpoint: string): FaultOptions {
  for (let seed = 1; ; seed++) {
    const options: FaultOptions = { rate: 0.5, kinds: { lost_response: 1 }, endpoints: [endpoint], seed };
    const planner = new FaultPlanner(options, 0);
    if (planner.pick(endpoint) !== null && [1, 2, 3, 4].every(() => planner.pick(endpoint) === null)) {
      return options;
    }
  }
}

const sha = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

describe("PddDomainLogo through the SDK's provider host (program folder with the packed package)", () => {
  let emulator: PddEmulator;
  let host: ProviderHost;
  let client: PddClient;
  let cwd: string;
  let fixtures: string;
  let resources: Map<string, CapturedResource>;
  const errors: string[] = [];
  const states: Props[] = [];

  /** A fixture path relative to the program folder, as a program would write it. */
  const rel = (name: string) => path.relative(cwd, path.join(fixtures, name));
  const write = (name: string, bytes: Buffer) => fs.writeFileSync(path.join(fixtures, name), bytes);
  const news = (name: string) => inputsOf(resources, name);
  const requests = () => emulator.stats().requests;
  const uploads = () => requests().byEndpoint["domain/logo/set"] ?? 0;
  /** Keeps every state the engine would store, for the token check at the end. */
  const track = <T extends ResourceState | EngineUpdateResult | undefined>(value: T): T => {
    const state: ResourceState | undefined = value && "action" in value ? value.state : value;
    if (state) states.push(state.outputs, state.inputs);
    return value;
  };
  const create = async (name: string, inputs = news(name)) =>
    track(await engineCreate(host, urn(LOGO_TYPE, name), inputs));

  /** Check alone, as at preview: the failures, and proof that it made no API call. */
  async function refused(name: string, inputs = news(name)): Promise<CheckFailure[]> {
    const before = requests().total;
    const result = await host.check(urn(LOGO_TYPE, name), {}, unwrapSecrets(inputs));
    expect(requests().total).toBe(before);
    errors.push(...result.failures.map((f) => f.reason));
    // The engine stops there: a create with these inputs never reaches the service.
    const failure = await engineCreate(host, urn(LOGO_TYPE, name), inputs).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CheckFailedError);
    expect(requests().total).toBe(before);
    return result.failures;
  }

  beforeAll(async () => {
    cwd = getProgramFolder();
    fixtures = fs.mkdtempSync(path.join(cwd, "logo-fixtures-"));
    write("logo.png", PNG_A);
    write("moved.png", PNG_B);
    write("max.png", pngOfSize(LIMIT));
    write("oversized.png", pngOfSize(LIMIT + 1));
    write("notes.png", TEXT);
    emulator = await startEmulator({
      token: TOKEN,
      domains: [DOMAIN, OTHER_DOMAIN, B64_DOMAIN, GONE_DOMAIN],
    });
    client = new PddClient({ token: TOKEN, endpoint: emulator.url });
    const logo = (name: string, args: Props) =>
      `new pdd.PddDomainLogo(${JSON.stringify(name)}, ${JSON.stringify(args)});`;
    const program = [
      logo("logo", { domain: DOMAIN, file: rel("logo.png") }),
      logo("logo-moved", { domain: DOMAIN, file: rel("moved.png") }),
      logo("logo-absolute", { domain: DOMAIN, file: path.join(fixtures, "moved.png") }),
      logo("logo-domain-spelling", { domain: "Example.COM.", file: rel("logo.png") }),
      logo("logo-inline", { domain: DOMAIN, contentBase64: PNG_B.toString("base64") }),
      logo("logo-other-domain", { domain: OTHER_DOMAIN, file: rel("moved.png") }),
      logo("b64-jpeg", { domain: B64_DOMAIN, contentBase64: JPEG.toString("base64") }),
      logo("b64-gif", { domain: B64_DOMAIN, contentBase64: GIF.toString("base64") }),
      logo("b64-wrapped", {
        domain: B64_DOMAIN,
        contentBase64: GIF.toString("base64").replace(/(.{16})/g, "$1\n"),
      }),
      logo("b64-empty-file", { domain: B64_DOMAIN, file: "", contentBase64: GIF.toString("base64") }),
      logo("gone-domain", { domain: GONE_DOMAIN, file: rel("logo.png") }),
      logo("unknown-domain", { domain: "unknown.example", file: rel("logo.png") }),
      logo("max", { domain: DOMAIN, file: rel("max.png") }),
      logo("oversized", { domain: DOMAIN, file: rel("oversized.png") }),
      logo("oversized-b64", { domain: DOMAIN, contentBase64: pngOfSize(LIMIT + 1).toString("base64") }),
      logo("text-png", { domain: DOMAIN, file: rel("notes.png") }),
      logo("text-b64", { domain: DOMAIN, contentBase64: TEXT.toString("base64") }),
      logo("missing", { domain: DOMAIN, file: rel("no-such-logo.png") }),
      logo("directory", { domain: DOMAIN, file: rel(".") }),
      logo("both", { domain: DOMAIN, file: rel("logo.png"), contentBase64: PNG_A.toString("base64") }),
      logo("neither", { domain: DOMAIN }),
      logo("bad-base64", { domain: DOMAIN, contentBase64: "this is *not* base64!" }),
      logo("bad-base64-length", { domain: DOMAIN, contentBase64: "iVBORw0KGgo" }),
      logo("bad-domain", { domain: "not a domain", file: rel("logo.png") }),
      logo("bad-domain-single-label", { domain: "localhost", file: rel("logo.png") }),
    ].join("\n");
    resources = await captureProgram(cwd, program, { "pdd:token": TOKEN });
    host = await configuredHost(cwd, emulator.url);
  });

  // Tests that rewrite logo.png leave it changed when they fail; every test starts from the same image.
  beforeEach(() => write("logo.png", PNG_A));

  afterAll(async () => {
    await host?.close();
    await client?.close();
    await emulator?.close();
    if (fixtures) fs.rmSync(fixtures, { recursive: true, force: true });
  });

  it("captures a small, identical __provider for every logo, without the token", () => {
    const logos = [...resources.values()].filter((r) => r.type === LOGO_TYPE);
    expect(logos).toHaveLength(resources.size);
    const providers = new Set(logos.map((r) => String(r.inputs.__provider)));
    expect(providers.size).toBe(1);
    const [provider] = [...providers];
    expect(Buffer.byteLength(provider!)).toBeLessThanOrEqual(3 * 1024);
    expect(provider).not.toContain(TOKEN);
    expect(provider).toContain("pulumi-yandex-pdd/runtime/");
  });

  it("create → read → no diff → new bytes update → same bytes elsewhere no change → domain replaces → delete twice", async () => {
    // Create: check hashes the image, create uploads it as multipart and asks for the URL.
    emulator.clearRequestLog();
    const created = await create("logo");
    expect(created.id).toBe(DOMAIN);
    expect(created.inputs).toEqual(
      expect.objectContaining({ domain: DOMAIN, file: rel("logo.png"), sha256: sha(PNG_A) }),
    );
    const outputs = withoutProvider(created.outputs);
    expect(outputs).toEqual({
      domain: DOMAIN,
      file: rel("logo.png"),
      sha256: sha(PNG_A),
      sizeBytes: PNG_A.length,
      format: "png",
      logoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/logos\/example\.com\?v=/),
    });
    // Plain JSON: survives a JSON round trip unchanged, no undefined, no Date.
    expect(JSON.parse(JSON.stringify(outputs))).toEqual(outputs);
    expect(emulator.logo(DOMAIN)).toEqual({
      sha256: sha(PNG_A),
      bytes: PNG_A.length,
      contentType: "image/png",
    });
    const log = emulator.requestLog().filter((e) => e.endpoint !== null);
    expect(log.map((e) => e.endpoint)).toEqual(["domain/logo/set", "domain/logo/check"]);
    expect(log[0]!.body).toEqual({ kind: "multipart", fields: ["domain", "file"], fileSize: PNG_A.length });
    const served = await fetch(outputs.logoUrl as string);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG_A)).toBe(true);

    // Read (refresh) reports the same outputs and inputs.
    const refreshed = track(await engineRefresh(host, created))!;
    expect(refreshed.id).toBe(DOMAIN);
    expect(withoutProvider(refreshed.outputs)).toEqual(outputs);
    expect(withoutProvider(refreshed.inputs)).toEqual(withoutProvider(created.inputs));

    // The unchanged program is no change, and uploads nothing.
    emulator.resetStats();
    const same = await engineUpdate(host, refreshed, news("logo"));
    expect(same.action).toBe("same");
    expect(uploads()).toBe(0);

    // New bytes at the same path: an in-place re-upload.
    write("logo.png", PNG_B);
    const updated = track(await engineUpdate(host, same.state, news("logo")));
    expect(updated.action).toBe("update");
    expect(updated.diff.replaces).toEqual([]);
    expect(updated.state.id).toBe(DOMAIN);
    expect(updated.state.outputs).toEqual(
      expect.objectContaining({ sha256: sha(PNG_B), sizeBytes: PNG_B.length, format: "png" }),
    );
    expect(updated.state.outputs.logoUrl).not.toBe(outputs.logoUrl);
    expect(emulator.logo(DOMAIN)?.sha256).toBe(sha(PNG_B));
    expect(uploads()).toBe(1);
    expect((await engineUpdate(host, updated.state, news("logo"))).action).toBe("same");
    expect((await engineUpdate(host, updated.state, news("logo-domain-spelling"))).action).toBe("same");

    // Identical bytes at another path (relative or absolute), or inline: no change, no upload.
    emulator.resetStats();
    for (const variant of ["logo-moved", "logo-absolute", "logo-inline"]) {
      expect([variant, (await engineUpdate(host, updated.state, news(variant))).action]).toEqual([
        variant,
        "same",
      ]);
    }
    expect(uploads()).toBe(0);

    // A new domain is a replacement: the new domain gets the logo, the old one loses it.
    const replaced = track(await engineUpdate(host, updated.state, news("logo-other-domain")));
    expect(replaced.action).toBe("replace");
    expect(replaced.diff.replaces).toEqual(["domain"]);
    expect(replaced.state.id).toBe(OTHER_DOMAIN);
    expect(emulator.logo(OTHER_DOMAIN)?.sha256).toBe(sha(PNG_B));
    expect(emulator.logo(DOMAIN)).toBeUndefined();

    // Delete removes it; deleting again (already gone) succeeds.
    await engineDelete(host, replaced.state);
    expect(emulator.logo(OTHER_DOMAIN)).toBeUndefined();
    await expect(engineDelete(host, replaced.state)).resolves.toBeUndefined();
  });

  it("reports a logo removed out of band as gone, so refresh drops it", async () => {
    const created = await create("logo");
    expect(emulator.logo(DOMAIN)).toBeDefined();
    await client.deleteLogo(DOMAIN);
    expect(emulator.logo(DOMAIN)).toBeUndefined();
    expect(await engineRefresh(host, created)).toBeUndefined();
    // The next `up` creates it again.
    const again = await create("logo");
    expect(emulator.logo(DOMAIN)?.sha256).toBe(sha(PNG_A));
    await engineDelete(host, again);
    expect(emulator.logo(DOMAIN)).toBeUndefined();
  });

  it("reports the logo of a domain no longer on the account as gone; deleting it succeeds", async () => {
    const created = await create("gone-domain");
    emulator.removeDomain(GONE_DOMAIN);
    expect(await engineRefresh(host, created)).toBeUndefined();
    await expect(engineDelete(host, created)).resolves.toBeUndefined();
  });

  it("fails a create for a domain the token's account does not have, explaining why", async () => {
    const failure = (await engineCreate(host, urn(LOGO_TYPE, "unknown-domain"), news("unknown-domain")).catch(
      (e: Error) => e,
    )) as Error;
    expect(failure).toBeInstanceOf(ProviderHostError);
    expect(failure.message).toContain("unknown.example");
    expect(failure.message).toContain("no_such_domain");
    expect(failure.message).toMatch(/not connected to the token's account/);
    errors.push(failure.message);
  });

  it("uploads from contentBase64: JPEG and GIF by magic number, wrapped base64 too", async () => {
    const jpeg = await create("b64-jpeg");
    expect(jpeg.id).toBe(B64_DOMAIN);
    expect(withoutProvider(jpeg.outputs)).toEqual(
      expect.objectContaining({ sha256: sha(JPEG), sizeBytes: JPEG.length, format: "jpeg" }),
    );
    expect(jpeg.outputs.file).toBeUndefined();
    expect(emulator.logo(B64_DOMAIN)).toEqual({
      sha256: sha(JPEG),
      bytes: JPEG.length,
      contentType: "image/jpeg",
    });
    expect(withoutProvider((await engineRefresh(host, jpeg))?.outputs)).toEqual(
      withoutProvider(jpeg.outputs),
    );
    expect((await engineUpdate(host, jpeg, news("b64-jpeg"))).action).toBe("same");

    const gif = track(await engineUpdate(host, jpeg, news("b64-gif")));
    expect(gif.action).toBe("update");
    expect(gif.state.outputs).toEqual(expect.objectContaining({ format: "gif", sha256: sha(GIF) }));
    expect(emulator.logo(B64_DOMAIN)?.contentType).toBe("image/gif");
    // Line-wrapped base64 of the same bytes, or an empty `file` beside it, is the same image.
    expect((await engineUpdate(host, gif.state, news("b64-wrapped"))).action).toBe("same");
    expect((await engineUpdate(host, gif.state, news("b64-empty-file"))).action).toBe("same");
    await engineDelete(host, gif.state);
    expect(emulator.logo(B64_DOMAIN)).toBeUndefined();
  });

  it("accepts an image of exactly 2,097,152 bytes and uploads all of it", async () => {
    const max = await create("max");
    expect(max.outputs.sizeBytes).toBe(LIMIT);
    expect(emulator.logo(DOMAIN)?.bytes).toBe(LIMIT);
    await engineDelete(host, max);
  });

  it("re-sends domain/logo/set when its response is lost (it replaces the whole logo, so that is safe)", async () => {
    emulator.resetStats();
    emulator.setFaults(faultOnFirstCall("domain/logo/set"));
    let state: ResourceState;
    try {
      state = await create("logo");
    } finally {
      emulator.setFaults(undefined);
    }
    expect(emulator.stats().faults.lost_response).toBe(1);
    expect(uploads()).toBe(2);
    expect(emulator.logo(DOMAIN)?.sha256).toBe(sha(PNG_A));
    expect(state.outputs.sha256).toBe(sha(PNG_A));
    await engineDelete(host, state);
  });

  it("re-sends domain/logo/del when its response is lost, and the logo is gone", async () => {
    const state = await create("logo");
    emulator.resetStats();
    emulator.setFaults(faultOnFirstCall("domain/logo/del"));
    try {
      await engineDelete(host, state);
    } finally {
      emulator.setFaults(undefined);
    }
    expect(emulator.stats().faults.lost_response).toBe(1);
    expect(requests().byEndpoint["domain/logo/del"]).toBe(2);
    expect(emulator.logo(DOMAIN)).toBeUndefined();
  });

  it("refuses bad images at check, naming the property, with no API call", async () => {
    const cases: [string, string, RegExp][] = [
      ["oversized", "file", /2097153 bytes.*at most 2097152/],
      ["oversized-b64", "contentBase64", /more than 2097152 bytes|at most 2097152/],
      ["text-png", "file", /not a GIF, JPEG or PNG/],
      ["text-b64", "contentBase64", /not a GIF, JPEG or PNG/],
      ["missing", "file", /does not exist/],
      ["directory", "file", /not a regular file/],
      ["both", "file", /exactly one of file and contentBase64, not both/],
      ["neither", "file", /exactly one of file .* and contentBase64/],
      ["bad-base64", "contentBase64", /not valid base64/],
      ["bad-base64-length", "contentBase64", /not valid base64/],
      ["bad-domain", "domain", /valid domain name/],
      ["bad-domain-single-label", "domain", /valid domain name/],
    ];
    for (const [name, property, reason] of cases) {
      const failures = await refused(name);
      expect([name, failures.map((f) => f.property)]).toEqual([name, [property]]);
      expect([name, failures[0]!.reason]).toEqual([name, expect.stringMatching(reason)]);
    }
    expect(emulator.logo(DOMAIN)).toBeUndefined();
  });

  it("refuses an image that changed between preview and update rather than uploading unchecked bytes", async () => {
    const created = await create("logo");
    write("logo.png", PNG_B);
    const inputs = (await host.check(urn(LOGO_TYPE, "logo"), created.inputs, news("logo"))).inputs;
    write("logo.png", PNG_A.subarray(0, PNG_A.length - 1));
    emulator.resetStats();
    const failure = (await host
      .update(created.id, created.urn, created.outputs, inputs, { oldInputs: created.inputs })
      .catch((e: Error) => e)) as Error;
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(/changed after the preview/);
    errors.push(failure.message);
    expect(uploads()).toBe(0);
    expect(emulator.logo(DOMAIN)?.sha256).toBe(sha(PNG_A));
    await engineDelete(host, created);
  });

  it("accepts an image not known until deployment (an output of another resource) at preview", async () => {
    const preview = await host.check(urn(LOGO_TYPE, "logo"), {}, { ...news("logo"), file: UNKNOWN_VALUE });
    expect(preview.failures).toEqual([]);
    expect(preview.inputs.sha256).toBe(UNKNOWN_VALUE);
    const created = await create("logo");
    const diff = await host.diff(created.id, created.urn, created.outputs, preview.inputs);
    expect(diff.changes).toBe("some");
    expect(diff.replaces).toEqual([]);
    await engineDelete(host, created);
  });

  it("never lets the token into __provider, outputs, errors or the host's logs", () => {
    expectTokenAbsent(host, { states, errors, resources });
    expect(states.length).toBeGreaterThan(10);
    expect(errors.length).toBeGreaterThan(10);
  });
});

describe("PddDomainLogo with the provider host at the repository root (the root Pulumi.yaml case)", () => {
  it("resolves a relative file against the root, then creates, reads and deletes the logo", async () => {
    fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "logo-root-"));
    const emulator = await startEmulator({ token: TOKEN, domains: [DOMAIN] });
    try {
      fs.writeFileSync(path.join(dir, "logo.gif"), GIF);
      const file = path.relative(repoRoot, path.join(dir, "logo.gif"));
      const resources = await captureProgram(
        repoRoot,
        `new pdd.PddDomainLogo("root", ${JSON.stringify({ domain: DOMAIN, file })});`,
      );
      const inputs = inputsOf(resources, "root");
      expect(Buffer.byteLength(String(inputs.__provider))).toBeLessThanOrEqual(3 * 1024);
      const host = await configuredHost(repoRoot, emulator.url);
      try {
        const state = await engineCreate(host, urn(LOGO_TYPE, "root"), inputs);
        expect(state.outputs).toEqual(expect.objectContaining({ file, format: "gif", sha256: sha(GIF) }));
        expect(emulator.logo(DOMAIN)?.sha256).toBe(sha(GIF));
        const read = await engineRefresh(host, state);
        expect(withoutProvider(read?.outputs)).toEqual(withoutProvider(state.outputs));
        await engineDelete(host, state);
        expect(emulator.logo(DOMAIN)).toBeUndefined();
      } finally {
        await host.close();
      }
    } finally {
      await emulator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

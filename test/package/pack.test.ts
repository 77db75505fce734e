/**
 * What `npm pack` ships: every entry point of `exports`, `typesVersions` and `bin`, the licence and
 * changelog, source maps that point at files in the tarball, and dist/ even from a clone that was
 * never built (prepack builds).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PackEntry } from "./support";
import { packListing, repoRoot } from "./support";

interface Manifest {
  license: string;
  files: string[];
  main: string;
  types: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  typesVersions: Record<string, Record<string, string[]>>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as Manifest;

/** The tarball paths a package.json target (possibly with one `*`) stands for. */
function targets(target: string, shipped: ReadonlySet<string>): string[] {
  const plain = target.replace(/^\.\//, "");
  if (!plain.includes("*")) return shipped.has(plain) ? [plain] : [];
  const [before, after] = plain.split("*") as [string, string];
  return [...shipped].filter((file) => file.startsWith(before) && file.endsWith(after));
}

/** Where a clone's `npm pack` runs, and what it ships. */
let clone: string;
let fresh: PackEntry;
let shipped: Set<string>;

/**
 * A clone that was never built: the files a checkout has (no dist/), and the repository's
 * node_modules for tsc. Its pack runs prepack (the build), so this also checks that a pack from a
 * fresh clone has dist/, and the maps are those of a clean build (the repository's own dist/ may
 * hold outputs of deleted sources until `npm run clean`).
 */
beforeAll(async () => {
  clone = fs.mkdtempSync(path.join(os.tmpdir(), "pdd-pack-clone-"));
  for (const entry of ["package.json", "tsconfig.json", "tsconfig.build.json", ...manifest.files]) {
    const from = path.join(repoRoot, entry);
    if (entry === "dist" || !fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(clone, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(clone, "node_modules"), "dir");
  fresh = await packListing(clone, false);
  shipped = new Set(fresh.files.map((f) => f.path));
}, 300_000);

afterAll(() => {
  if (clone) fs.rmSync(clone, { recursive: true, force: true });
});

describe("npm pack", () => {
  test("from a clone that was never built, prepack builds dist/ into the tarball", () => {
    expect(manifest.scripts.prepack).toMatch(/npm run build/);
    const sources = [...shipped].filter((f) => /^src\/.*\.ts$/.test(f));
    expect(sources.length).toBeGreaterThan(10);
    const unbuilt = sources.filter((source) => {
      const out = source.replace(/^src\//, "dist/").replace(/\.ts$/, "");
      return !shipped.has(`${out}.js`) || !shipped.has(`${out}.d.ts`);
    });
    expect(unbuilt).toEqual([]);
  });

  test("carries LICENSE, CHANGELOG.md and README.md, listed in files", () => {
    expect(manifest.files).toEqual(expect.arrayContaining(["dist", "LICENSE", "CHANGELOG.md", "README.md"]));
    for (const file of ["LICENSE", "CHANGELOG.md", "README.md", "package.json"])
      expect(shipped).toContain(file);
  });

  test("LICENSE is the Apache License 2.0 that package.json names, in full", () => {
    expect(manifest.license).toBe("Apache-2.0");
    const text = fs.readFileSync(path.join(repoRoot, "LICENSE"), "utf8");
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(text).toContain("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
    expect(text).toContain("9. Accepting Warranty or Additional Liability.");
    expect(text).toContain("END OF TERMS AND CONDITIONS");
    expect(text).toContain("Copyright 2026 The pulumi-yandex-pdd authors");
    expect(text).not.toContain("[yyyy]");
  });

  test("CHANGELOG.md keeps a changelog: Unreleased, then the released versions", () => {
    const text = fs.readFileSync(path.join(repoRoot, "CHANGELOG.md"), "utf8");
    const versions = [...text.matchAll(/^## \[?([^\]\s]+)\]?/gm)].map((m) => m[1]);
    expect(versions[0]).toBe("Unreleased");
    expect(versions).toContain("0.1.0");
  });

  test("every export, typesVersions target, main, types and bin is in the tarball", () => {
    const wanted: string[] = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
    for (const [key, value] of Object.entries(manifest.exports)) {
      if (key === "./package.json") continue;
      wanted.push(...(typeof value === "string" ? [value] : Object.values(value)));
    }
    for (const paths of Object.values(manifest.typesVersions)) {
      for (const list of Object.values(paths)) wanted.push(...list);
    }
    const missing = wanted.filter((target) => targets(target, shipped).length === 0);
    expect(missing).toEqual([]);
    expect(targets("./dist/runtime/*.d.ts", shipped)).toContain("dist/runtime/dnsRecord.d.ts");
    expect(Object.keys(manifest.exports)).toEqual(
      expect.arrayContaining([".", "./client", "./emulator", "./runtime/*"]),
    );
    expect(Object.keys(manifest.typesVersions["*"] ?? {}).sort()).toEqual([
      "client",
      "emulator",
      "runtime/*",
    ]);
  });

  test("every source map points at files in the tarball, and every mapped file's map is there", () => {
    const maps = [...shipped].filter((file) => file.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    const broken: string[] = [];
    for (const map of maps) {
      const json = JSON.parse(fs.readFileSync(path.join(clone, map), "utf8")) as {
        file: string;
        sourceRoot?: string;
        sources: string[];
      };
      const dir = path.posix.dirname(map);
      const generated = path.posix.join(dir, json.file);
      if (!shipped.has(generated)) broken.push(`${map}: file ${generated} is not shipped`);
      for (const source of json.sources) {
        const resolved = path.posix.normalize(path.posix.join(dir, json.sourceRoot ?? "", source));
        if (!shipped.has(resolved)) broken.push(`${map}: source ${resolved} is not shipped`);
      }
    }
    for (const file of [...shipped].filter((f) => /\.(js|d\.ts)$/.test(f))) {
      const text = fs.readFileSync(path.join(clone, file), "utf8");
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
      if (url === undefined) continue;
      const map = path.posix.join(path.posix.dirname(file), url);
      if (!shipped.has(map)) broken.push(`${file}: its map ${map} is not shipped`);
    }
    expect(broken).toEqual([]);
  });

  test("the repository's pack holds no tests, scratch files or local state", async () => {
    const listing = await packListing(repoRoot, true); // scripts off: prepack would rebuild the shared dist/
    const stray = listing.files
      .map((f) => f.path)
      .filter(
        (file) => !/^(dist|src)\//.test(file) && !manifest.files.includes(file) && file !== "package.json",
      );
    expect(stray).toEqual([]);
    expect(listing.files.map((f) => f.path).filter((file) => /\.test\.ts$/.test(file))).toEqual([]);
  }, 120_000);
});

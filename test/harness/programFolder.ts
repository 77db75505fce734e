import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root (this file lives in `test/harness/`). */
export const repoRoot = path.resolve(__dirname, "..", "..");

/** Set by globalSetup; jest workers inherit it, so a concurrent run rewriting the pointer file cannot redirect them. */
export const PROGRAM_FOLDER_ENV = "PDD_HARNESS_PROGRAM_FOLDER";

/** Set to 1 to use whatever `tsc` emitted even when it reports errors (other files still in progress). */
export const ALLOW_BUILD_ERRORS_ENV = "PDD_HARNESS_ALLOW_BUILD_ERRORS";

/** Where the folders live: one per tarball hash and SDK version, shared by every run on this machine. */
export const programFoldersRoot = path.join(os.tmpdir(), "pulumi-yandex-pdd-harness");

/** The pointer file tests read when the environment variable is absent (e.g. a test run by hand). */
export const programFolderInfoFile = path.join(repoRoot, ".tmp", "harness-program-folder.json");

const READY_MARKER = ".harness-ready.json";
const TARBALL_NAME = "pulumi-yandex-pdd.tgz";
// Folders (about 100 MB each, one per tarball) unused for this long are removed. Every preparation and
// every getProgramFolder() refreshes the folder's marker, so a concurrent run still using one keeps it.
const STALE_AFTER_MS = 10 * 60 * 1000;

export interface ProgramFolderInfo {
  /** The program folder: `package.json`, `Pulumi.yaml`, `node_modules/{pulumi-yandex-pdd,@pulumi/pulumi}`. */
  folder: string;
  /** sha256 of the packed tarball (npm pack normalises mtimes, so equal contents give equal hashes). */
  tarballHash: string;
  /** Paths inside the tarball, e.g. `dist/resources/provider.js`. */
  tarballFiles: string[];
  /** The exact `@pulumi/pulumi` version installed next to the package (the repository's own). */
  pulumiVersion: string;
  /** True when a folder for the same tarball already existed and was reused. */
  reused: boolean;
  /** Wall time of `npm install` when this run installed the folder. */
  installMs?: number;
  /** Wall time of the whole preparation (build, pack, install or reuse). */
  totalMs: number;
}

interface PrepareOptions {
  /** Run `npm run build` first (default true; skipped while dist is newer than every input). */
  build?: boolean;
  log?: (message: string) => void;
}

/** npm variables of an enclosing `npm test` would point a nested npm at this repository. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|config_local_prefix$)/i.test(key) || key === "INIT_CWD") {
      continue;
    }
    env[key] = value;
  }
  env.npm_config_update_notifier = "false";
  return env;
}

/** Readers in concurrent runs must never see a half-written file. */
function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

function run(cmd: string, args: string[], cwd: string): string {
  const result = spawnSync(cmd, args, { cwd, env: npmEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    throw new Error(
      `\`${cmd} ${args.join(" ")}\` in ${cwd} exited with ${result.status}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The `@pulumi/pulumi` version the repository itself uses (not the range in package.json). */
export function repoPulumiVersion(): string {
  const pkg = readJson<{ version: string }>(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"));
  if (!pkg) {
    throw new Error("node_modules/@pulumi/pulumi is missing: run `npm ci` first");
  }
  return pkg.version;
}

/** Set to `always` to run `npm run build` even when dist is newer than every source file. */
export const BUILD_ENV = "PDD_HARNESS_BUILD";

// Written after a successful build, with the build's start time as mtime: the build is fresh while no
// input is newer. Saves every jest run a tsc pass and keeps concurrent runs from rewriting dist.
const buildStamp = path.join(repoRoot, ".tmp", "harness-build-stamp");

function newestInputMtime(): number {
  let newest = 0;
  const visit = (p: string): void => {
    const stat = fs.statSync(p);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) {
        visit(path.join(p, entry));
      }
    }
  };
  for (const input of ["src", "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    if (fs.existsSync(path.join(repoRoot, input))) {
      visit(path.join(repoRoot, input));
    }
  }
  return newest;
}

function buildIsFresh(): boolean {
  try {
    return fs.existsSync(path.join(repoRoot, "dist")) && newestInputMtime() < fs.statSync(buildStamp).mtimeMs;
  } catch {
    return false;
  }
}

function build(log: (message: string) => void): void {
  if (process.env[BUILD_ENV] !== "always" && buildIsFresh()) {
    log("dist is newer than src; skipping npm run build");
    return;
  }
  const started = new Date();
  fs.rmSync(buildStamp, { force: true });
  const result = spawnSync("npm", ["run", "build"], { cwd: repoRoot, env: npmEnv(), encoding: "utf8" });
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim();
    if (process.env[ALLOW_BUILD_ERRORS_ENV] !== "1") {
      throw new Error(
        `npm run build failed (set ${ALLOW_BUILD_ERRORS_ENV}=1 to pack what tsc emitted anyway):\n${output}`,
      );
    }
    log(`npm run build failed; packing what tsc emitted because ${ALLOW_BUILD_ERRORS_ENV}=1`);
    return;
  }
  fs.mkdirSync(path.dirname(buildStamp), { recursive: true });
  fs.writeFileSync(buildStamp, `${started.toISOString()}\n`);
  fs.utimesSync(buildStamp, started, started);
}

interface PackResult {
  tarball: string;
  files: string[];
  dir: string;
}

function pack(): PackResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdd-harness-pack-"));
  // build() above made dist; --ignore-scripts keeps prepack from building it again (and under
  // concurrent runs that read it).
  const out = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], repoRoot);
  const [entry] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(dir, entry.filename), files: entry.files.map((f) => f.path).sort(), dir };
}

function removeStale(keep: string, log: (message: string) => void): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(programFoldersRoot);
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(programFoldersRoot, entry);
    if (full === keep) {
      continue;
    }
    try {
      // The marker's mtime is refreshed on every reuse; staging folders have none and age by the folder.
      const marker = path.join(full, READY_MARKER);
      const stamp = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : fs.statSync(full).mtimeMs;
      if (Date.now() - stamp > STALE_AFTER_MS) {
        fs.rmSync(full, { recursive: true, force: true });
        log(`removed stale program folder ${full}`);
      }
    } catch {
      // Another run may be removing or renaming it at the same time.
    }
  }
}

function install(folder: string, tarball: string, pulumiVersion: string, log: (m: string) => void): number {
  fs.mkdirSync(programFoldersRoot, { recursive: true });
  // Install into a private staging folder and rename it into place, so concurrent runs never see a
  // half-installed folder; the loser of the rename race discards its copy.
  const staging = path.join(
    programFoldersRoot,
    `.staging-${path.basename(folder)}-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  fs.mkdirSync(staging);
  try {
    fs.copyFileSync(tarball, path.join(staging, TARBALL_NAME));
    const manifest = { name: "pdd-harness-program", version: "0.0.0", private: true, license: "UNLICENSED" };
    fs.writeFileSync(path.join(staging, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.writeFileSync(
      path.join(staging, "Pulumi.yaml"),
      "name: pdd-harness-program\nruntime: nodejs\ndescription: Program folder for the engine test harness\n",
    );
    const started = Date.now();
    run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--no-update-notifier",
        `./${TARBALL_NAME}`,
        `@pulumi/pulumi@${pulumiVersion}`,
      ],
      staging,
    );
    const installMs = Date.now() - started;
    fs.writeFileSync(
      path.join(staging, READY_MARKER),
      JSON.stringify({ installMs, pulumiVersion, createdAt: new Date().toISOString() }),
    );
    try {
      fs.renameSync(staging, folder);
    } catch (err) {
      if (!fs.existsSync(path.join(folder, READY_MARKER))) {
        throw err;
      }
      log(`another run installed ${folder} first; using it`);
    }
    return installMs;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Builds the package (unless dist is fresh), packs it and installs the tarball with the repository's
 * exact `@pulumi/pulumi` into a program folder under `os.tmpdir()`, reusing an existing folder for the
 * same tarball hash.
 * Records the result for {@link getProgramFolder} (environment variable and pointer file).
 */
export function prepareProgramFolder(options: PrepareOptions = {}): ProgramFolderInfo {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  if (options.build ?? true) {
    build(log);
  }
  const pulumiVersion = repoPulumiVersion();
  const packed = pack();
  try {
    const tarballHash = createHash("sha256").update(fs.readFileSync(packed.tarball)).digest("hex");
    const folder = path.join(programFoldersRoot, `${tarballHash.slice(0, 16)}-pulumi-${pulumiVersion}`);
    const marker = path.join(folder, READY_MARKER);
    let installMs: number | undefined;
    const reused = fs.existsSync(marker);
    if (reused) {
      const now = new Date();
      fs.utimesSync(marker, now, now);
    } else {
      installMs = install(folder, packed.tarball, pulumiVersion, log);
    }
    removeStale(folder, log);
    const info: ProgramFolderInfo = {
      folder,
      tarballHash,
      tarballFiles: packed.files,
      pulumiVersion,
      reused,
      installMs,
      totalMs: Date.now() - started,
    };
    fs.mkdirSync(path.dirname(programFolderInfoFile), { recursive: true });
    writeJsonAtomic(programFolderInfoFile, info);
    writeJsonAtomic(path.join(folder, ".harness-info.json"), info);
    process.env[PROGRAM_FOLDER_ENV] = folder;
    return info;
  } finally {
    fs.rmSync(packed.dir, { recursive: true, force: true });
  }
}

/** The details of the program folder prepared by globalSetup for this run. */
export function getProgramFolderInfo(): ProgramFolderInfo {
  const fromEnv = process.env[PROGRAM_FOLDER_ENV];
  const info = fromEnv
    ? readJson<ProgramFolderInfo>(path.join(fromEnv, ".harness-info.json"))
    : readJson<ProgramFolderInfo>(programFolderInfoFile);
  if (!info || !fs.existsSync(path.join(info.folder, READY_MARKER))) {
    throw new Error(
      "No program folder: run the tests through jest (test/globalSetup.ts prepares it) or call prepareProgramFolder()",
    );
  }
  const now = new Date();
  fs.utimesSync(path.join(info.folder, READY_MARKER), now, now);
  return info;
}

/**
 * Keeps `folder` from being removed as stale by a concurrent run's preparation while a long run (the
 * bench: half an hour and more) still uses it: refreshes its marker now and every minute. Returns the
 * function that stops it. A folder without a marker (one not made here) is left alone.
 */
export function keepProgramFolder(folder: string, everyMs = 60_000): () => void {
  const marker = path.join(folder, READY_MARKER);
  const touch = () => {
    try {
      if (!fs.existsSync(marker)) return;
      const now = new Date();
      fs.utimesSync(marker, now, now);
    } catch {
      // Removed after all, or not ours to touch: the next spawn in it reports that.
    }
  };
  touch();
  const timer = setInterval(touch, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The program folder prepared by globalSetup: a directory where `pulumi-yandex-pdd` is installed. */
export function getProgramFolder(): string {
  return getProgramFolderInfo().folder;
}

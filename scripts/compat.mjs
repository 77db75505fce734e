#!/usr/bin/env node
// `npm run test:compat`: the engine-path tests again, with the newest @pulumi/pulumi on Node 22.
//
// `npm test` proves the oldest supported SDK (the repository's pinned 3.248.x, the last that runs on
// Node 20). This proves the newest one, which needs Node 22, without touching the repository's
// node_modules: in a scratch folder under the OS temp directory it installs a Node 22 binary (the
// `node` package on npm), packs this package, installs the tarball with `@pulumi/pulumi@latest` into a
// program folder, and runs jest itself under Node 22 with the harness pointed at that folder
// (PDD_HARNESS_PROGRAM_FOLDER). The provider hosts the tests start are spawned with
// `process.execPath`, so they run under Node 22 too (test/compat/versions.compat.ts checks it).
//
// Arguments are passed to jest (default: test/engine, test/compat and
// test/reliability/unconfirmedAdd.test.ts). Environment:
//   PDD_COMPAT_NODE     Node version spec to install (default 22)
//   PDD_COMPAT_PULUMI   @pulumi/pulumi version spec to test (default latest)
//   PDD_COMPAT_KEEP=1   keep the scratch folder for inspection
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nodeSpec = process.env.PDD_COMPAT_NODE || "22";
const pulumiSpec = process.env.PDD_COMPAT_PULUMI || "latest";
const jestArgs = process.argv.slice(2);
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`[compat] ${message}`);

// An enclosing `npm run` sets npm_* variables that would point nested npm commands at this repository.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^npm_(package_|lifecycle_|command$|config_local_prefix$)/i.test(key) && key !== "INIT_CWD",
  ),
);
env.npm_config_update_notifier = "false";

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: { ...env, ...options.env },
    encoding: "utf8",
    stdio: options.inherit ? "inherit" : "pipe",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(
      `\`${command} ${args.join(" ")}\` failed (${result.status})\n${result.stdout ?? ""}\n${result.stderr ?? ""}`,
    );
  }
  return result;
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const npmInstall = (prefix, specs) =>
  run("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-update-notifier", ...specs], {
    cwd: prefix,
  });

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pdd-compat-"));
let status = 1;
try {
  log(`scratch folder ${scratch}`);

  // 1. Node 22 from npm: the `node` package installs the platform's binary as node_modules/node/bin/node.
  let step = Date.now();
  const tools = path.join(scratch, "tools");
  fs.mkdirSync(tools);
  fs.writeFileSync(path.join(tools, "package.json"), '{ "name": "pdd-compat-tools", "private": true }\n');
  npmInstall(tools, [`node@${nodeSpec}`]);
  const node = path.join(tools, "node_modules", "node", "bin", "node");
  const nodeVersion = run(node, ["--version"]).stdout.trim();
  log(`node ${nodeVersion} installed (${seconds(step)})`);

  // 2. The package as users get it: build, then pack.
  step = Date.now();
  run("npm", ["run", "build"]);
  // Built just above: --ignore-scripts skips prepack's second build.
  const packed = JSON.parse(
    run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch]).stdout,
  )[0];
  const tarball = path.join(scratch, packed.filename);
  log(`packed ${packed.filename} (${seconds(step)})`);

  // 3. A program folder with the tarball and the newest SDK, laid out as the harness expects.
  step = Date.now();
  const program = path.join(scratch, "program");
  fs.mkdirSync(program);
  fs.copyFileSync(tarball, path.join(program, "pulumi-yandex-pdd.tgz"));
  fs.writeFileSync(
    path.join(program, "package.json"),
    '{ "name": "pdd-compat-program", "version": "0.0.0", "private": true, "license": "UNLICENSED" }\n',
  );
  fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: pdd-compat-program\nruntime: nodejs\n");
  npmInstall(program, ["./pulumi-yandex-pdd.tgz", `@pulumi/pulumi@${pulumiSpec}`]);
  const pulumiVersion = readJson(
    path.join(program, "node_modules", "@pulumi", "pulumi", "package.json"),
  ).version;
  const repoPulumi = readJson(path.join(root, "node_modules", "@pulumi", "pulumi", "package.json")).version;
  const info = {
    folder: program,
    tarballHash: createHash("sha256").update(fs.readFileSync(tarball)).digest("hex"),
    tarballFiles: packed.files.map((f) => f.path).sort(),
    pulumiVersion,
    reused: false,
    installMs: Date.now() - step,
    totalMs: Date.now() - started,
  };
  fs.writeFileSync(path.join(program, ".harness-info.json"), `${JSON.stringify(info, null, 2)}\n`);
  fs.writeFileSync(path.join(program, ".harness-ready.json"), `${JSON.stringify({ pulumiVersion })}\n`);
  log(`@pulumi/pulumi ${pulumiVersion} installed next to the package (${seconds(step)})`);

  // 4. Jest itself under Node 22, pointed at that folder.
  step = Date.now();
  log(
    `running jest on node ${nodeVersion} with @pulumi/pulumi ${pulumiVersion} (npm test covers ${repoPulumi} on ${process.version})`,
  );
  // The engine tests, the compat checks, and the partial-failure path of the reliability suite (it depends
  // on how the SDK's provider host reports a create that failed with an id).
  const tests =
    jestArgs.length > 0
      ? jestArgs
      : ["test/engine", "test/compat", "test/reliability/unconfirmedAdd.test.ts"];
  const jest = run(
    node,
    [
      path.join(root, "node_modules", "jest", "bin", "jest.js"),
      "--config",
      "test/compat/jest.config.js",
      ...tests,
    ],
    {
      inherit: true,
      allowFailure: true,
      env: {
        PDD_HARNESS_PROGRAM_FOLDER: program,
        PDD_COMPAT_NODE_VERSION: nodeVersion,
        PDD_COMPAT_PULUMI_VERSION: pulumiVersion,
      },
    },
  );
  status = jest.status ?? 1;
  log(`jest ${status === 0 ? "passed" : `failed (${status})`} in ${seconds(step)}`);
  log(
    `${status === 0 ? "PASS" : "FAIL"}: node ${nodeVersion}, @pulumi/pulumi ${pulumiVersion}, ${tests.join(" ")}; ${seconds(started)} in all`,
  );
} catch (err) {
  console.error(`[compat] ${err instanceof Error ? err.message : String(err)}`);
  status = 1;
} finally {
  if (process.env.PDD_COMPAT_KEEP === "1") log(`kept ${scratch}`);
  else fs.rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = status;

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import {
  captureRegistrations,
  engineCreate,
  engineDelete,
  engineRefresh,
  engineUpdate,
  getProgramFolder,
  getProgramFolderInfo,
  isSecret,
  ProviderHostError,
  repoRoot,
  startProviderHost,
} from "../harness";
import type { CapturedResource, ProviderHost } from "../harness";
import type * as providerModule from "../../src/resources/provider";

type ProviderModule = typeof providerModule;

// The harness is proven against a fake implementation, independent of the real resources.
const TOKEN = "harness-secret-token-7f3a9c";
const FAKE_IMPL = `"use strict";
const fs = require("fs");
let config;
function record(method, args) {
  if (process.env.HARNESS_FAKE_LOG) {
    fs.appendFileSync(process.env.HARNESS_FAKE_LOG, JSON.stringify({ method, args }) + "\\n");
  }
}
function strip(props) {
  const { __provider, ...rest } = props || {};
  return rest;
}
exports.configure = async (req) => {
  config = { token: req.config.get("pdd:token"), endpoint: req.config.get("pdd:endpoint") };
  record("configure", [config]);
};
exports.check = async (olds, news) => {
  record("check", [strip(olds), strip(news)]);
  if (news.value === "explode-in-check") throw new Error("fake check exploded");
  if (typeof news.name !== "string" || news.name === "") {
    return { inputs: news, failures: [{ property: "name", reason: "name is required" }] };
  }
  return { inputs: { ...news, name: news.name.toLowerCase() } };
};
exports.diff = async (id, olds, news) => {
  record("diff", [id, strip(olds), strip(news)]);
  const replaces = olds.zone !== news.zone ? ["zone"] : [];
  const changes = replaces.length > 0 || olds.name !== news.name || olds.value !== news.value;
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
};
exports.create = async (inputs) => {
  record("create", [strip(inputs)]);
  if (inputs.value === "fail-create") throw new Error("PDD said: create refused");
  if (inputs.value === "fail-after-create") {
    throw Object.assign(new Error("created but not ready"), {
      id: "half-" + inputs.name,
      properties: { name: inputs.name },
      reasons: ["not ready"],
    });
  }
  const id = "rec-" + inputs.name + "-" + inputs.zone;
  return { id, outs: { ...strip(inputs), recordId: 42, configured: config !== undefined } };
};
exports.read = async (id, props) => {
  record("read", [id, strip(props)]);
  if (props.value === "gone") return { id: "", props: {} };
  return {
    id,
    props: { ...strip(props), refreshed: true },
    inputs: { name: props.name, zone: props.zone, value: props.value },
  };
};
exports.update = async (id, olds, news) => {
  record("update", [id, strip(olds), strip(news)]);
  if (news.value === "fail-update") throw new Error("PDD said: update refused");
  return { outs: { ...strip(news), recordId: olds.recordId, updated: true } };
};
exports.delete = async (id, props) => {
  record("delete", [id, strip(props)]);
  if (props.value === "fail-delete") throw new Error("PDD said: delete refused");
};
`;

// Shaped like src/resources/provider.ts: each method loads the implementation at run time.
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = {
  async configure(req) { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl").configure(req); },
  async check(olds, news) { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl").check(olds, news); },
  async diff(id, olds, news) { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl").diff(id, olds, news); },
  async create(inputs) { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl").create(inputs); },
  async read(id, props) { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl").read(id, props); },
  async update(id, olds, news) { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl").update(id, olds, news); },
  async delete(id, props) { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl").delete(id, props); },
};
// Same implementation, different text: the host configures each distinct __provider string once.
function load() { return require("module").createRequire(require("path").join(process.cwd(), "program"))("harness-fake-impl"); }
const otherProvider = {
  configure: async (req) => load().configure(req),
  check: async (olds, news) => load().check(olds, news),
  create: async (inputs) => load().create(inputs),
};
class FakeRecord extends pulumi.dynamic.Resource {
  constructor(name, args, opts) { super(provider, name, args, opts, "harness", "FakeRecord"); }
}
const cfg = new pulumi.Config("pdd");
const a = new FakeRecord("a", { name: "WWW", zone: "example.com", value: "1.2.3.4", password: pulumi.secret("pw-1") });
const b = new FakeRecord("b", { name: "Mail", zone: "example.com", value: "5.6.7.8" });
new pulumi.dynamic.Resource(otherProvider, "c", { name: "Other", zone: "example.com", value: "x" }, {}, "harness", "OtherRecord");
cfg.requireSecret("token").apply((t) => console.log("program saw a token of length", t.length));
module.exports = { aId: a.id, bUrn: b.urn, endpoint: cfg.require("endpoint") };
`;

interface LogEntry {
  method: string;
  args: unknown[];
}

function readLog(file: string): LogEntry[] {
  if (!fs.existsSync(file)) {
    return [];
  }
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogEntry);
}

/** Writes atomically: concurrent jest runs share the program folder. */
function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function byName(resources: CapturedResource[], name: string): CapturedResource {
  const found = resources.find((r) => r.name === name);
  if (!found) {
    throw new Error(`no resource ${name} in ${resources.map((r) => r.name).join(", ")}`);
  }
  return found;
}

/** The names a serialized closure captures: the keys of every `with({ ... })` environment. */
function capturedNames(text: string): string[] {
  const names = new Set<string>();
  for (const [, env] of text.matchAll(/with\(\{ (.*) \}\)/g)) {
    for (const [, key] of env.matchAll(/(\w+): /g)) {
      names.add(key);
    }
  }
  return [...names].sort();
}

describe("engine harness with a fake implementation", () => {
  let folder: string;
  let tmp: string;

  beforeAll(() => {
    folder = getProgramFolder();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pdd-harness-test-"));
    const implDir = path.join(folder, "node_modules", "harness-fake-impl");
    writeFileAtomic(path.join(implDir, "package.json"), '{"name":"harness-fake-impl","version":"0.0.0"}\n');
    writeFileAtomic(path.join(implDir, "index.js"), FAKE_IMPL);
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("drives capture, Configure, Check, Diff, Create, Read, Update and Delete like the engine", async () => {
    const captured = await captureRegistrations({
      cwd: folder,
      program: PROGRAM,
      config: { "pdd:token": TOKEN, "pdd:endpoint": "http://127.0.0.1:9" },
      secretKeys: ["pdd:token"],
    });

    // What the SDK really registers (in the order registrations complete, not program order).
    expect(captured.resources.map((r) => `${r.type}/${r.name}`).sort()).toEqual([
      "pulumi-nodejs:dynamic/harness:FakeRecord/a",
      "pulumi-nodejs:dynamic/harness:FakeRecord/b",
      "pulumi-nodejs:dynamic/harness:OtherRecord/c",
    ]);
    const a = byName(captured.resources, "a");
    const b = byName(captured.resources, "b");
    const c = byName(captured.resources, "c");
    expect(a.urn).toBe("urn:pulumi:stack::project::pulumi-nodejs:dynamic/harness:FakeRecord::a");
    expect(a.id).toBe("a_id");
    expect(isSecret(a.inputs.password)).toBe(true);
    expect(captured.exports).toEqual({ aId: "a_id", bUrn: b.urn, endpoint: "http://127.0.0.1:9" });
    expect(captured.stdout).toContain(`program saw a token of length ${TOKEN.length}`);

    // The serialized provider: one string per provider object, small, and free of captured values.
    const providerText = a.inputs.__provider as string;
    expect(typeof providerText).toBe("string");
    expect(b.inputs.__provider).toBe(providerText);
    expect(c.inputs.__provider).not.toBe(providerText);
    expect(Buffer.byteLength(providerText)).toBeLessThan(3 * 1024);
    expect(capturedNames(providerText)).toEqual(["arguments", "provider", "this"]);
    expect(providerText).toContain(
      'require("module").createRequire(require("path").join(process.cwd(), "program"))',
    );
    expect(providerText).not.toContain(TOKEN);

    const logFile = path.join(tmp, "calls.jsonl");
    const host: ProviderHost = await startProviderHost({ cwd: folder, env: { HARNESS_FAKE_LOG: logFile } });
    try {
      expect(
        await host.configure(
          { "pdd:token": TOKEN, "pdd:endpoint": "http://127.0.0.1:9" },
          { secretKeys: ["pdd:token"] },
        ),
      ).toEqual({ acceptSecrets: false, supportsPreview: false });

      // Check failures come back as data, not as errors.
      const invalid = await host.check(a.urn, {}, { ...a.inputs, password: "pw-1", name: "" });
      expect(invalid.failures).toEqual([{ property: "name", reason: "name is required" }]);

      // up: Check(olds={}, news) then Create(checked inputs); secrets arrive as plain values.
      let state = await engineCreate(host, a.urn, a.inputs);
      expect(state.id).toBe("rec-www-example.com");
      expect(state.inputs).toMatchObject({ name: "www", password: "pw-1", __provider: providerText });
      expect(state.outputs).toMatchObject({ recordId: 42, configured: true, __provider: providerText });

      // up again, unchanged: Check then Diff only.
      let step = await engineUpdate(host, state, a.inputs);
      expect(step.action).toBe("same");
      expect(step.diff).toEqual({
        changes: "none",
        replaces: [],
        stables: [],
        deleteBeforeReplace: false,
        diffs: [],
      });

      // up with a changed value: Check, Diff (olds = outputs), Update(olds = outputs, news = checked).
      step = await engineUpdate(host, state, { ...a.inputs, value: "9.9.9.9" });
      expect(step.action).toBe("update");
      state = step.state;
      expect(state.outputs).toMatchObject({
        value: "9.9.9.9",
        recordId: 42,
        updated: true,
        __provider: providerText,
      });

      // refresh: Read(id, props = outputs, inputs = old inputs); returned inputs replace the old ones.
      const refreshed = await engineRefresh(host, state);
      expect(refreshed?.outputs).toMatchObject({ refreshed: true, __provider: providerText });
      expect(refreshed?.inputs).toEqual({
        name: "www",
        zone: "example.com",
        value: "9.9.9.9",
        __provider: providerText,
      });

      // up with a replacing change: deleteBeforeReplace deletes first, then Check(olds={}) and Create.
      step = await engineUpdate(host, state, { ...a.inputs, value: "9.9.9.9", zone: "example.org" });
      expect(step.action).toBe("replace");
      expect(step.diff).toMatchObject({ changes: "some", replaces: ["zone"], deleteBeforeReplace: true });
      expect(step.state.id).toBe("rec-www-example.org");

      // destroy.
      await engineDelete(host, step.state);

      // Errors: the rejection's message is the provider's message, for every kind of RPC.
      const checkedInputs = step.state.inputs;
      await expect(host.create(a.urn, { ...checkedInputs, value: "fail-create" })).rejects.toThrow(
        new ProviderHostError("create", 2, "PDD said: create refused"),
      );
      await expect(
        host.check(a.urn, {}, { ...checkedInputs, value: "explode-in-check" }),
      ).rejects.toMatchObject({
        message: "fake check exploded",
        method: "check",
      });
      await expect(
        host.update(step.state.id, a.urn, step.state.outputs, { ...checkedInputs, value: "fail-update" }),
      ).rejects.toThrow("PDD said: update refused");
      await expect(
        host.delete(step.state.id, a.urn, { ...step.state.outputs, value: "fail-delete" }),
      ).rejects.toThrow("PDD said: delete refused");
      // A create that fails after the resource exists carries its id (the engine records it).
      await expect(
        host.create(a.urn, { ...checkedInputs, value: "fail-after-create" }),
      ).rejects.toMatchObject({
        message: "created but not ready",
        initFailed: { id: "half-www", properties: { name: "www" }, reasons: ["not ready"] },
      });
      // A Read reporting the resource gone comes back with an empty id.
      expect(
        await engineRefresh(host, { ...step.state, outputs: { ...step.state.outputs, value: "gone" } }),
      ).toBe(undefined);

      // configure ran once for this provider string, with the token unwrapped from its secret marker.
      let calls = readLog(logFile);
      expect(calls.filter((call) => call.method === "configure")).toEqual([
        { method: "configure", args: [{ token: TOKEN, endpoint: "http://127.0.0.1:9" }] },
      ]);
      expect(calls.find((call) => call.method === "check")?.args[1]).toMatchObject({ password: "pw-1" });
      // The engine's call order: up, up (same), up (update), refresh, up (replace), destroy, errors.
      expect(calls.map((call) => call.method).join(" ")).toBe(
        [
          "configure check",
          "check create",
          "check diff",
          "check diff update",
          "read",
          "check diff delete check create",
          "delete",
          "create check update delete create read",
        ].join(" "),
      );

      // A second provider string is configured again, on its first use.
      await engineCreate(host, c.urn, c.inputs);
      calls = readLog(logFile);
      expect(calls.filter((call) => call.method === "configure")).toHaveLength(2);

      // Nothing the host printed (including the errors it logs) contains the token.
      expect(host.logs().join("\n")).not.toContain(TOKEN);
      expect(host.logs().join("\n")).toContain("fake check exploded");
    } finally {
      await host.close();
    }
  });

  it("fails inside configure when the engine's Configure has not arrived", async () => {
    const captured = await captureRegistrations({
      cwd: folder,
      program: PROGRAM,
      config: { "pdd:token": "t", "pdd:endpoint": "e" },
    });
    const a = byName(captured.resources, "a");
    const host = await startProviderHost({ cwd: folder });
    try {
      await expect(host.check(a.urn, {}, { ...a.inputs, password: "p" })).rejects.toThrow(
        /Cannot read properties of undefined/,
      );
    } finally {
      await host.close();
    }
  });

  it("reports a program's failure with its stderr", async () => {
    await expect(
      captureRegistrations({ cwd: folder, program: 'throw new Error("program broke");' }),
    ).rejects.toThrow(/program broke/);
  });
});

describe("provider host in the repository root", () => {
  const PROBE = `"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = {
  async create(inputs) {
    const local = require("module").createRequire(require("path").join(process.cwd(), "program"));
    let bare;
    try {
      require.resolve("pulumi-yandex-pdd/package.json");
      bare = "resolved";
    } catch (err) {
      bare = err.code;
    }
    return {
      id: "probe",
      outs: {
        packageJson: local.resolve("pulumi-yandex-pdd/package.json"),
        runtime: inputs.runtimeModule ? local.resolve("pulumi-yandex-pdd/runtime/" + inputs.runtimeModule) : null,
        bare,
      },
    };
  },
};
module.exports = { id: new pulumi.dynamic.Resource(provider, "probe", { runtimeModule: process.env.PROBE_RUNTIME_MODULE || "" }).id };
`;

  it("resolves the package by self-reference from the program's working directory", async () => {
    // What the shim relies on when the program is this repository (the root Pulumi.yaml).
    expect(createRequire(path.join(repoRoot, "program")).resolve("pulumi-yandex-pdd/package.json")).toBe(
      path.join(repoRoot, "package.json"),
    );

    // Any built runtime module proves the "./runtime/*" export; none may exist yet while they are written.
    const runtimeDir = path.join(repoRoot, "dist", "runtime");
    const runtimeModule = fs.existsSync(runtimeDir)
      ? (fs
          .readdirSync(runtimeDir)
          .find((f) => f.endsWith(".js"))
          ?.replace(/\.js$/, "") ?? "")
      : "";

    const captured = await captureRegistrations({
      cwd: repoRoot,
      program: PROBE,
      env: { PROBE_RUNTIME_MODULE: runtimeModule },
    });
    const [probe] = captured.resources;
    const host = await startProviderHost({ cwd: repoRoot });
    try {
      await host.configure({});
      const created = await engineCreate(host, probe.urn, probe.inputs);
      expect(created.outputs).toMatchObject({
        packageJson: path.join(repoRoot, "package.json"),
        runtime: runtimeModule ? path.join(runtimeDir, `${runtimeModule}.js`) : null,
        // A bare require in serialized code has no file to self-reference from.
        bare: "MODULE_NOT_FOUND",
      });
    } finally {
      await host.close();
    }
  });
});

describe("__provider text (src/resources/provider.ts)", () => {
  const providerPath = (): string =>
    path.join(getProgramFolder(), "node_modules", "pulumi-yandex-pdd", "dist", "resources", "provider.js");
  const shipped = (): boolean => getProgramFolderInfo().tarballFiles.includes("dist/resources/provider.js");
  // The installed package's own module, as a program loads it.
  const installed = (): ProviderModule => createRequire(providerPath())(providerPath()) as ProviderModule;
  const resources = {
    PddDnsRecord: "dnsRecord",
    PddDomainLogo: "domainLogo",
    PddImportCheck: "importCheck",
  } as const;

  it("ships in the tarball", () => {
    expect(shipped()).toBe(true);
  });

  it("is small, fixed, and loads only the runtime module from the program's directory", () => {
    const { providerText } = installed();
    for (const name of Object.values(resources)) {
      const text = providerText(name);
      expect(providerText(name)).toBe(text);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(256);
      expect(text).toBe(
        'exports.handler = () => require("module").createRequire(require("path").join(process.cwd(), "program"))' +
          `("pulumi-yandex-pdd/runtime/${name}");\n`,
      );
    }
  });

  it("hands the provider host the runtime module, resolved from the host's working directory", () => {
    const { providerText } = installed();
    const folder = getProgramFolder();
    for (const name of Object.values(resources)) {
      // What require-from-string does with the text, with the host's cwd set to the program folder.
      const module = { exports: {} as { handler?: () => unknown } };
      const evaluate = new Function("exports", "require", "process", providerText(name)) as (
        exports: object,
        require: NodeJS.Require,
        process: { cwd(): string },
      ) => void;
      evaluate(module.exports, require, { cwd: () => folder });
      const provider = module.exports.handler!() as Record<string, unknown>;
      const runtime = createRequire(path.join(folder, "program"))(
        `pulumi-yandex-pdd/runtime/${name}`,
      ) as object;
      expect(provider).toBe(runtime);
      for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
        expect(typeof provider[method]).toBe("function");
      }
    }
  });

  it("is what every resource of the installed package registers, under its dynamic type", async () => {
    if (!shipped()) {
      return;
    }
    const captured = await captureRegistrations({
      cwd: getProgramFolder(),
      program: `"use strict";
const pdd = require("pulumi-yandex-pdd");
new pdd.PddDnsRecord("r", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.1" });
new pdd.PddDomainLogo("l", { domain: "example.com", contentBase64: "iVBORw0KGgo=" });
new pdd.PddImportCheck("c", { domain: "example.com", server: "imap.example.org", method: "imap" });
`,
    });
    const { dynamicType, providerText } = installed();
    expect(captured.resources.map((r) => [r.type, r.inputs.__provider]).sort()).toEqual(
      Object.entries(resources)
        .map(([resource, name]) => [dynamicType(resource), providerText(name)])
        .sort(),
    );
    expect(captured.resources.map((r) => r.type).sort()).toEqual([
      "pulumi-nodejs:dynamic/pdd:PddDnsRecord",
      "pulumi-nodejs:dynamic/pdd:PddDomainLogo",
      "pulumi-nodejs:dynamic/pdd:PddImportCheck",
    ]);
  });
});

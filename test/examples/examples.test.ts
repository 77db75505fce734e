/**
 * Runs each example's `index.ts` under `pulumi.runtime.setMocks`, in this process, and checks what it
 * registers: resource names, type tokens, the inputs that came from other resources' outputs, and
 * the explicit and per-property dependencies the engine would see. `getPddDomainsOutput` is real: it
 * talks to a pdd-emulator started here.
 *
 * The examples import `pulumi-yandex-pdd` by package name, as users do. They are loaded with a
 * `require` that hands them this repository's source (`src/index.ts`) for that name and the
 * repository's own `@pulumi/pulumi` and `@pulumi/random`, so one SDK instance (the one the mocks are
 * set on) serves the program whatever an example folder may have installed. Any other import that is
 * not a Node built-in (for example a relative import of the source) fails the test.
 *
 * The quickstart and ci-preview also run in a child process from the harness's program folder, where
 * the package is installed from its `npm pack` tarball as users get it. A program that fails (an
 * Output whose callback throws) is only observable there: in this process jest would count the
 * SDK's unawaited rejections against the test.
 */
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as ts from "typescript";
import * as pdd from "../../src/index";
import type { PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import * as dnsRecordRuntime from "../../src/runtime/dnsRecord";
import * as domainLogoRuntime from "../../src/runtime/domainLogo";
import * as importCheckRuntime from "../../src/runtime/importCheck";
import { captureRegistrations, getProgramFolder } from "../harness";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");
const TOKEN = "dev-token";
const DOMAINS = ["example.com", "example.org"];

const TYPES = {
  record: "pulumi-nodejs:dynamic/pdd:PddDnsRecord",
  logo: "pulumi-nodejs:dynamic/pdd:PddDomainLogo",
  importCheck: "pulumi-nodejs:dynamic/pdd:PddImportCheck",
  randomId: "random:index/randomId:RandomId",
  randomInteger: "random:index/randomInteger:RandomInteger",
} as const;

/** What the mocked providers answer for outputs that only exist after a create. */
const MOCK = {
  randomHex: "5f0c2a9e7d3b41c8a6e2f4d1b8c7e9a3",
  randomInteger: 42,
  logoUrl: "https://logo.example.test/example.com.png",
  checkedAt: "2025-01-02T03:04:05.000Z",
};

/** The packages an example may import, mapped to the instances this test uses. */
const PACKAGES: Record<string, unknown> = {
  "@pulumi/pulumi": pulumi,
  "@pulumi/random": random,
  "pulumi-yandex-pdd": pdd,
};

type Props = Record<string, unknown>;

interface Registration {
  type: string;
  name: string;
  inputs: Props;
  urn: string;
  /** URNs of explicit `dependsOn` resources. */
  dependsOn: string[];
  /** Per input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  retainOnDelete: boolean;
}

interface ExampleRun {
  resources: Registration[];
  exports: Record<string, unknown>;
}

/** Loads `examples/<name>/index.ts` as CommonJS, as the Pulumi language host would after ts-node. */
function loadExample(name: string): Record<string, unknown> {
  const dir = path.join(EXAMPLES, name);
  const file = path.join(dir, "index.ts");
  const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const requireForExample = (id: string): unknown => {
    if (Object.prototype.hasOwnProperty.call(PACKAGES, id)) return PACKAGES[id];
    if (id.startsWith("node:") || builtinModules.includes(id)) return jest.requireActual(id);
    throw new Error(`examples/${name}/index.ts imports ${JSON.stringify(id)}, which examples may not use`);
  };
  const module = { exports: {} as Record<string, unknown> };
  const run = new Function("exports", "require", "module", "__filename", "__dirname", outputText);
  run(module.exports, requireForExample, module, file, dir);
  return module.exports;
}

/** The state a provider would return after a create: the inputs plus the type's computed outputs. */
function mockState(type: string, inputs: Props, nextRecordId: () => number): Props {
  switch (type) {
    case TYPES.record: {
      const subdomain = typeof inputs.subdomain === "string" ? inputs.subdomain : "@";
      const domain = String(inputs.domain);
      return {
        ...inputs,
        recordId: nextRecordId(),
        fqdn: subdomain === "@" ? domain : `${subdomain}.${domain}`,
      };
    }
    case TYPES.logo:
      return { ...inputs, sha256: "0".repeat(64), sizeBytes: 92, format: "png", logoUrl: MOCK.logoUrl };
    case TYPES.importCheck:
      return { ...inputs, checkedAt: MOCK.checkedAt };
    case TYPES.randomId:
      return { ...inputs, hex: MOCK.randomHex, b64Url: "XwwqnnsC", b64Std: "XwwqnnsC", dec: "1" };
    case TYPES.randomInteger:
      return { ...inputs, result: MOCK.randomInteger };
    default:
      return inputs;
  }
}

/**
 * Resolves an exported value (Outputs included, nested in objects and arrays) as `pulumi stack output`
 * shows it, rejecting when the program failed to compute it. `promise()` is the SDK's internal
 * accessor; `apply` alone would never call back for a failed Output.
 */
function resolveExport(value: unknown): Promise<unknown> {
  return (pulumi.output(value) as unknown as { promise(): Promise<unknown> }).promise();
}

interface RegisterRequest {
  getName(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getRetainondelete(): boolean;
}

interface Monitor {
  registerResource(req: RegisterRequest, callback: (err: unknown, res: unknown) => void): Promise<void>;
}

const runtimeInternals = pulumi.runtime as unknown as {
  getMonitor(): Monitor | undefined;
  waitForRPCs(): Promise<void>;
};

/** Runs one example program under mocks with the given stack config and collects what it registered. */
async function runExample(
  name: string,
  project: string,
  config: Record<string, string>,
): Promise<ExampleRun> {
  const registrations: Registration[] = [];
  const requests = new Map<string, RegisterRequest>();
  let recordIds = 1000;
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const req = requests.get(args.name);
        const propertyDependencies: Record<string, string[]> = {};
        req?.getPropertydependenciesMap().forEach((value, key) => {
          propertyDependencies[key] = value.getUrnsList();
        });
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Props,
          urn: `urn:pulumi:dev::${project}::${args.type}::${args.name}`,
          dependsOn: req?.getDependenciesList() ?? [],
          propertyDependencies,
          retainOnDelete: req?.getRetainondelete() ?? false,
        });
        return {
          id: `${args.name}_id`,
          state: mockState(args.type, args.inputs as Props, () => recordIds++),
        };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    project,
    "dev",
    false,
  );
  // The mocks do not pass dependencies on to `newResource`; read them from the request itself.
  const monitor = runtimeInternals.getMonitor();
  if (monitor === undefined) throw new Error("setMocks installed no monitor");
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    requests.set(req.getName(), req);
    return registerResource(req, callback);
  };
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([key, value]) => [key.includes(":") ? key : `${project}:${key}`, value]),
    ),
    ["pdd:token"],
  );

  const exported = loadExample(name);
  const exports: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) exports[key] = await resolveExport(value);
  // Registrations can chain further registrations; drain the SDK's RPC queue until nothing new arrives.
  for (let seen = -1; seen !== registrations.length;) {
    seen = registrations.length;
    await runtimeInternals.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { resources: registrations, exports };
}

function byName(run: ExampleRun, name: string): Registration {
  const found = run.resources.find((r) => r.name === name);
  if (found === undefined) {
    throw new Error(`no resource named ${name}; registered: ${run.resources.map((r) => r.name).join(", ")}`);
  }
  return found;
}

/** The provider's own `check` (what `pulumi preview` runs) must accept every registered input. */
async function expectProviderChecksPass(run: ExampleRun): Promise<void> {
  const runtimes: Record<string, { check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> }> = {
    [TYPES.record]: dnsRecordRuntime,
    [TYPES.logo]: domainLogoRuntime,
    [TYPES.importCheck]: importCheckRuntime,
  };
  for (const resource of run.resources) {
    const runtime = runtimes[resource.type];
    if (runtime === undefined) continue;
    const { __provider: _provider, ...inputs } = resource.inputs;
    const result = await runtime.check({}, inputs);
    expect({ name: resource.name, failures: result.failures ?? [] }).toEqual({
      name: resource.name,
      failures: [],
    });
  }
}

function expectSerializedProviders(run: ExampleRun): void {
  for (const resource of run.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))) {
    const provider = resource.inputs.__provider;
    expect(typeof provider).toBe("string");
    expect(provider as string).toContain("pulumi-yandex-pdd/runtime/");
    expect(provider as string).not.toContain(TOKEN);
  }
}

let emulator: PddEmulator;
let pddConfig: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, token: TOKEN, domains: DOMAINS });
  pddConfig = { "pdd:endpoint": emulator.url, "pdd:token": TOKEN };
});

afterAll(async () => {
  await emulator?.close();
});

describe("examples/quickstart", () => {
  let run: ExampleRun;

  beforeAll(async () => {
    run = await runExample("quickstart", "pdd-quickstart", {
      ...pddConfig,
      domain: "example.com",
      webIp: "198.51.100.7",
      importServer: "127.0.0.1",
      importPort: "1143",
      importSsl: "false",
    });
  });

  it("registers the records, the logo and the import check with their type tokens", () => {
    expect(run.resources.map((r) => [r.name, r.type]).sort()).toEqual(
      [
        ["apex", TYPES.record],
        ["www", TYPES.record],
        ["mx", TYPES.record],
        ["spf", TYPES.record],
        ["logo", TYPES.logo],
        ["import-check", TYPES.importCheck],
      ].sort(),
    );
    expectSerializedProviders(run);
  });

  it("takes the domain, the web address and the import server from the stack config", () => {
    expect(byName(run, "apex").inputs).toMatchObject({
      domain: "example.com",
      type: "A",
      subdomain: "@",
      content: "198.51.100.7",
    });
    expect(byName(run, "www").inputs).toMatchObject({ subdomain: "www", content: "198.51.100.7" });
    expect(byName(run, "import-check").inputs).toMatchObject({
      domain: "example.com",
      server: "127.0.0.1",
      method: "imap",
      ssl: false,
      port: 1143,
    });
  });

  it("adopts the MX and SPF records Yandex creates, and keeps them on destroy", () => {
    for (const name of ["mx", "spf"]) {
      expect(byName(run, name).inputs).toMatchObject({ adoptExisting: true });
      expect(byName(run, name).retainOnDelete).toBe(true);
    }
    expect(byName(run, "mx").inputs).toMatchObject({ type: "MX", content: "mx.yandex.net.", priority: 10 });
    expect(byName(run, "spf").inputs).toMatchObject({
      type: "TXT",
      content: "v=spf1 redirect=_spf.yandex.net",
    });
  });

  it("ships a logo the provider accepts, by an absolute path inside the example", () => {
    const file = byName(run, "logo").inputs.file as string;
    expect(path.isAbsolute(file)).toBe(true);
    expect(file).toBe(path.join(EXAMPLES, "quickstart", "logo.png"));
  });

  it("passes the provider's own checks", async () => {
    await expectProviderChecksPass(run);
  });

  it("exports values built from the resources and from getPddDomainsOutput", () => {
    expect(run.exports).toMatchObject({
      records: {
        apex: "example.com",
        www: "www.example.com",
        mx: "example.com MX 10 mx.yandex.net.",
        spf: "v=spf1 redirect=_spf.yandex.net",
      },
      recordIds: ["apex_id", "www_id", "mx_id", "spf_id"],
      logoUrl: MOCK.logoUrl,
      importCheckedAt: MOCK.checkedAt,
      accountDomains: DOMAINS,
    });
    expect(typeof run.exports.domainStatus).toBe("string");
    expect(run.exports.domainStatus).not.toBe("not on this account");
  });

  it("skips the import check when no import server is configured", async () => {
    const plain = await runExample("quickstart", "pdd-quickstart-plain", { ...pddConfig });
    expect(plain.resources.map((r) => r.name).sort()).toEqual(["apex", "logo", "mx", "spf", "www"]);
    expect(byName(plain, "apex").inputs).toMatchObject({ domain: "example.com", content: "203.0.113.10" });
    expect(plain.exports.importCheckedAt).toBeUndefined();
  });
});

describe("examples/quickstart deployed through the provider, as `pulumi up` and `pulumi destroy` would", () => {
  // What `npm run demo` shows with the Pulumi CLI: each registered resource goes through the
  // provider's check and create (in registration order, which follows dependencies) against a fresh
  // emulator, then delete in reverse order, skipping what is marked retainOnDelete.
  let fresh: PddEmulator;
  let imap: net.Server;
  let imapPort: number;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    fresh = await startEmulator({ port: 0, token: TOKEN, domains: ["example.com"] });
    imap = net.createServer((socket) => {
      sockets.add(socket.once("close", () => sockets.delete(socket)));
      socket.end("* OK test IMAP server ready\r\n");
    });
    await new Promise<void>((resolve) => imap.listen(0, "127.0.0.1", resolve));
    imapPort = (imap.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await fresh?.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => imap?.close(resolve));
  });

  it("creates the records, adopts MX and SPF, uploads the logo, passes the import check, and cleans up", async () => {
    const run = await runExample("quickstart", "pdd-quickstart-deploy", {
      "pdd:endpoint": fresh.url,
      "pdd:token": TOKEN,
      importServer: "127.0.0.1",
      importPort: String(imapPort),
      importSsl: "false",
    });
    const runtimes: Record<string, pulumi.dynamic.ResourceProvider> = {
      [TYPES.record]: dnsRecordRuntime,
      [TYPES.logo]: domainLogoRuntime,
      [TYPES.importCheck]: importCheckRuntime,
    };
    const settings: Record<string, string> = { "pdd:endpoint": fresh.url, "pdd:token": TOKEN };
    const configure = { config: { get: (key: string) => settings[key] } } as pulumi.dynamic.ConfigureRequest;
    for (const runtime of Object.values(runtimes)) await runtime.configure?.(configure);

    const seeded = fresh.records("example.com");
    const created: { resource: Registration; id: string; outs: Props }[] = [];
    for (const resource of run.resources) {
      const runtime = runtimes[resource.type];
      const { __provider: _provider, ...inputs } = resource.inputs;
      const checked = await runtime.check!({}, inputs);
      expect(checked.failures ?? []).toEqual([]);
      const { id, outs } = await runtime.create!(checked.inputs);
      created.push({ resource, id, outs: outs as Props });
    }

    const records = fresh.records("example.com");
    const find = (type: string, subdomain: string) =>
      records.filter((r) => r.type === type && r.subdomain === subdomain);
    expect(find("A", "@").map((r) => r.content)).toEqual(["203.0.113.10"]);
    expect(find("A", "www").map((r) => r.content)).toEqual(["203.0.113.10"]);
    // Adopted, not duplicated: still the one MX and the one SPF record the domain was seeded with.
    for (const type of ["MX", "TXT"]) {
      expect(find(type, "@").map((r) => r.record_id)).toEqual(
        seeded.filter((r) => r.type === type && r.subdomain === "@").map((r) => r.record_id),
      );
    }
    const logo = fresh.logo("example.com");
    const png = fs.readFileSync(path.join(EXAMPLES, "quickstart", "logo.png"));
    expect(logo).toMatchObject({ contentType: "image/png", bytes: png.length });
    const check = created.find((c) => c.resource.name === "import-check");
    expect(check?.outs).toMatchObject({ server: "127.0.0.1", port: imapPort, ssl: false });
    expect(check?.outs.checkedAt).toEqual(expect.any(String));

    for (const { resource, id, outs } of [...created].reverse()) {
      if (!resource.retainOnDelete) await runtimes[resource.type].delete!(id, outs);
    }
    expect(
      fresh
        .records("example.com")
        .map((r) => r.record_id)
        .sort(),
    ).toEqual(seeded.map((r) => r.record_id).sort());
    expect(fresh.logo("example.com")).toBeUndefined();
  });
});

describe("examples/with-cloud", () => {
  let run: ExampleRun;

  beforeAll(async () => {
    run = await runExample("with-cloud", "pdd-with-cloud", {
      ...pddConfig,
      domain: "example.org",
      legacyMailServer: "imap.legacy.example.net",
    });
  });

  it("registers the stand-in server, the token, the records and the import check", () => {
    expect(run.resources.map((r) => [r.name, r.type]).sort()).toEqual(
      [
        ["web-server-stand-in", TYPES.randomInteger],
        ["verification-token", TYPES.randomId],
        ["apex", TYPES.record],
        ["www", TYPES.record],
        ["verification", TYPES.record],
        ["legacy-imap", TYPES.importCheck],
        ["mx", TYPES.record],
        ["spf", TYPES.record],
        ["imaps-srv", TYPES.record],
      ].sort(),
    );
    expectSerializedProviders(run);
  });

  it("resolves record contents from the other resources' outputs", () => {
    const standIn = byName(run, "web-server-stand-in");
    const token = byName(run, "verification-token");
    const apex = byName(run, "apex");

    expect(apex.inputs).toMatchObject({ domain: "example.org", type: "A", content: "203.0.113.42" });
    expect(apex.propertyDependencies.content).toEqual([standIn.urn]);

    const verification = byName(run, "verification");
    expect(verification.inputs).toMatchObject({
      type: "TXT",
      content: `example-site-verification=${MOCK.randomHex}`,
    });
    expect(verification.propertyDependencies.content).toEqual([token.urn]);

    const www = byName(run, "www");
    expect(www.inputs).toMatchObject({ type: "CNAME", subdomain: "www", content: "example.org." });
    expect(www.propertyDependencies.content).toEqual([apex.urn]);

    expect(run.exports).toMatchObject({
      webServerAddress: "203.0.113.42",
      wwwTarget: "example.org.",
      verificationRecord: `example-site-verification=${MOCK.randomHex}`,
      legacyServerCheckedAt: MOCK.checkedAt,
    });
  });

  it("switches mail only after the import check: the mail records depend on it", () => {
    const check = byName(run, "legacy-imap");
    expect(check.inputs).toMatchObject({
      domain: "example.org",
      server: "imap.legacy.example.net",
      method: "imap",
      ssl: true,
      triggers: ["1"],
    });
    for (const name of ["mx", "spf", "imaps-srv"]) {
      expect(byName(run, name).dependsOn).toContain(check.urn);
    }
    for (const name of ["apex", "www", "verification"]) {
      expect(byName(run, name).dependsOn).not.toContain(check.urn);
    }
    expect(byName(run, "mx").inputs).toMatchObject({ adoptExisting: true, content: "mx.yandex.net." });
    expect(byName(run, "imaps-srv").inputs).toMatchObject({
      type: "SRV",
      subdomain: "_imaps._tcp",
      port: 993,
      target: "imap.yandex.ru.",
    });
  });

  it("passes the provider's own checks", async () => {
    await expectProviderChecksPass(run);
  });
});

describe("examples/ci-preview", () => {
  let run: ExampleRun;

  beforeAll(async () => {
    run = await runExample("ci-preview", "pdd-ci-preview", { ...pddConfig });
  });

  it("registers one record per table row, for the configured domain", () => {
    expect(run.resources.map((r) => [r.name, r.type, r.inputs.type]).sort()).toEqual(
      [
        ["app", TYPES.record, "A"],
        ["app-v6", TYPES.record, "AAAA"],
        ["docs", TYPES.record, "CNAME"],
        ["dmarc", TYPES.record, "TXT"],
      ].sort(),
    );
    for (const resource of run.resources) expect(resource.inputs.domain).toBe("example.com");
    expectSerializedProviders(run);
  });

  it("passes the provider's own checks and confirms the domain through getPddDomainsOutput", async () => {
    await expectProviderChecksPass(run);
    expect(run.exports.fqdns).toEqual([
      "app.example.com",
      "app.example.com",
      "docs.example.com",
      "_dmarc.example.com",
    ]);
    expect(typeof run.exports.domainStatus).toBe("string");
  });
});

describe("examples run from the packed package, as users install it", () => {
  // The harness's program folder has this package installed from its `npm pack` tarball next to
  // @pulumi/pulumi; the example runs there in a child `node`, so `pulumi-yandex-pdd` resolves as it
  // does in a user's project. (with-cloud also needs @pulumi/random, which that folder does not have.)
  function transpile(name: string): string {
    const file = path.join(EXAMPLES, name, "index.ts");
    return ts.transpileModule(fs.readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    }).outputText;
  }

  it.each([
    ["quickstart", "pdd-quickstart", ["apex", "logo", "mx", "spf", "www"]],
    ["ci-preview", "pdd-ci-preview", ["app", "app-v6", "dmarc", "docs"]],
  ])("%s registers its resources", async (name, project, names) => {
    const result = await captureRegistrations({
      cwd: getProgramFolder(),
      program: transpile(name),
      project,
      config: pddConfig,
      secretKeys: ["pdd:token"],
    });
    expect(result.resources.map((r) => r.name).sort()).toEqual(names);
    for (const resource of result.resources) {
      expect(resource.type).toMatch(/^pulumi-nodejs:dynamic\/pdd:Pdd(DnsRecord|DomainLogo)$/);
      expect(String(resource.inputs.__provider)).toContain("pulumi-yandex-pdd/runtime/");
    }
    expect((result.exports as Record<string, unknown>).domainStatus).toEqual(expect.any(String));
  });

  it("ci-preview fails with a clear message when the token's account does not have the domain", async () => {
    await expect(
      captureRegistrations({
        cwd: getProgramFolder(),
        program: transpile("ci-preview"),
        project: "pdd-ci-preview",
        config: { ...pddConfig, "pdd-ci-preview:domain": "example.net" },
        secretKeys: ["pdd:token"],
      }),
    ).rejects.toThrow(
      /example\.net is not connected to the PDD account of this token \(it has: example\.com, example\.org\)/,
    );
  });
});

describe("example projects", () => {
  it.each(["quickstart", "with-cloud", "ci-preview"])("%s has the files of a Pulumi project", (name) => {
    const dir = path.join(EXAMPLES, name);
    for (const file of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts", "README.md"]) {
      expect(fs.existsSync(path.join(dir, file))).toBe(true);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      main: string;
      dependencies: Record<string, string>;
    };
    expect(pkg.main).toBe("index.ts");
    // The package comes from the registry or its packed tarball (`npm install ../../pulumi-yandex-pdd-*.tgz`
    // records `file:…tgz`), never from a path into this repository's source.
    expect(pkg.dependencies["pulumi-yandex-pdd"]).toMatch(/^(\^\d+\.\d+\.\d+|file:\S+\.tgz)$/);
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).not.toMatch(/from "\.\.?\//);
  });

  it("ci-preview has a workflow that previews with the secret token or against pdd-emulator", () => {
    const workflow = fs.readFileSync(
      path.join(EXAMPLES, "ci-preview", ".github", "workflows", "preview.yml"),
      "utf8",
    );
    expect(workflow).toMatch(/^on:\n {2}pull_request:/m);
    expect(workflow).toContain("${{ secrets.PDD_TOKEN != '' }}");
    expect(workflow).toContain("npx pdd-emulator --port 8053 --token dev-token --domain example.com &");
    expect(workflow).toContain("PDD_ENDPOINT: http://127.0.0.1:8053");
    expect(workflow.match(/command: preview/g)).toHaveLength(2);
  });
});

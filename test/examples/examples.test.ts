/**
 * Runs each example's `index.ts` under `pulumi.runtime.setMocks`, in this process, and checks what it
 * registers: resource names, type tokens, the inputs that came from other resources' outputs, and
 * the explicit and per-property dependencies the engine would see. `getPddDomainsOutput` and
 * `getPddDkimOutput` are real: they talk to a pdd-emulator started here, on its PDD face or its
 * Yandex 360 face as the stack config says (`pdd:api`, `pdd:orgId`).
 *
 * The examples import `pulumi-yandex-pdd` by package name, as users do. They are loaded with a
 * `require` that hands them this repository's source (`src/index.ts`) for that name and the
 * repository's own `@pulumi/pulumi` and `@pulumi/random`, so one SDK instance (the one the mocks are
 * set on) serves the program whatever an example folder may have installed. Any other import that is
 * not a Node built-in (for example a relative import of the source) fails the test.
 *
 * The quickstart, ci-preview and mail-domain also run in a child process from the harness's program folder, where
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
import type { GetPddDkimArgs } from "../../src/functions/getPddDkim";
import { fetchPddDkim, fetchPddDomains } from "../../src/functions/service";
import { FUNCTION_TOKENS } from "../../src/functions/support";
import * as dnsRecordRuntime from "../../src/runtime/dnsRecord";
import * as domainLogoRuntime from "../../src/runtime/domainLogo";
import * as importCheckRuntime from "../../src/runtime/importCheck";
import { captureRegistrations, getProgramFolder } from "../harness";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");
const TOKEN = "dev-token";
const DOMAINS = ["example.com", "example.org"];
/** The emulator's default Yandex 360 organization, which gets its plain domain names. */
const ORG_ID = 1234567;

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
      // The data functions' calls are answered by the real implementations against the emulator,
      // so the examples' outputs are what the service would give them.
      call(args: pulumi.runtime.MockCallArgs) {
        if (args.token === FUNCTION_TOKENS.getPddDomains) return fetchPddDomains(args.inputs);
        if (args.token === FUNCTION_TOKENS.getPddDkim) return fetchPddDkim(args.inputs as GetPddDkimArgs);
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

/** The provider's runtime for each dynamic type, as the provider host loads it. */
const RUNTIMES: Record<string, pulumi.dynamic.ResourceProvider> = {
  [TYPES.record]: dnsRecordRuntime,
  [TYPES.logo]: domainLogoRuntime,
  [TYPES.importCheck]: importCheckRuntime,
};

/** Hands the provider the stack's `pdd:*` settings, as the engine's `configure` call does. */
async function configureProviders(settings: Record<string, string>): Promise<void> {
  const configure = { config: { get: (key: string) => settings[key] } } as pulumi.dynamic.ConfigureRequest;
  for (const runtime of Object.values(RUNTIMES)) await runtime.configure?.(configure);
}

/** Only the `pdd:*` keys of an example's config: what the provider sees. */
function providerSettings(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith("pdd:")));
}

/**
 * The provider's own `check` (what `pulumi preview` runs), configured with the stack's settings
 * (`pddConfig` unless given), must accept every registered input.
 */
async function expectProviderChecksPass(run: ExampleRun, config?: Record<string, string>): Promise<void> {
  await configureProviders(providerSettings(config ?? pddConfig));
  const runtimes = RUNTIMES as Record<
    string,
    { check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> }
  >;
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

/**
 * Runs each registered resource through the provider's check and create, in registration order
 * (which follows dependencies), as `pulumi up` would; returns what was created, for {@link destroy}.
 */
async function deploy(run: ExampleRun, settings: Record<string, string>) {
  await configureProviders(settings);
  const created: { resource: Registration; id: string; outs: Props }[] = [];
  for (const resource of run.resources) {
    const runtime = RUNTIMES[resource.type];
    const { __provider: _provider, ...inputs } = resource.inputs;
    const checked = await runtime.check!({}, inputs);
    expect({ name: resource.name, failures: checked.failures ?? [] }).toEqual({
      name: resource.name,
      failures: [],
    });
    const { id, outs } = await runtime.create!(checked.inputs);
    created.push({ resource, id, outs: outs as Props });
  }
  return created;
}

/** `pulumi destroy`: deletes in reverse order, skipping what is marked retainOnDelete. */
async function destroy(created: { resource: Registration; id: string; outs: Props }[]): Promise<void> {
  for (const { resource, id, outs } of [...created].reverse()) {
    if (!resource.retainOnDelete) await RUNTIMES[resource.type].delete!(id, outs);
  }
}

/** GET on the emulator's Yandex 360 face, with the OAuth header clients send. */
async function yandex360Get(base: string, apiPath: string): Promise<unknown> {
  const response = await fetch(`${base}/directory/v1${apiPath}`, {
    headers: { Authorization: `OAuth ${TOKEN}`, Accept: "application/json" },
  });
  expect(response.status).toBe(200);
  return response.json();
}

let emulator: PddEmulator;
let pddConfig: Record<string, string>;
/** The same emulator through its Yandex 360 face. */
let yandex360Config: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, token: TOKEN, domains: DOMAINS });
  pddConfig = { "pdd:endpoint": emulator.url, "pdd:token": TOKEN };
  yandex360Config = { ...pddConfig, "pdd:api": "yandex360", "pdd:orgId": String(ORG_ID) };
});

afterAll(async () => {
  await emulator?.close();
});

describe("examples/quickstart on PDD", () => {
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
      backend: "pdd",
    });
    expect((run.exports.records as Props).caa).toBeUndefined();
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

describe("examples/quickstart on PDD, deployed through the provider, as `pulumi up` and `pulumi destroy` would", () => {
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

describe("examples/quickstart on Yandex 360", () => {
  let run: ExampleRun;
  let config: Record<string, string>;
  let warnings: string[] = [];

  beforeAll(async () => {
    // importServer is set on purpose: on Yandex 360 the program skips the PDD-only import check, with
    // a warning (which the SDK prints with console.warn when it runs under mocks).
    config = { ...yandex360Config, domain: "example.com", webIp: "198.51.100.7", importServer: "127.0.0.1" };
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      run = await runExample("quickstart", "pdd-quickstart-yandex360", config);
      warnings = warn.mock.calls.map((args) => args.join(" "));
    } finally {
      warn.mockRestore();
    }
  });

  it("warns that the import check is skipped", () => {
    expect(warnings).toEqual([
      expect.stringContaining("importServer is set, but the import check needs the PDD API"),
    ]);
  });

  it("registers the records and a CAA record, and neither the logo nor the import check", () => {
    expect(run.resources.map((r) => [r.name, r.type]).sort()).toEqual(
      [
        ["apex", TYPES.record],
        ["www", TYPES.record],
        ["mx", TYPES.record],
        ["spf", TYPES.record],
        ["caa", TYPES.record],
      ].sort(),
    );
    expectSerializedProviders(run);
    expect(byName(run, "apex").inputs).toMatchObject({ domain: "example.com", content: "198.51.100.7" });
    expect(byName(run, "caa").inputs).toMatchObject({
      domain: "example.com",
      type: "CAA",
      subdomain: "@",
      flag: 0,
      tag: "issue",
      content: "letsencrypt.org",
    });
    for (const name of ["mx", "spf"]) {
      expect(byName(run, name).inputs).toMatchObject({ adoptExisting: true });
      expect(byName(run, name).retainOnDelete).toBe(true);
    }
  });

  it("passes the provider's own checks on the Yandex 360 backend", async () => {
    await expectProviderChecksPass(run, config);
  });

  it("exports the backend, the CAA record and the organization's domains", () => {
    expect(run.exports).toMatchObject({
      backend: "yandex360",
      records: {
        apex: "example.com",
        www: "www.example.com",
        mx: "example.com MX 10 mx.yandex.net.",
        spf: "v=spf1 redirect=_spf.yandex.net",
        caa: 'example.com CAA 0 issue "letsencrypt.org"',
      },
      recordIds: ["apex_id", "www_id", "mx_id", "spf_id", "caa_id"],
      accountDomains: DOMAINS,
    });
    expect(run.exports.logoUrl).toBeUndefined();
    expect(run.exports.importCheckedAt).toBeUndefined();
    expect(run.exports.domainStatus).toMatch(/^(not )?verified, (not )?delegated$/);
  });
});

describe("examples/quickstart on Yandex 360, deployed through the provider", () => {
  let fresh: PddEmulator;

  beforeAll(async () => {
    fresh = await startEmulator({ port: 0, token: TOKEN, orgIds: [ORG_ID], domains: ["example.com"] });
  });

  afterAll(async () => {
    await fresh?.close();
  });

  it("creates the A and CAA records, adopts MX and SPF, and cleans up", async () => {
    const settings = {
      "pdd:api": "yandex360",
      "pdd:orgId": String(ORG_ID),
      "pdd:endpoint": fresh.url,
      "pdd:token": TOKEN,
    };
    const run = await runExample("quickstart", "pdd-quickstart-yandex360-deploy", settings);
    const seeded = fresh.records("example.com");
    const created = await deploy(run, settings);

    const records = fresh.records("example.com");
    const find = (type: string, subdomain: string) =>
      records.filter((r) => r.type === type && r.subdomain === subdomain);
    expect(find("A", "@").map((r) => r.content)).toEqual(["203.0.113.10"]);
    expect(find("A", "www").map((r) => r.content)).toEqual(["203.0.113.10"]);
    const caa = find("CAA", "@");
    expect(caa).toHaveLength(1);
    expect(caa[0]).toMatchObject({ flag: 0, tag: "issue" });
    expect(caa[0].content.replace(/^"|"$/g, "")).toBe("letsencrypt.org");
    for (const type of ["MX", "TXT"]) {
      expect(find(type, "@").map((r) => r.record_id)).toEqual(
        seeded.filter((r) => r.type === type && r.subdomain === "@").map((r) => r.record_id),
      );
    }
    expect(created.find((c) => c.resource.name === "caa")?.outs).toMatchObject({ orgId: ORG_ID });

    await destroy(created);
    expect(
      fresh
        .records("example.com")
        .map((r) => r.record_id)
        .sort(),
    ).toEqual(seeded.map((r) => r.record_id).sort());
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

describe("examples/ci-preview on Yandex 360 (the workflow's emulator preview)", () => {
  let run: ExampleRun;

  beforeAll(async () => {
    run = await runExample("ci-preview", "pdd-ci-preview-yandex360", { ...yandex360Config });
  });

  it("registers the same records and passes the provider's own checks on Yandex 360", async () => {
    expect(run.resources.map((r) => r.name).sort()).toEqual(["app", "app-v6", "dmarc", "docs"]);
    await expectProviderChecksPass(run, yandex360Config);
    expect(run.exports.domainStatus).toMatch(/^(not )?verified$/);
  });
});

describe("examples/mail-domain", () => {
  let mailEmulator: PddEmulator;
  let config: Record<string, string>;
  let run: ExampleRun;
  /** What the emulator serves at GET /directory/v1/org/{orgId}/domains/example.com/dkim. */
  let served: { enabled: boolean; publicKey: string };

  beforeAll(async () => {
    mailEmulator = await startEmulator({ port: 0, orgIds: [ORG_ID] });
    config = {
      "pdd:api": "yandex360",
      "pdd:orgId": String(ORG_ID),
      "pdd:endpoint": mailEmulator.url,
      "pdd:token": TOKEN,
    };
    run = await runExample("mail-domain", "pdd-mail-domain", config);
    served = (await yandex360Get(
      mailEmulator.url,
      `/org/${ORG_ID}/domains/example.com/dkim`,
    )) as typeof served;
  });

  afterAll(async () => {
    await mailEmulator?.close();
  });

  it("registers MX, SPF, DKIM and DMARC records", () => {
    expect(run.resources.map((r) => [r.name, r.type, r.inputs.type]).sort()).toEqual(
      [
        ["mx", TYPES.record, "MX"],
        ["spf", TYPES.record, "TXT"],
        ["dkim", TYPES.record, "TXT"],
        ["dmarc", TYPES.record, "TXT"],
      ].sort(),
    );
    for (const resource of run.resources) expect(resource.inputs.domain).toBe("example.com");
    expectSerializedProviders(run);
  });

  it("adopts MX and SPF, and keeps only MX on destroy", () => {
    expect(byName(run, "mx").inputs).toMatchObject({
      subdomain: "@",
      content: "mx.yandex.net.",
      priority: 10,
      adoptExisting: true,
    });
    expect(byName(run, "mx").retainOnDelete).toBe(true);
    expect(byName(run, "spf").inputs).toMatchObject({
      subdomain: "@",
      content: "v=spf1 redirect=_spf.yandex.net",
      adoptExisting: true,
    });
    expect(byName(run, "spf").retainOnDelete).toBe(false);
  });

  it("publishes the DKIM key the service reports, at mail._domainkey", () => {
    expect(served.publicKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(byName(run, "dkim").inputs).toMatchObject({
      type: "TXT",
      subdomain: "mail._domainkey",
      content: `v=DKIM1; k=rsa; t=s; p=${served.publicKey}`,
    });
    expect(run.exports).toMatchObject({
      dkimEnabled: served.enabled,
      dkimRecordName: "mail._domainkey.example.com",
    });
  });

  it("publishes a DMARC policy at _dmarc, from the config", async () => {
    expect(byName(run, "dmarc").inputs).toMatchObject({
      type: "TXT",
      subdomain: "_dmarc",
      content: "v=DMARC1; p=none; rua=mailto:dmarc@example.com",
    });
    const strict = await runExample("mail-domain", "pdd-mail-domain-strict", {
      ...config,
      dmarcPolicy: "reject",
      dmarcReportTo: "reports@example.net",
    });
    expect(byName(strict, "dmarc").inputs).toMatchObject({
      content: "v=DMARC1; p=reject; rua=mailto:reports@example.net",
    });
  });

  it("passes the provider's own checks on Yandex 360", async () => {
    await expectProviderChecksPass(run, config);
  });

  it("refuses to run on PDD, and refuses an unknown DMARC policy", async () => {
    await expect(runExample("mail-domain", "pdd-mail-domain-pdd", { ...pddConfig })).rejects.toThrow(
      /configure the Yandex 360 backend/,
    );
    await expect(
      runExample("mail-domain", "pdd-mail-domain-bad", { ...config, dmarcPolicy: "monitor" }),
    ).rejects.toThrow(/dmarcPolicy must be none, quarantine or reject/);
  });

  it("deploys through the provider: the DKIM TXT record carries the served key", async () => {
    const seeded = mailEmulator.records("example.com");
    const created = await deploy(run, config);
    const records = mailEmulator.records("example.com");
    const find = (type: string, subdomain: string) =>
      records.filter((r) => r.type === type && r.subdomain === subdomain);
    expect(find("TXT", "mail._domainkey").map((r) => r.content)).toEqual([
      `v=DKIM1; k=rsa; t=s; p=${served.publicKey}`,
    ]);
    expect(find("TXT", "_dmarc").map((r) => r.content)).toEqual([
      "v=DMARC1; p=none; rua=mailto:dmarc@example.com",
    ]);
    // Adopted, not duplicated.
    for (const type of ["MX", "TXT"]) {
      expect(find(type, "@").map((r) => r.record_id)).toEqual(
        seeded.filter((r) => r.type === type && r.subdomain === "@").map((r) => r.record_id),
      );
    }

    await destroy(created);
    // `pulumi destroy` keeps MX (retainOnDelete) and removes the rest, the adopted SPF record included.
    const spf = seeded.find((r) => r.type === "TXT" && r.subdomain === "@");
    expect(
      mailEmulator
        .records("example.com")
        .map((r) => r.record_id)
        .sort(),
    ).toEqual(
      seeded
        .filter((r) => r !== spf)
        .map((r) => r.record_id)
        .sort(),
    );
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
    ["quickstart", "pdd-quickstart", "pdd", ["apex", "logo", "mx", "spf", "www"]],
    ["quickstart", "pdd-quickstart", "yandex360", ["apex", "caa", "mx", "spf", "www"]],
    ["ci-preview", "pdd-ci-preview", "pdd", ["app", "app-v6", "dmarc", "docs"]],
    ["ci-preview", "pdd-ci-preview", "yandex360", ["app", "app-v6", "dmarc", "docs"]],
    ["mail-domain", "pdd-mail-domain", "yandex360", ["dkim", "dmarc", "mx", "spf"]],
  ])("%s registers its resources (%s, on %s)", async (name, project, api, names) => {
    const result = await captureRegistrations({
      cwd: getProgramFolder(),
      program: transpile(name),
      project,
      config: api === "pdd" ? pddConfig : yandex360Config,
      secretKeys: ["pdd:token"],
    });
    expect(result.resources.map((r) => r.name).sort()).toEqual(names);
    for (const resource of result.resources) {
      expect(resource.type).toMatch(/^pulumi-nodejs:dynamic\/pdd:Pdd(DnsRecord|DomainLogo)$/);
      expect(String(resource.inputs.__provider)).toContain("pulumi-yandex-pdd/runtime/");
    }
    const exported = result.exports as Record<string, unknown>;
    // The harness's mocks compute no resource outputs; what comes from the invokes is real.
    if (name === "mail-domain") expect(exported.dkimEnabled).toEqual(expect.any(Boolean));
    else expect(exported.domainStatus).toEqual(expect.any(String));
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

  it("ci-preview fails with a clear message when the Yandex 360 organization does not have the domain", async () => {
    await expect(
      captureRegistrations({
        cwd: getProgramFolder(),
        program: transpile("ci-preview"),
        project: "pdd-ci-preview",
        config: { ...yandex360Config, "pdd-ci-preview:domain": "example.net" },
        secretKeys: ["pdd:token"],
      }),
    ).rejects.toThrow(
      /example\.net is not in Yandex 360 organization 1234567 \(it has: example\.com, example\.org\)/,
    );
  });
});

describe("example projects", () => {
  it.each(["quickstart", "with-cloud", "ci-preview", "mail-domain"])(
    "%s has the files of a Pulumi project",
    (name) => {
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
    },
  );

  it("ci-preview has a workflow that previews on Yandex 360, on PDD, or against pdd-emulator's Yandex 360 face", () => {
    const workflow = fs.readFileSync(
      path.join(EXAMPLES, "ci-preview", ".github", "workflows", "preview.yml"),
      "utf8",
    );
    expect(workflow).toMatch(/^on:\n {2}pull_request:/m);
    expect(workflow).toContain(
      "PREVIEW_TARGET: ${{ secrets.YANDEX360_OAUTH_TOKEN != '' && 'yandex360' || secrets.PDD_TOKEN != '' && 'pdd' || 'emulator' }}",
    );
    expect(workflow).toContain("YANDEX360_OAUTH_TOKEN: ${{ secrets.YANDEX360_OAUTH_TOKEN }}");
    expect(workflow).toContain("PDD_TOKEN: ${{ secrets.PDD_TOKEN }}");
    expect(workflow).toContain("npx pdd-emulator --port 8053 --token dev-token --domain example.com &");
    expect(workflow).toContain("'http://127.0.0.1:8053/directory/v1/org/1234567/domains'");
    // The emulator preview: its Yandex 360 face, in its default organization.
    const emulatorStep = workflow.slice(workflow.indexOf("- name: Preview against pdd-emulator"));
    expect(emulatorStep).toContain("PDD_API: yandex360");
    expect(emulatorStep).toContain('YANDEX360_ORG_ID: "1234567"');
    expect(emulatorStep).toContain("PDD_ENDPOINT: http://127.0.0.1:8053");
    expect(emulatorStep).toContain("PDD_TOKEN: dev-token");
    for (const target of ["yandex360", "pdd", "emulator"]) {
      expect(workflow).toContain(`if: env.PREVIEW_TARGET == '${target}'`);
    }
    expect(workflow.match(/command: preview/g)).toHaveLength(3);
  });

  it("the root project's dev stack and the demo use the emulator's Yandex 360 face", () => {
    const root = path.resolve(EXAMPLES, "..");
    const dev = fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8");
    expect(dev).toMatch(/^ {2}pdd:api: yandex360$/m);
    expect(dev).toMatch(/^ {2}pdd:orgId: "1234567"$/m);
    const demo = fs.readFileSync(path.join(root, "scripts", "demo.sh"), "utf8");
    expect(demo).toContain('--plaintext "pdd:api=yandex360"');
    expect(demo).toContain('--plaintext "pdd:orgId=$ORG_ID"');
  });
});

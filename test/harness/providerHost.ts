import type * as grpcTypes from "@grpc/grpc-js";
import type * as provGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as statusTypes from "@pulumi/pulumi/proto/status_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "./programFolder";

/** A property bag as the engine sends it: plain JSON (`Struct`). */
export type Props = Record<string, unknown>;

/** The key and value that mark a secret in Pulumi's property encoding. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends for a value not known yet (during preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Wraps a value the way the engine marks secrets (e.g. in Configure args). */
export function secret(value: unknown): Props {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Strips secret markers recursively: what the engine sends a provider that answers acceptSecrets=false. */
export function unwrapSecrets<T>(value: T): T {
  if (isSecret(value)) {
    return unwrapSecrets(value.value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => unwrapSecrets(v)) as T;
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)])) as T;
  }
  return value;
}

/** The URN the engine (and `setMocks` with its defaults) gives a top-level resource. */
export function urn(type: string, name: string, opts: { project?: string; stack?: string } = {}): string {
  return `urn:pulumi:${opts.stack ?? "stack"}::${opts.project ?? "project"}::${type}::${name}`;
}

function typeAndName(resourceUrn: string): { type: string; name: string } {
  const parts = resourceUrn.split("::");
  const qualifiedType = parts[2] ?? "";
  return { type: qualifiedType.split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  diffs: string[];
}

export interface CreateResult {
  id: string;
  properties: Props;
}

export interface ReadResult {
  /** Empty when the provider reports the resource gone. */
  id: string;
  properties: Props;
  /** Only present when the provider's read returned `inputs`. */
  inputs: Props | undefined;
}

export interface UpdateResult {
  properties: Props;
}

export interface ConfigureResult {
  acceptSecrets: boolean;
  supportsPreview: boolean;
}

/** A failed gRPC call; `message` is the provider's error message (the gRPC status details). */
export class ProviderHostError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    /** Set when create/update failed with a resource id (partial failure the engine records in state). */
    readonly initFailed?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(details);
    this.name = "ProviderHostError";
  }
}

export interface StartProviderHostOptions {
  /** The provider host's working directory: a program folder, or the repository root. */
  cwd: string;
  /** Extra environment for the host process (merged over `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the port (default 30 s). */
  startTimeoutMs?: number;
  /** Deadline of each call (default 30 s). */
  callTimeoutMs?: number;
}

/**
 * One RPC per method, sent as given: every property bag must carry `__provider` (the host loads the
 * provider from it) and plain values (see {@link unwrapSecrets}). The engine's order and arguments are
 * in the lifecycle helpers below ({@link engineCreate} and friends).
 */
export interface ProviderHost {
  readonly port: number;
  readonly pid: number;
  /** The `@pulumi/pulumi` directory whose provider host runs. */
  readonly sdkDir: string;
  /**
   * Configure, args keyed like `"pdd:token"`; values of `secretKeys` arrive wrapped as secrets. The host
   * only stores them: each provider's `configure` runs on the first later call carrying its `__provider`.
   */
  configure(config: Props, opts?: { secretKeys?: string[] }): Promise<ConfigureResult>;
  check(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, urn: string, olds: Props, news: Props, opts?: { oldInputs?: Props }): Promise<DiffResult>;
  create(urn: string, props: Props, opts?: { preview?: boolean }): Promise<CreateResult>;
  /** `inputs` is what the engine sends as old inputs on refresh. */
  read(id: string, urn: string, props: Props, inputs?: Props): Promise<ReadResult>;
  update(
    id: string,
    urn: string,
    olds: Props,
    news: Props,
    opts?: { oldInputs?: Props; preview?: boolean },
  ): Promise<UpdateResult>;
  delete(id: string, urn: string, props: Props, opts?: { oldInputs?: Props }): Promise<void>;
  /** Lines the host wrote to stdout and stderr so far, in arrival order (the first is its port). */
  logs(): string[];
  /** Kills the host; safe to call twice. */
  close(): Promise<void>;
}

interface Sdk {
  grpc: typeof grpcTypes;
  provGrpc: typeof provGrpcTypes;
  prov: typeof provTypes;
  status: typeof statusTypes;
  struct: typeof structTypes;
}

/** Finds the `@pulumi/pulumi` the program in `cwd` would load, falling back to the repository's. */
function resolveSdkDir(cwd: string): string {
  for (const base of [cwd, repoRoot]) {
    try {
      return path.dirname(createRequire(path.join(base, "program")).resolve("@pulumi/pulumi/package.json"));
    } catch {
      // Not installed there; try the next candidate.
    }
  }
  throw new Error(`@pulumi/pulumi is installed neither for ${cwd} nor in ${repoRoot}`);
}

/** The client uses the same SDK copy (and its grpc-js and google-protobuf) as the host it talks to. */
function loadSdk(sdkDir: string): Sdk {
  const sdkRequire = createRequire(path.join(sdkDir, "package.json"));
  return {
    grpc: sdkRequire("@grpc/grpc-js") as typeof grpcTypes,
    provGrpc: sdkRequire("./proto/provider_grpc_pb") as typeof provGrpcTypes,
    prov: sdkRequire("./proto/provider_pb") as typeof provTypes,
    status: sdkRequire("./proto/status_pb") as typeof statusTypes,
    struct: sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof structTypes,
  };
}

const liveHosts = new Set<ProviderHost>();

/** Closes every host still running; registered as an `afterAll` so a failing test leaks none. */
export async function closeAllProviderHosts(): Promise<void> {
  await Promise.all([...liveHosts].map((host) => host.close()));
}

if (typeof afterAll === "function") {
  afterAll(closeAllProviderHosts);
}
const liveChildren = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of liveChildren) {
    child.kill("SIGKILL");
  }
});

/**
 * Starts the SDK's dynamic provider host (`cmd/dynamic-provider/index.js`) in `cwd`, as the engine
 * does for `pulumi-nodejs:dynamic:*` resources, and returns a client for its gRPC interface.
 */
export async function startProviderHost(options: StartProviderHostOptions): Promise<ProviderHost> {
  const sdkDir = resolveSdkDir(options.cwd);
  const sdk = loadSdk(sdkDir);
  const hostScript = path.join(sdkDir, "cmd", "dynamic-provider", "index.js");
  // The argument is the engine address; the host only requires that there is one.
  const child = spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  liveChildren.add(child);
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => liveChildren.delete(child));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`provider host printed no port within the timeout:\n${lines.join("\n")}`));
    }, options.startTimeoutMs ?? 30000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      if (/^\d+$/.test(line.trim())) {
        clearTimeout(timer);
        resolve(Number(line.trim()));
      }
    });
    createInterface({ input: child.stderr! }).on("line", (line) => lines.push(line));
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`provider host exited (${code ?? signal}) before printing its port:\n${lines.join("\n")}`),
      );
    });
  });

  const { grpc, prov, struct } = sdk;
  const client = new sdk.provGrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  const callTimeoutMs = options.callTimeoutMs ?? 30000;

  // JSON round trip: Struct.fromJavaScript rejects `undefined`, the engine never sends it.
  const toStruct = (props: Props | undefined): structTypes.Struct =>
    struct.Struct.fromJavaScript(
      JSON.parse(JSON.stringify(props ?? {})) as Record<string, structTypes.JavaScriptValue>,
    );
  const fromStruct = (s: structTypes.Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});

  const toError = (method: string, err: grpcTypes.ServiceError): ProviderHostError => {
    let initFailed: ProviderHostError["initFailed"];
    const [detailsBin] = err.metadata?.get("grpc-status-details-bin") ?? [];
    if (detailsBin instanceof Buffer) {
      for (const any of sdk.status.Status.deserializeBinary(detailsBin).getDetailsList()) {
        if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
          const detail = prov.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
          initFailed = {
            id: detail.getId(),
            properties: fromStruct(detail.getProperties()),
            reasons: detail.getReasonsList(),
          };
        }
      }
    }
    return new ProviderHostError(method, err.code, err.details, initFailed);
  };

  // Every unary method of the generated client has this overload.
  type Unary<Req, Res> = (
    req: Req,
    metadata: grpcTypes.Metadata,
    options: Partial<grpcTypes.CallOptions>,
    callback: (err: grpcTypes.ServiceError | null, res: Res) => void,
  ) => unknown;
  const unary = <Req, Res>(method: string, fn: Unary<Req, Res>, req: Req): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + callTimeoutMs }, (err, res) =>
        err ? reject(toError(method, err)) : resolve(res),
      );
    });

  const named = <T extends { setUrn(v: string): T; setName(v: string): T; setType(v: string): T }>(
    req: T,
    resourceUrn: string,
  ): T => {
    const { type, name } = typeAndName(resourceUrn);
    return req.setUrn(resourceUrn).setName(name).setType(type);
  };

  let closed = false;
  const host: ProviderHost = {
    port,
    pid: child.pid ?? -1,
    sdkDir,

    async configure(config, opts = {}) {
      const args: Props = {};
      for (const [key, value] of Object.entries(config)) {
        args[key] = opts.secretKeys?.includes(key) ? secret(value) : value;
      }
      // The flags the engine announces; the dynamic host ignores them and answers acceptSecrets=false.
      const req = new prov.ConfigureRequest()
        .setArgs(toStruct(args))
        .setAcceptsecrets(true)
        .setAcceptresources(true)
        .setSendsOldInputs(true)
        .setSendsOldInputsToDelete(true);
      const res = await unary("configure", client.configure, req);
      return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
    },

    async check(resourceUrn, olds, news) {
      const req = named(new prov.CheckRequest(), resourceUrn)
        .setOlds(toStruct(olds))
        .setNews(toStruct(news))
        .setRandomseed(randomBytes(32));
      const res = await unary("check", client.check, req);
      return {
        inputs: fromStruct(res.getInputs()),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },

    async diff(id, resourceUrn, olds, news, opts = {}) {
      const req = named(new prov.DiffRequest(), resourceUrn)
        .setId(id)
        .setOlds(toStruct(olds))
        .setNews(toStruct(news))
        .setOldInputs(toStruct(opts.oldInputs));
      const res = await unary("diff", client.diff, req);
      const { DIFF_NONE, DIFF_SOME } = prov.DiffResponse.DiffChanges;
      const code = res.getChanges();
      return {
        changes: code === DIFF_NONE ? "none" : code === DIFF_SOME ? "some" : "unknown",
        replaces: res.getReplacesList(),
        stables: res.getStablesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
        diffs: res.getDiffsList(),
      };
    },

    async create(resourceUrn, props, opts = {}) {
      const req = named(new prov.CreateRequest(), resourceUrn)
        .setProperties(toStruct(props))
        .setPreview(opts.preview ?? false);
      const res = await unary("create", client.create, req);
      return { id: res.getId(), properties: fromStruct(res.getProperties()) };
    },

    async read(id, resourceUrn, props, inputs) {
      const req = named(new prov.ReadRequest(), resourceUrn).setId(id).setProperties(toStruct(props));
      if (inputs) {
        req.setInputs(toStruct(inputs));
      }
      const res = await unary("read", client.read, req);
      const returnedInputs = res.getInputs();
      return {
        id: res.getId(),
        properties: fromStruct(res.getProperties()),
        inputs: returnedInputs ? fromStruct(returnedInputs) : undefined,
      };
    },

    async update(id, resourceUrn, olds, news, opts = {}) {
      const req = named(new prov.UpdateRequest(), resourceUrn)
        .setId(id)
        .setOlds(toStruct(olds))
        .setNews(toStruct(news))
        .setOldInputs(toStruct(opts.oldInputs))
        .setPreview(opts.preview ?? false);
      const res = await unary("update", client.update, req);
      return { properties: fromStruct(res.getProperties()) };
    },

    async delete(id, resourceUrn, props, opts = {}) {
      const req = named(new prov.DeleteRequest(), resourceUrn)
        .setId(id)
        .setProperties(toStruct(props))
        .setOldInputs(toStruct(opts.oldInputs));
      await unary("delete", client.delete, req);
    },

    logs: () => [...lines],

    async close() {
      if (closed) {
        return;
      }
      closed = true;
      liveHosts.delete(host);
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  liveHosts.add(host);
  return host;
}

// ---------------------------------------------------------------------------------------------
// Engine lifecycle: the order and arguments in which `pulumi up/refresh/destroy` call a provider.
// `news` are the program's inputs (as `captureRegistrations` returns them, `__provider` included);
// secrets are unwrapped first because the dynamic host answers acceptSecrets=false.
// ---------------------------------------------------------------------------------------------

/** What the engine keeps in the state file for a resource. */
export interface ResourceState {
  urn: string;
  id: string;
  /** The checked inputs (Check's result), used as `olds` of the next Check. */
  inputs: Props;
  /** The provider's outputs (Create/Update/Read), used as `olds` of Diff/Update/Read/Delete. */
  outputs: Props;
}

export class CheckFailedError extends Error {
  constructor(readonly failures: CheckFailure[]) {
    super(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    this.name = "CheckFailedError";
  }
}

async function checked(host: ProviderHost, resourceUrn: string, olds: Props, news: Props): Promise<Props> {
  const result = await host.check(resourceUrn, olds, unwrapSecrets(news));
  if (result.failures.length > 0) {
    throw new CheckFailedError(result.failures);
  }
  return result.inputs;
}

/** `pulumi up` for a new resource: Check(olds={}, news), then Create(checked inputs). */
export async function engineCreate(
  host: ProviderHost,
  resourceUrn: string,
  news: Props,
): Promise<ResourceState> {
  const inputs = await checked(host, resourceUrn, {}, news);
  const created = await host.create(resourceUrn, inputs);
  return { urn: resourceUrn, id: created.id, inputs, outputs: created.properties };
}

export interface EngineUpdateResult {
  action: "same" | "update" | "replace";
  diff: DiffResult;
  state: ResourceState;
}

/**
 * `pulumi up` for an existing resource: Check(olds=old inputs, news), Diff(olds=old outputs,
 * news=checked inputs); then nothing, Update(olds=old outputs, news=checked inputs), or a replacement
 * (Check again with olds={}, Create, and Delete of the old one — before the Create when
 * deleteBeforeReplace). An "unknown" diff falls back to comparing old and new inputs, as the engine does.
 */
export async function engineUpdate(
  host: ProviderHost,
  state: ResourceState,
  news: Props,
): Promise<EngineUpdateResult> {
  const inputs = await checked(host, state.urn, state.inputs, news);
  const diff = await host.diff(state.id, state.urn, state.outputs, inputs, { oldInputs: state.inputs });
  const changed =
    diff.changes === "some" ||
    (diff.changes === "unknown" && JSON.stringify(inputs) !== JSON.stringify(state.inputs));
  if (!changed) {
    return { action: "same", diff, state: { ...state, inputs } };
  }
  if (diff.replaces.length === 0) {
    const updated = await host.update(state.id, state.urn, state.outputs, inputs, {
      oldInputs: state.inputs,
    });
    return { action: "update", diff, state: { ...state, inputs, outputs: updated.properties } };
  }
  if (diff.deleteBeforeReplace) {
    await engineDelete(host, state);
  }
  const replacement = await engineCreate(host, state.urn, news);
  if (!diff.deleteBeforeReplace) {
    await engineDelete(host, state);
  }
  return { action: "replace", diff, state: replacement };
}

/**
 * `pulumi refresh`: Read(id, props=old outputs, inputs=old inputs). Returns undefined when the
 * provider reports the resource gone (empty id); keeps the old inputs unless Read returned some.
 */
export async function engineRefresh(
  host: ProviderHost,
  state: ResourceState,
): Promise<ResourceState | undefined> {
  const result = await host.read(state.id, state.urn, state.outputs, state.inputs);
  if (!result.id) {
    return undefined;
  }
  return { urn: state.urn, id: result.id, inputs: result.inputs ?? state.inputs, outputs: result.properties };
}

/** `pulumi destroy`: Delete(id, props=old outputs), with the old inputs alongside. */
export async function engineDelete(host: ProviderHost, state: ResourceState): Promise<void> {
  await host.delete(state.id, state.urn, state.outputs, { oldInputs: state.inputs });
}

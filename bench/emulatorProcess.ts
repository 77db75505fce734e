/**
 * The emulator in a child process, so the service's own CPU time is not charged to the process being
 * measured (on a 2-core machine an in-process emulator competes with the client for one core). The
 * bench talks to it over the IPC channel, which opens no TCP connection the emulator would count.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as path from "node:path";
import { startEmulator } from "../src/emulator";
import type { EmulatorOptions, EmulatorStats, PddEmulator, RawRecord } from "../src/emulator";

/** What the bench reads from an emulator; a {@link PddEmulator} (sync) and a {@link RemoteEmulator} (async) both fit. */
export interface EmulatorView {
  readonly url: string;
  stats(): EmulatorStats | Promise<EmulatorStats>;
  resetStats(): void | Promise<void>;
  records(domain: string): RawRecord[] | Promise<RawRecord[]>;
}

export interface RemoteEmulator extends EmulatorView {
  readonly pid: number;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
  records(domain: string): Promise<RawRecord[]>;
  close(): Promise<void>;
}

type Op = "stats" | "resetStats" | "records" | "close";
interface Request {
  id: number;
  op: Op;
  domain?: string;
}
interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** Starts the emulator in a child `node` (TypeScript loaded by bench/register.js) and returns a handle. */
export async function startEmulatorProcess(options: EmulatorOptions): Promise<RemoteEmulator> {
  const child: ChildProcess = fork(__filename, [JSON.stringify(options)], {
    execArgv: ["-r", path.join(__dirname, "register.js")],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: { url?: string; error?: string }) =>
      m.url ? resolve(m.url) : reject(new Error(`emulator process: ${m.error}`)),
    );
    child.once("exit", (code) => reject(new Error(`emulator process exited (${code}) before listening`)));
  });
  let nextId = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error("the emulator process exited"));
    pending.clear();
  });
  child.on("message", (m: Reply) => {
    const waiter = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) waiter?.reject(new Error(m.error));
    else waiter?.resolve(m.result);
  });
  const call = <T>(op: Op, domain?: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, domain } satisfies Request);
    });
  return {
    url,
    pid: child.pid ?? -1,
    stats: () => call<EmulatorStats>("stats"),
    resetStats: () => call<void>("resetStats"),
    records: (domain) => call<RawRecord[]>("records", domain),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        await call("close").catch(() => undefined);
        child.kill();
      }
      await exited;
    },
  };
}

/** Child side: serve requests from the parent until told to close or the parent goes away. */
async function serve(options: EmulatorOptions): Promise<void> {
  let emulator: PddEmulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    process.send?.({ error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  process.on("disconnect", () => void emulator.close().then(() => process.exit(0)));
  process.on("message", (m: Request) => {
    const reply = (result: unknown) => process.send?.({ id: m.id, result } satisfies Reply);
    try {
      if (m.op === "stats") reply(emulator.stats());
      else if (m.op === "resetStats") reply(emulator.resetStats());
      else if (m.op === "records") reply(emulator.records(m.domain ?? ""));
      else void emulator.close().then(() => reply(null));
    } catch (err) {
      process.send?.({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply);
    }
  });
  process.send?.({ url: emulator.url });
}

if (require.main === module) {
  void serve(JSON.parse(process.argv[2] ?? "{}") as EmulatorOptions);
}

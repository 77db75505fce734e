import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** CPU time (user + system, every thread) a phase cost each process taking part in it, in ms. */
export interface CpuMeasure {
  /** The bench process: the engine stand-in's gRPC client (engine path) or the provider itself (runtime). */
  bench: number;
  /** The SDK's provider host (engine path only). */
  host?: number;
  /** The emulator's process: the service's side. */
  emulator?: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process (all its threads) from `/proc/<pid>/stat`, in ms; undefined without /proc. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat(5) are the 12th and 13th after the name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

const selfCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * CPU time of the processes of a run over one phase: this process (`process.cpuUsage`, µs) and the
 * others from `/proc` (clock ticks, 10 ms each: good to about ±10 ms a process per phase).
 */
export class PhaseCpu {
  private start: { bench: number; host?: number; emulator?: number } | undefined;

  constructor(private readonly pids: { host?: number; emulator?: number }) {}

  begin(): void {
    this.start = {
      bench: selfCpuMs(),
      ...(this.pids.host === undefined ? {} : { host: processCpuMs(this.pids.host) }),
      ...(this.pids.emulator === undefined ? {} : { emulator: processCpuMs(this.pids.emulator) }),
    };
  }

  end(): CpuMeasure {
    const start = this.start;
    if (!start) throw new Error("PhaseCpu.end() before begin()");
    const since = (pid: number | undefined, at: number | undefined): number | undefined => {
      if (pid === undefined || at === undefined) return undefined;
      const now = processCpuMs(pid);
      return now === undefined ? undefined : now - at;
    };
    const host = since(this.pids.host, start.host);
    const emulator = since(this.pids.emulator, start.emulator);
    return {
      bench: selfCpuMs() - start.bench,
      ...(host === undefined ? {} : { host }),
      ...(emulator === undefined ? {} : { emulator }),
    };
  }
}

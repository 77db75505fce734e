import * as fs from "node:fs";

/** Resident memory of a process, in KiB, from `/proc/<pid>/status`. */
export interface MemoryReading {
  /** VmRSS: resident now. */
  rssKb: number;
  /** VmHWM: the resident high-water mark since start or since the last {@link HostMemory.resetPeak}. */
  hwmKb: number;
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) : 0;
}

/**
 * Peak memory of the provider host per phase. The kernel's high-water mark (VmHWM) is exact; writing
 * 5 to `/proc/<pid>/clear_refs` resets it, so each phase gets its own peak. Where the reset is not
 * allowed, VmRSS is sampled every few milliseconds instead (the peak is then the larger of the sampled
 * maximum and, for the first phase only, VmHWM).
 */
export class HostMemory {
  private timer: NodeJS.Timeout | undefined;
  private sampledMaxKb = 0;
  private peakResettable = false;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 5,
  ) {}

  read(): MemoryReading | undefined {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
      return { rssKb: field(status, "VmRSS"), hwmKb: field(status, "VmHWM") };
    } catch {
      return undefined;
    }
  }

  /** Starts a phase: resets the kernel's high-water mark (when allowed) and samples VmRSS. */
  start(): void {
    this.stop();
    try {
      fs.writeFileSync(`/proc/${this.pid}/clear_refs`, "5");
      this.peakResettable = true;
    } catch {
      this.peakResettable = false;
    }
    this.sampledMaxKb = this.read()?.rssKb ?? 0;
    // The kernel's mark is exact; sampling (a file read in the bench's own event loop every few ms, on
    // the path of the engine stand-in's RPCs) is only the fallback where the mark cannot be reset.
    if (this.peakResettable) return;
    this.timer = setInterval(() => {
      this.sampledMaxKb = Math.max(this.sampledMaxKb, this.read()?.rssKb ?? 0);
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Ends a phase and returns its peak resident memory in KiB. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const now = this.read();
    const sampled = Math.max(this.sampledMaxKb, now?.rssKb ?? 0);
    return this.peakResettable && now ? Math.max(sampled, now.hwmKb) : sampled;
  }
}

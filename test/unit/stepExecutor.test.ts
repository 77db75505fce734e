import { StepExecutor } from "../../bench/pool";

/** A step that records when it starts and ends, and finishes when the test releases it. */
function controlledSteps(count: number) {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const releases: (() => void)[] = [];
  const steps = Array.from({ length: count }, (_, i) => async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    log.push(`start ${i}`);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
    log.push(`end ${i}`);
    return i;
  });
  return { log, steps, releases, maxRunning: () => maxRunning, running: () => running };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("StepExecutor (the bench's model of the engine's step executor)", () => {
  it("runs at most `parallel` steps at once, starting queued steps in submission order", async () => {
    const executor = new StepExecutor(3);
    const { log, steps, releases, maxRunning, running } = controlledSteps(7);
    const results = steps.map((step) => executor.submit(step));
    await turn();
    expect(running()).toBe(3);
    expect(log).toEqual(["start 0", "start 1", "start 2"]);
    // Finishing step 1 lets exactly one more start: the next in submission order.
    releases[1]!();
    await turn();
    expect(log.slice(3)).toEqual(["end 1", "start 3"]);
    expect(running()).toBe(3);
    while (releases.length < 7 || running() > 0) {
      releases.forEach((release) => release());
      await turn();
    }
    await executor.drain();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(maxRunning()).toBe(3);
    expect(log.filter((l) => l.startsWith("start"))).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `start ${i}`));
  });

  it("never waits on submit, and drain rejects with the first failure once every step has settled", async () => {
    const executor = new StepExecutor(2);
    const settled: number[] = [];
    const step = (i: number, fail: boolean) => async () => {
      await turn();
      settled.push(i);
      if (fail) throw new Error(`step ${i} failed`);
      return i;
    };
    const first = executor.submit(step(0, true));
    executor.submit(step(1, false));
    executor.submit(step(2, true));
    executor.submit(step(3, false));
    // The failure of step 0 happens before drain is called: it must not be an unhandled rejection.
    await turn();
    await turn();
    await expect(executor.drain()).rejects.toThrow("step 0 failed");
    expect(settled.sort()).toEqual([0, 1, 2, 3]);
    await expect(first).rejects.toThrow("step 0 failed");
    // Drained: a later drain has nothing left to wait for.
    await expect(executor.drain()).resolves.toBeUndefined();
  });

  it("refuses a parallelism below one", () => {
    expect(() => new StepExecutor(0)).toThrow("parallel must be ≥ 1, got 0");
  });
});

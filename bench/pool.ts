/**
 * Runs `fn` over `items` with at most `parallel` calls pending at once, in order of the items: a plain
 * worker pool (the naive baseline's loop).
 */
export async function runPool<T, R>(
  items: readonly T[],
  parallel: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  return results;
}

/**
 * The engine's step executor: runs submitted steps with at most `parallel` of them in flight, the rest
 * queued in submission order (`pulumi up --parallel`, 16 by default here). Submitting never waits, as
 * the engine's step generator hands a step over and moves on to the next resource.
 */
export class StepExecutor {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly pending: Promise<unknown>[] = [];

  constructor(readonly parallel: number) {
    if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`parallel must be ≥ 1, got ${parallel}`);
  }

  /** Queues `step`; the promise settles with its outcome. */
  submit<T>(step: () => Promise<T>): Promise<T> {
    const result = this.slot().then(async () => {
      try {
        return await step();
      } finally {
        this.release();
      }
    });
    // Marked handled here, so a step that fails before `drain` is not an unhandled rejection;
    // `drain` and the caller's own await still see the error.
    result.catch(() => undefined);
    this.pending.push(result);
    return result;
  }

  /** Waits for every step submitted so far; rejects with the first failure after all have settled. */
  async drain(): Promise<void> {
    const settled = await Promise.allSettled(this.pending.splice(0));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
  }

  private slot(): Promise<void> {
    if (this.running < this.parallel) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    // Hand the slot straight to the next queued step, so `running` never exceeds `parallel`.
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

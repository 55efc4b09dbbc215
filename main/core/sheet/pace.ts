/**
 * Cooperative yielding for long imports. The same code runs on the renderer's UI thread and in Electron's main
 * process, where a loop over 200,000 rows would freeze the window: every `budgetMs` of work it gives the event loop
 * a turn (a macrotask, so input, paint and I/O get through), which keeps the longest uninterrupted block short.
 */
const now: () => number = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

export class Pacer {
  private last = now();

  constructor(private readonly budgetMs = 40) {}

  /** True when the budget is spent: the caller should `await pacer.pause()`. Cheap enough to call every row. */
  due(): boolean {
    return now() - this.last >= this.budgetMs;
  }

  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    this.last = now();
  }
}

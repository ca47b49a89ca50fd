// Everything a benchmark starts (browsers, servers, temporary directories) is undone in
// reverse order: at the end, on an error, on Ctrl+C, or when the time budget runs out.

import os from 'node:os';

type Disposer = () => Promise<unknown> | unknown;

export class Cleanup {
  readonly #disposers: { what: string; dispose: Disposer }[] = [];
  #running: Promise<void> | undefined;

  /** Registers `dispose` to undo `what`; returns `value`, for `const x = cleanup.add(...)`. */
  add<T>(what: string, value: T, dispose: (value: T) => Promise<unknown> | unknown): T {
    this.#disposers.push({ what, dispose: () => dispose(value) });
    return value;
  }

  /** Runs every disposer once, newest first; a failing one is reported, the rest still run. */
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (const { what, dispose } of this.#disposers.reverse()) {
        try {
          await dispose();
        } catch (error) {
          console.error(`cleanup: could not dispose of ${what}: ${(error as Error).message}`);
        }
      }
    })();
    return this.#running;
  }

  /** On SIGINT, SIGTERM or SIGHUP: clean up, then exit as killed by that signal would. */
  onSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cleaning up…`);
        void this.run().finally(() => process.exit(128 + os.constants.signals[signal]));
      });
    }
  }
}

/** Rejects after `ms`, naming what ran out of time; `clear` it when done. */
export function deadline(ms: number, what: string): { promise: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/** How far back the speed is averaged: long enough to be steady, short enough to follow. */
const WINDOW_MS = 3_000;

/**
 * Speed and time left of a transfer, from the bytes done over the last few seconds.
 * Samples are kept per 250 ms bucket, so memory stays constant whatever the rate.
 */
export class ProgressMeter {
  readonly #now: () => number;
  #samples: { at: number; done: number }[] = [];

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Records that `done` bytes are done in all. */
  update(done: number): void {
    const at = this.#now();
    const last = this.#samples.at(-1);
    if (last && at - last.at < 250) last.done = done;
    else this.#samples.push({ at, done });
    while (this.#samples.length > 2 && at - this.#samples[1]!.at > WINDOW_MS) this.#samples.shift();
  }

  /** Starts over (a resumed transfer: the pause says nothing about the speed). */
  reset(): void {
    this.#samples = [];
  }

  /** Bytes per second, or null until there is a span to measure. */
  bytesPerSecond(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < 500) return null;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  /** Seconds left for `remaining` bytes at the current speed, or null if unknown. */
  secondsLeft(remaining: number): number | null {
    const speed = this.bytesPerSecond();
    return speed && speed > 0 ? Math.ceil(remaining / speed) : null;
  }
}

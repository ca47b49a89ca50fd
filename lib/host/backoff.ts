export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Each delay is spread by ± this fraction so that many clients do not retry in step. */
  jitter: number;
  random?: () => number;
}

/** Exponential back-off: initial, doubling, capped, with jitter. */
export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  constructor(options: BackoffOptions) {
    this.#options = options;
  }

  /** The delay before the next attempt; each call moves one step further. */
  next(): number {
    const { initialMs, maxMs, jitter, random = Math.random } = this.#options;
    const base = Math.min(maxMs, initialMs * 2 ** this.#attempt);
    this.#attempt += 1;
    const spread = base * jitter * (random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(maxMs, base + spread)));
  }

  reset(): void {
    this.#attempt = 0;
  }
}

/**
 * A token bucket: holds up to `burst` tokens and refills at `ratePerSecond`. Each allowed
 * event takes one token, so a client may send a burst at once but not more than the rate
 * on average. Time is passed in (milliseconds) so tests need no fake timers.
 */
export class TokenBucket {
  // Plain fields, not parameter properties: Node's type stripping cannot run those.
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private tokens: number;
  private updatedAt: number;

  constructor(ratePerSecond: number, burst: number, now: number) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes one token if there is one; false means "over the limit". */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** A full bucket holds no memory of past events, so its owner may forget it. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond);
    this.updatedAt = now;
  }
}

import { TokenBucket } from './token-bucket.ts';

export interface AddressRateLimitOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Most addresses tracked at once; the least recently seen is forgotten beyond it. */
  readonly maxAddresses: number;
  readonly now?: () => number;
}

export interface AddressRateLimit {
  /** Counts one event from `address`; false means it is over its limit. */
  take(address: string): boolean;
  /** Addresses currently tracked (for tests and for bounding memory). */
  readonly size: number;
}

/**
 * One token bucket per client address, in bounded memory. The map is kept in order of last
 * use, so the oldest entries sit at its front: each call drops the ones that have refilled
 * completely (they remember nothing), and beyond `maxAddresses` the least recently seen.
 * Forgetting an address only ever gives it a fresh bucket, so a flood of spoofed or
 * rotating addresses cannot grow memory, at worst it escapes the limit for a while.
 */
export function createAddressRateLimit({
  ratePerSecond,
  burst,
  maxAddresses,
  now = Date.now,
}: AddressRateLimitOptions): AddressRateLimit {
  const buckets = new Map<string, TokenBucket>();

  const forgetStale = (time: number): void => {
    for (const [address, bucket] of buckets) {
      if (buckets.size <= maxAddresses && !bucket.isFull(time)) break;
      buckets.delete(address);
    }
  };

  return {
    take(address) {
      const time = now();
      const bucket = buckets.get(address) ?? new TokenBucket(ratePerSecond, burst, time);
      buckets.delete(address); // re-inserted below, at the back: most recently used
      const allowed = bucket.take(time);
      buckets.set(address, bucket);
      forgetStale(time);
      return allowed;
    },
    get size() {
      return buckets.size;
    },
  };
}

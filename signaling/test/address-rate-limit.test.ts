import { describe, expect, it } from 'vitest';
import { createAddressRateLimit } from '../src/address-rate-limit.ts';
import { TokenBucket } from '../src/token-bucket.ts';

describe('TokenBucket', () => {
  it('allows a burst, then the rate, and refills no further than the burst', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false); // 0.998 of a token
    expect(bucket.take(500)).toBe(true);
    expect(bucket.isFull(60_000)).toBe(true);
    expect([1, 2, 3, 4].map(() => bucket.take(60_000))).toEqual([true, true, true, false]);
  });
});

describe('createAddressRateLimit', () => {
  it('limits each address on its own', () => {
    const limit = createAddressRateLimit({
      ratePerSecond: 1,
      burst: 2,
      maxAddresses: 10,
      now: () => 0,
    });
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([true, true, false]);
    expect(limit.take('b')).toBe(true);
  });

  it('forgets addresses once their bucket has refilled', () => {
    let now = 0;
    const limit = createAddressRateLimit({
      ratePerSecond: 1,
      burst: 2,
      maxAddresses: 10,
      now: () => now,
    });
    for (let i = 0; i < 5; i += 1) limit.take(`10.0.0.${i}`);
    expect(limit.size).toBe(5);
    now = 2000;
    limit.take('10.0.0.9');
    expect(limit.size).toBe(1);
  });

  it('never tracks more than maxAddresses, however many a flood rotates through', () => {
    const limit = createAddressRateLimit({
      ratePerSecond: 1,
      burst: 5,
      maxAddresses: 100,
      now: () => 0,
    });
    for (let i = 0; i < 10_000; i += 1) limit.take(`fd00::${i.toString(16)}`);
    expect(limit.size).toBe(100);
    // The most recent address is still limited.
    const last = 'fd00::270f';
    expect([1, 2, 3, 4, 5].map(() => limit.take(last))).toEqual([true, true, true, true, false]);
  });
});

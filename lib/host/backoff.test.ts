import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';

const steps = (backoff: Backoff, count: number) =>
  Array.from({ length: count }, () => backoff.next());

describe('Backoff', () => {
  it('starts at the initial delay and doubles up to the cap', () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 4_000, jitter: 0 });
    expect(steps(backoff, 6)).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('stays at the cap after very many attempts', () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 4_000, jitter: 0 });
    expect(steps(backoff, 2_000).at(-1)).toBe(4_000);
  });

  it('spreads each delay by at most ± the jitter fraction', () => {
    const low = new Backoff({ initialMs: 1_000, maxMs: 60_000, jitter: 0.2, random: () => 0 });
    const high = new Backoff({
      initialMs: 1_000,
      maxMs: 60_000,
      jitter: 0.2,
      random: () => 0.999_999,
    });
    const middle = new Backoff({ initialMs: 1_000, maxMs: 60_000, jitter: 0.2, random: () => 0.5 });
    expect(steps(low, 3)).toEqual([800, 1_600, 3_200]);
    expect(steps(high, 3)).toEqual([1_200, 2_400, 4_800]);
    expect(steps(middle, 3)).toEqual([1_000, 2_000, 4_000]);
  });

  it('never exceeds the cap, even with jitter pushing upwards', () => {
    const backoff = new Backoff({
      initialMs: 500,
      maxMs: 4_000,
      jitter: 0.2,
      random: () => 0.999_999,
    });
    expect(Math.max(...steps(backoff, 10))).toBe(4_000);
  });

  it('keeps jittered delays within bounds with the real random source', () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 4_000, jitter: 0.2 });
    for (let i = 0; i < 200; i++) {
      const delay = backoff.next();
      const base = Math.min(4_000, 500 * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(Math.min(4_000, base * 1.2));
    }
  });

  it('starts over from the initial delay after reset', () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 4_000, jitter: 0 });
    steps(backoff, 4);
    backoff.reset();
    expect(steps(backoff, 2)).toEqual([500, 1_000]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleLatest } from './throttle-latest.ts';

describe('throttleLatest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies the first value at once', () => {
    const apply = vi.fn();
    throttleLatest(100, apply)(1);
    expect(apply).toHaveBeenCalledExactlyOnceWith(1);
  });

  it('collapses values within the interval into the latest, applied at its end', () => {
    const apply = vi.fn();
    const throttled = throttleLatest(100, apply);
    throttled(1);
    throttled(2);
    throttled(3);
    expect(apply.mock.calls).toEqual([[1]]);
    vi.advanceTimersByTime(100);
    expect(apply.mock.calls).toEqual([[1], [3]]);
  });

  it('keeps throttling while values keep coming, and never drops the last', () => {
    const apply = vi.fn();
    const throttled = throttleLatest(100, apply);
    for (let i = 1; i <= 25; i += 1) {
      throttled(i);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(1_000);
    const values = apply.mock.calls.map(([value]) => value as number);
    expect(values.at(-1)).toBe(25);
    expect(values.length).toBeLessThanOrEqual(4);
  });

  it('applies at once again after a quiet interval', () => {
    const apply = vi.fn();
    const throttled = throttleLatest(100, apply);
    throttled(1);
    vi.advanceTimersByTime(250);
    throttled(2);
    expect(apply.mock.calls).toEqual([[1], [2]]);
  });
});

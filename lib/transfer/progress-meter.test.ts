import { describe, expect, it } from 'vitest';
import { ProgressMeter } from './progress-meter.ts';

function meterAt(times: number[]): ProgressMeter {
  let i = 0;
  return new ProgressMeter(() => times[Math.min(i++, times.length - 1)]!);
}

describe('ProgressMeter', () => {
  it('knows no speed until half a second has been measured', () => {
    const meter = meterAt([0, 300]);
    meter.update(0);
    meter.update(1_000_000);
    expect(meter.bytesPerSecond()).toBeNull();
    expect(meter.secondsLeft(1_000)).toBeNull();
  });

  it('measures bytes per second and the seconds left at that speed', () => {
    const meter = meterAt([0, 500, 1000]);
    meter.update(0);
    meter.update(2_000_000);
    meter.update(4_000_000);
    expect(meter.bytesPerSecond()).toBe(4_000_000);
    expect(meter.secondsLeft(10_000_000)).toBe(3);
  });

  it('follows the recent speed, forgetting what is older than its window', () => {
    const times = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000];
    const meter = meterAt(times);
    meter.update(0);
    meter.update(10_000_000); // fast at first…
    for (let i = 2; i < times.length; i += 1) meter.update(10_000_000 + (i - 1) * 1_000_000);
    // …then 1 MB/s for the last few seconds.
    expect(meter.bytesPerSecond()).toBeCloseTo(1_000_000, -3);
  });

  it('starts over after reset', () => {
    const meter = meterAt([0, 1000, 2000]);
    meter.update(0);
    meter.update(1_000_000);
    meter.reset();
    meter.update(5_000_000);
    expect(meter.bytesPerSecond()).toBeNull();
  });
});

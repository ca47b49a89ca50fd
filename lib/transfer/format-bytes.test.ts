import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1 KB'],
    [1450, '1.4 KB'],
    [52_428_800, '52 MB'],
    [999_999, '1 MB'],
    [9_960, '10 KB'],
    [1_073_741_824, '1.1 GB'],
    [4_294_967_296, '4.3 GB'],
    [-1, '? bytes'],
    [Number.NaN, '? bytes'],
  ])('%d bytes read "%s"', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

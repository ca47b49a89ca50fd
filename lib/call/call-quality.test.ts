import { describe, expect, it } from 'vitest';
import { classifyQuality, readQualitySample } from './call-quality.ts';

describe('classifyQuality', () => {
  it('has nothing to say without data', () => {
    expect(classifyQuality({})).toBeNull();
  });

  it.each([
    [
      { roundTripSeconds: 0.05, packetsLost: 0, packetsReceived: 100, jitterSeconds: 0.005 },
      'good',
    ],
    [{ roundTripSeconds: 0.4 }, 'fair'],
    [{ packetsLost: 3, packetsReceived: 97 }, 'fair'],
    [{ jitterSeconds: 0.05 }, 'fair'],
    [{ roundTripSeconds: 0.8 }, 'poor'],
    [{ roundTripSeconds: 0.05, packetsLost: 10, packetsReceived: 90 }, 'poor'],
    [{ jitterSeconds: 0.15 }, 'poor'],
  ] as const)('%o is %s', (sample, quality) => {
    expect(classifyQuality(sample)).toBe(quality);
  });
});

describe('readQualitySample', () => {
  it('adds up the frames decoded on inbound video streams, and only video ones', () => {
    const report = [
      { type: 'inbound-rtp', kind: 'video', framesDecoded: 120 },
      { type: 'inbound-rtp', kind: 'video', framesDecoded: 30 },
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 500 },
      { type: 'outbound-rtp', kind: 'video', framesEncoded: 999 },
    ];
    expect(readQualitySample(report, null).sample.framesDecoded).toBe(150);
    expect(
      readQualitySample([{ type: 'inbound-rtp', kind: 'audio' }], null).sample.framesDecoded,
    ).toBeUndefined();
  });

  it('counts only the packets of the last interval', () => {
    const first = readQualitySample(
      [{ type: 'inbound-rtp', packetsLost: 50, packetsReceived: 950 }],
      null,
    );
    expect(first.sample).toMatchObject({ packetsLost: 50, packetsReceived: 950 });
    const second = readQualitySample(
      [{ type: 'inbound-rtp', packetsLost: 50, packetsReceived: 1950 }],
      first.totals,
    );
    expect(second.sample).toMatchObject({ packetsLost: 0, packetsReceived: 1000 });
  });

  it('takes the RTT of the selected pair (Chromium: via the transport; Firefox: `selected`)', () => {
    const pairs = [
      { type: 'candidate-pair', id: 'a', currentRoundTripTime: 0.5 },
      { type: 'candidate-pair', id: 'b', currentRoundTripTime: 0.1, selected: true },
    ];
    expect(readQualitySample(pairs, null).sample.roundTripSeconds).toBe(0.1);
    expect(
      readQualitySample([...pairs, { type: 'transport', selectedCandidatePairId: 'a' }], null)
        .sample.roundTripSeconds,
    ).toBe(0.5);
  });

  it('skips entries that are not stats objects and takes the worst jitter', () => {
    const report = [
      null,
      7,
      { type: 'inbound-rtp', jitter: 0.01 },
      { type: 'inbound-rtp', jitter: 0.04 },
    ];
    expect(readQualitySample(report, null).sample.jitterSeconds).toBe(0.04);
  });
});

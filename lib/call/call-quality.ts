/** How the connection feels, as the call page shows it. */
export type CallQuality = 'good' | 'fair' | 'poor';

/** What one `getStats` sample says about the path, all optional (browsers differ). */
export interface QualitySample {
  /** Round-trip time of the selected candidate pair, in seconds. */
  roundTripSeconds?: number;
  /** Packets lost and received on inbound RTP streams since the previous sample. */
  packetsLost?: number;
  packetsReceived?: number;
  /** The worst inbound jitter, in seconds. */
  jitterSeconds?: number;
  /** Video frames decoded so far, over every inbound video stream: rising while video moves. */
  framesDecoded?: number;
}

/**
 * Thresholds, chosen from what interactive calls tolerate (ITU-T G.114 puts one-way
 * delay above 150 ms as noticeable, above 400 ms as unacceptable; video codecs hide
 * about 2 % loss, and stutter visibly beyond 8 %; jitter buffers absorb ~30 ms easily):
 * - good: RTT < 300 ms, loss < 2 %, jitter < 30 ms
 * - poor: RTT ≥ 800 ms, or loss ≥ 8 %, or jitter ≥ 100 ms
 * - fair: anything between.
 */
export const QUALITY_THRESHOLDS = {
  good: { roundTripSeconds: 0.3, lossRatio: 0.02, jitterSeconds: 0.03 },
  poor: { roundTripSeconds: 0.8, lossRatio: 0.08, jitterSeconds: 0.1 },
} as const;

/** The quality a sample shows, or `null` when it has nothing to judge by yet. */
export function classifyQuality(sample: QualitySample): CallQuality | null {
  const { roundTripSeconds: rtt, jitterSeconds: jitter } = sample;
  const counted = (sample.packetsLost ?? 0) + (sample.packetsReceived ?? 0);
  const loss = counted > 0 ? Math.max(0, sample.packetsLost ?? 0) / counted : undefined;
  if (rtt === undefined && loss === undefined && jitter === undefined) return null;
  const { good, poor } = QUALITY_THRESHOLDS;
  if (
    (rtt ?? 0) >= poor.roundTripSeconds ||
    (loss ?? 0) >= poor.lossRatio ||
    (jitter ?? 0) >= poor.jitterSeconds
  ) {
    return 'poor';
  }
  if (
    (rtt ?? 0) < good.roundTripSeconds &&
    (loss ?? 0) < good.lossRatio &&
    (jitter ?? 0) < good.jitterSeconds
  ) {
    return 'good';
  }
  return 'fair';
}

/** Running totals of inbound packets, to turn cumulative counters into per-interval ones. */
export interface PacketTotals {
  lost: number;
  received: number;
}

/**
 * Reads one `RTCStatsReport` (any iterable of stats objects) into a sample, using the
 * totals of the previous read to count only this interval's packets. Returns the sample
 * and the new totals.
 */
export function readQualitySample(
  report: Iterable<unknown>,
  previous: PacketTotals | null,
): { sample: QualitySample; totals: PacketTotals } {
  const sample: QualitySample = {};
  const totals: PacketTotals = { lost: 0, received: 0 };
  let selectedPairId: string | undefined;
  const pairs = new Map<string, Record<string, unknown>>();
  for (const entry of report) {
    if (typeof entry !== 'object' || entry === null) continue;
    const stats = entry as Record<string, unknown>;
    if (stats.type === 'transport' && typeof stats.selectedCandidatePairId === 'string') {
      selectedPairId = stats.selectedCandidatePairId;
    }
    if (stats.type === 'candidate-pair' && typeof stats.id === 'string') pairs.set(stats.id, stats);
    if (stats.type === 'inbound-rtp') {
      totals.lost += numberOr0(stats.packetsLost);
      totals.received += numberOr0(stats.packetsReceived);
      if (typeof stats.jitter === 'number') {
        sample.jitterSeconds = Math.max(sample.jitterSeconds ?? 0, stats.jitter);
      }
      if (stats.kind === 'video' && typeof stats.framesDecoded === 'number') {
        sample.framesDecoded = (sample.framesDecoded ?? 0) + stats.framesDecoded;
      }
    }
  }
  // Chromium names the selected pair on the transport; Firefox marks it `selected`.
  const selected =
    (selectedPairId ? pairs.get(selectedPairId) : undefined) ??
    [...pairs.values()].find((pair) => pair.selected === true || pair.nominated === true);
  if (typeof selected?.currentRoundTripTime === 'number') {
    sample.roundTripSeconds = selected.currentRoundTripTime;
  }
  if (totals.lost + totals.received > 0) {
    sample.packetsLost = totals.lost - (previous?.lost ?? 0);
    sample.packetsReceived = totals.received - (previous?.received ?? 0);
  }
  return { sample, totals };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

// What bench:transfer prints: lines for people, then one JSON line with every figure.
// Throughput is in MB/s of 1,000,000 bytes; memory in bytes (JSON) and MiB (lines).
import { footprint, type HeapPeak } from '../support/heap-sampler.ts';
import type { TransferOptions } from './options.ts';
import type { RawSendTimes } from './raw-channel.ts';

/** One transfer and what the receiver's heap did meanwhile. */
export interface MeasuredTransfer {
  times: RawSendTimes;
  heap: HeapPeak;
  /** Footprint after the transfer and a forced garbage collection, minus the baseline. */
  retainedBytes: number;
}

/** What else ran: the figures of a loaded machine are read with that in mind. */
export interface RunContext {
  builtAt: Date;
  chromium: string;
  cpus: number;
  /** The 1-minute load average when measuring began, and when it ended. */
  loadBefore: number;
  loadAfter: number;
}

export interface TransferReport {
  lines: string[];
  figures: Record<string, number | string>;
}

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;
/** A setting's size as given: '64 KiB', '1 GiB', not '0.1 MiB'. */
const size = (bytes: number): string => {
  const [unit, scale] =
    bytes >= 1024 * MIB ? ['GiB', 1024 * MIB] : bytes >= MIB ? ['MiB', MIB] : ['KiB', 1024];
  return `${Number((bytes / scale).toFixed(2))} ${unit}`;
};
const signedMib = (bytes: number): string => `${bytes < 0 ? '−' : '+'}${mib(Math.abs(bytes))}`;
const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** Bytes per second, in MB (1e6 bytes). */
const mbPerS = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

export function transferReport(
  options: TransferOptions,
  raw: MeasuredTransfer,
  context: RunContext,
): TransferReport {
  const { times, heap } = raw;
  const rate = mbPerS(options.bytes, times.acked);
  const growth = (field: 'usedSize' | 'backingStorageSize' | 'embedderHeapUsedSize') =>
    heap.fieldPeaks[field] - heap.baseline[field];

  const lines = [
    'bench:transfer: a bare, back-pressured RTCDataChannel between two Chromium profiles on loopback',
    `${context.chromium}; build of ${context.builtAt.toISOString()}; ${context.cpus} CPUs, load average ${context.loadBefore.toFixed(2)} → ${context.loadAfter.toFixed(2)}`,
    `${size(options.bytes)} in ${size(options.chunkBytes)} messages; sending pauses at ${size(options.highWaterBytes)} buffered and resumes at ${size(options.lowWaterBytes)}; ${size(options.warmUpBytes)} sent first to warm up`,
    '',
    'raw RTCDataChannel, the receiver counts and drops every byte',
    `  throughput   ${rate.toFixed(1)} MB/s (1 MB = 1e6 bytes): first send → the receiver's ack, ${(times.acked / 1000).toFixed(2)} s on the sender's clock`,
    `               last chunk handed to send() at ${(times.lastSent / 1000).toFixed(2)} s; ${times.messages} messages, ${times.pauses} pauses for 'bufferedamountlow'`,
    `  receiver     JS heap + array buffers: ${mib(footprint(heap.baseline))} after a forced GC, peak ${signedMib(heap.peakGrowth)} over it; ${signedMib(raw.retainedBytes)} after the transfer and another GC`,
    `               peaks by field: JS heap ${signedMib(growth('usedSize'))}, array buffers ${signedMib(growth('backingStorageSize'))}; Blink's heap ${signedMib(growth('embedderHeapUsedSize'))} (not in the footprint)`,
    `               ${heap.samples} readings of Runtime.getHeapUsage every ${options.sampleIntervalMs} ms or more (longest gap ${heap.longestGapMs.toFixed(0)} ms)`,
  ];

  const figures = {
    bench: 'transfer',
    raw_mb_per_s: round(rate, 2),
    raw_bytes: options.bytes,
    raw_seconds: round(times.acked / 1000, 3),
    raw_last_send_seconds: round(times.lastSent / 1000, 3),
    raw_messages: times.messages,
    raw_pauses: times.pauses,
    raw_baseline_bytes: footprint(heap.baseline),
    raw_peak_bytes: footprint(heap.peak),
    raw_peak_growth_bytes: heap.peakGrowth,
    raw_peak_js_heap_growth_bytes: growth('usedSize'),
    raw_peak_array_buffer_growth_bytes: growth('backingStorageSize'),
    raw_peak_embedder_heap_growth_bytes: growth('embedderHeapUsedSize'),
    raw_retained_bytes: raw.retainedBytes,
    raw_heap_samples: heap.samples,
    raw_heap_longest_gap_ms: round(heap.longestGapMs, 1),
    chunk_bytes: options.chunkBytes,
    high_water_bytes: options.highWaterBytes,
    low_water_bytes: options.lowWaterBytes,
    warm_up_bytes: options.warmUpBytes,
    heap_sample_interval_ms: options.sampleIntervalMs,
    chromium: context.chromium,
    built_at: context.builtAt.toISOString(),
    cpus: context.cpus,
    load_avg_1m: round(context.loadBefore, 2),
    load_avg_1m_end: round(context.loadAfter, 2),
  };
  return { lines, figures };
}

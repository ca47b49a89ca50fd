// What bench:transfer prints: lines for people, then one JSON line with every figure.
// Throughput is in MB/s of 1,000,000 bytes; memory in bytes (JSON) and MiB (lines).
import { footprint, type HeapPeak } from '../support/heap-sampler.ts';
import type { TransferOptions } from './options.ts';
import type { CpuShare } from '../support/cpu-clock.ts';
import type { PairCpuSeconds } from './pair-cpu.ts';
import {
  HIGH_WATER_BYTES,
  LOW_WATER_BYTES,
  MESSAGE_BYTES,
} from '../../lib/transfer/send/pump-file.ts';
import type { ParleyTransfer } from './parley-transfer.ts';
import type { RawSendTimes } from './raw-channel.ts';

/** Parley's throughput at least this share of the raw channel's… */
export const THROUGHPUT_TARGET = 0.9;
/** …the receiver's peak memory growth at most this many times the raw receiver's… */
export const MEMORY_TARGET = 1.5;
/** …and no more than this much larger for the large file than for the first. */
export const LARGE_MEMORY_TARGET = 1.1;

/** One transfer and what the receiver's heap did meanwhile. */
export interface MeasuredTransfer {
  times: RawSendTimes;
  heap: HeapPeak;
  /** Footprint after the transfer and a forced garbage collection, minus the baseline. */
  retainedBytes: number;
  /** From the first send to the receiver's ack. */
  cpuSeconds: PairCpuSeconds;
}

/** The raw channel again, both ends hashing every byte: no memory readings. */
export interface HashedTransfer {
  times: RawSendTimes;
  cpuSeconds: PairCpuSeconds;
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

/** Everything one run measured. */
export interface TransferRun {
  raw: MeasuredTransfer;
  rawHashed: HashedTransfer;
  parley: ParleyTransfer;
  /** The large Parley transfer, unless skipped. */
  large: ParleyTransfer | null;
  /** Transfers whose stored copy B's host had not deleted after saving it. */
  leftovers: string[];
}

export interface TransferReport {
  lines: string[];
  figures: Record<string, number | string | boolean | null>;
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
  run: TransferRun,
  context: RunContext,
): TransferReport {
  const { raw, parley, large } = run;
  const { times, heap } = raw;
  const rate = mbPerS(options.bytes, times.acked);
  const growth = (field: 'usedSize' | 'backingStorageSize' | 'embedderHeapUsedSize') =>
    heap.fieldPeaks[field] - heap.baseline[field];

  const lines = [
    "bench:transfer: Parley's file transfer against a bare, back-pressured RTCDataChannel, two Chromium profiles on loopback",
    `${context.chromium}; build of ${context.builtAt.toISOString()}; ${context.cpus} CPUs, load average ${context.loadBefore.toFixed(2)} → ${context.loadAfter.toFixed(2)}`,
    '',
    'raw RTCDataChannel, the receiver counts and drops every byte',
    `  ${size(options.bytes)} in ${size(options.chunkBytes)} messages; sending pauses at ${size(options.highWaterBytes)} buffered and resumes at ${size(options.lowWaterBytes)}; ${size(options.warmUpBytes)} sent first to warm up`,
    `  throughput   ${rate.toFixed(1)} MB/s (1 MB = 1e6 bytes): first send → the receiver's ack, ${(times.acked / 1000).toFixed(2)} s on the sender's clock`,
    `               last chunk handed to send() at ${(times.lastSent / 1000).toFixed(2)} s; ${times.messages} messages, ${times.pauses} pauses for 'bufferedamountlow'`,
    ...cpuLines(raw.cpuSeconds, options.bytes),
    `  receiver     JS heap + array buffers: ${mib(footprint(heap.baseline))} after a forced GC, peak ${signedMib(heap.peakGrowth)} over it; ${signedMib(raw.retainedBytes)} after the transfer and another GC`,
    `               peaks by field: JS heap ${signedMib(growth('usedSize'))}, array buffers ${signedMib(growth('backingStorageSize'))}; Blink's heap ${signedMib(growth('embedderHeapUsedSize'))} (not in the footprint)`,
    `               ${heap.samples} readings of Runtime.getHeapUsage every ${options.sampleIntervalMs} ms or more (longest gap ${heap.longestGapMs.toFixed(0)} ms)`,
  ];

  const hashed = run.rawHashed;
  const hashedRate = mbPerS(options.bytes, hashed.times.acked);
  const hashedRatio = round(hashedRate / rate, 2);
  lines.push(
    '',
    'the same raw channel, both ends also taking a SHA-256 of every byte (hash-wasm in a worker each, as Parley)',
    `  throughput   ${hashedRate.toFixed(1)} MB/s, ${(hashed.times.acked / 1000).toFixed(2)} s; both SHA-256s equal (${hashed.times.sentSha256?.slice(0, 12)}…)`,
    ...cpuLines(hashed.cpuSeconds, options.bytes),
    `  ratio to raw ${hashedRatio.toFixed(2)}: the most a transfer that hashes every byte on both ends while it moves (with hash-wasm) reaches here`,
  );

  const parleyRate = mbPerS(parley.bytes, parley.times.complete);
  const throughputRatio = round(parleyRate / rate, 2);
  const memoryRatio =
    heap.peakGrowth > 0 ? round(parley.heap.peakGrowth / heap.peakGrowth, 2) : null;
  const largeRatio =
    large && parley.heap.peakGrowth > 0
      ? round(large.heap.peakGrowth / parley.heap.peakGrowth, 2)
      : null;
  const verdict = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'MISSED');
  const throughputMet = throughputRatio >= THROUGHPUT_TARGET;
  const memoryMet = memoryRatio === null ? null : memoryRatio <= MEMORY_TARGET;
  const largeMet = largeRatio === null ? null : largeRatio <= LARGE_MEMORY_TARGET;
  const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(2));
  const cpuRatio = round(
    cpuPerGib(raw.cpuSeconds, options.bytes) / cpuPerGib(parley.cpuSeconds, parley.bytes),
    2,
  );

  lines.push(
    '',
    "Parley: A's conversation view → A's host → a negotiated data channel → B's host → B's sink worker (OPFS, SHA-256) → B's Downloads",
    `  Parley sends ${size(MESSAGE_BYTES)} messages, pausing above ${size(HIGH_WATER_BYTES)} buffered until ${size(LOW_WATER_BYTES)} (its pump's own settings); ${size(options.warmUpBytes)} sent first to warm up`,
    ...parleyLines(parley),
    ...(large ? parleyLines(large) : ['', `  (the large transfer was skipped: --no-4g)`]),
    ...(run.leftovers.length > 0
      ? ['', `  B's host still held ${run.leftovers.length} stored file(s) after saving them`]
      : []),
    '',
    'targets',
    `  throughput      Parley / raw ${fixed(throughputRatio)}   target ≥ ${THROUGHPUT_TARGET}: ${verdict(throughputMet)}`,
    `  memory          Parley / raw ${fixed(memoryRatio)}   target ≤ ${MEMORY_TARGET}: ${verdict(memoryMet)}`,
    `  memory by size  ${large ? size(large.bytes) : 'large'} / ${size(parley.bytes)} ${fixed(largeRatio)}   target ≤ ${LARGE_MEMORY_TARGET}: ${large ? verdict(largeMet) : 'skipped'}`,
    '',
    `CPU per GiB, raw / Parley ${fixed(cpuRatio)} (not a target: on a machine whose cores the transfer fills, the throughput ratio follows it)`,
    `Parley / the hashing raw channel ${fixed(round(parleyRate / hashedRate, 2))} (not a target: what Parley adds beyond hashing)`,
  );

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
    raw_cpu_seconds_sender: round(raw.cpuSeconds.sender, 2),
    raw_cpu_seconds_receiver: round(raw.cpuSeconds.receiver, 2),
    raw_cpu_seconds_per_gib: round(cpuPerGib(raw.cpuSeconds, options.bytes), 2),
    raw_hashed_mb_per_s: round(hashedRate, 2),
    raw_hashed_seconds: round(hashed.times.acked / 1000, 3),
    raw_hashed_cpu_seconds_sender: round(hashed.cpuSeconds.sender, 2),
    raw_hashed_cpu_seconds_receiver: round(hashed.cpuSeconds.receiver, 2),
    raw_hashed_cpu_seconds_per_gib: round(cpuPerGib(hashed.cpuSeconds, options.bytes), 2),
    hashed_ratio: hashedRatio,
    parley_vs_hashed_ratio: round(parleyRate / hashedRate, 2),
    raw_heap_samples: heap.samples,
    raw_heap_longest_gap_ms: round(heap.longestGapMs, 1),
    parley_bytes: parley.bytes,
    parley_mb_per_s: round(parleyRate, 2),
    parley_seconds: round(parley.times.complete / 1000, 3),
    ...parleyFigures('parley', parley),
    parley_4g_bytes: large?.bytes ?? null,
    parley_4g_mb_per_s: large ? round(mbPerS(large.bytes, large.times.complete), 2) : null,
    parley_4g_seconds: large ? round(large.times.complete / 1000, 3) : null,
    ...parleyFigures('parley_4g', large),
    opfs_leftovers: run.leftovers.length,
    throughput_ratio: throughputRatio,
    memory_ratio: memoryRatio,
    memory_4g_vs_1g: largeRatio,
    cpu_ratio: cpuRatio,
    throughput_ratio_target: THROUGHPUT_TARGET,
    memory_ratio_target: MEMORY_TARGET,
    memory_4g_vs_1g_target: LARGE_MEMORY_TARGET,
    throughput_target_met: throughputMet,
    memory_target_met: memoryMet,
    memory_4g_target_met: largeMet,
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

/** What one Parley transfer took, and what B's host and its sink worker held meanwhile. */
function parleyLines(transfer: ParleyTransfer): string[] {
  const { times, heap } = transfer;
  const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—');
  const worker = heap.workers[0];
  const workers =
    heap.workers.length === 1
      ? `the sink worker started at ${mib(footprint(worker!.start))} (its bare isolate, not counted), peak ${signedMib(worker!.peakGrowth)} over it`
      : `${heap.workers.length} sink workers`;
  // The host tells views of progress at most every 250 ms: 'verifying' may never show.
  const lastSent = Number.isFinite(times.verifying)
    ? `every byte and the hash sent at ${s(times.verifying)}`
    : "'verifying' and 'complete' came in one state update";
  return [
    '',
    `  ${size(transfer.bytes)}`,
    `  throughput   ${mbPerS(transfer.bytes, times.complete).toFixed(1)} MB/s: file picked → A's host says complete (B checked the SHA-256), ${s(times.complete)} on A's page clock`,
    `               offered at ${s(times.offered)}, bytes flowing at ${s(times.transferring)}, ${lastSent}; B's copy whole in Downloads at ${s(transfer.savedMs)} (its SHA-256 checked)`,
    `  receiver     B's host + sink worker, JS heaps + array buffers: peak ${signedMib(heap.peakGrowth)} over their baselines (host ${signedMib(heap.peakRootGrowth)}, worker ${signedMib(heap.peakWorkersGrowth)}; JS heaps ${signedMib(heap.peakJsHeapGrowth)}, array buffers ${signedMib(heap.peakArrayBufferGrowth)})`,
    `               host ${mib(footprint(heap.rootBaseline))} after a forced GC, its own peak ${signedMib(heap.rootPeakGrowth)}, ${signedMib(transfer.retainedBytes)} after the transfer and another GC; ${workers}`,
    `               ${heap.samples} rounds of Runtime.getHeapUsage, from the pick until B's copy was saved (longest gap ${heap.longestGapMs.toFixed(0)} ms)`,
    ...cpuLines(transfer.cpuSeconds, transfer.bytes),
  ];
}

const GiB = 1024 ** 3;
const cpuTotal = (cpu: PairCpuSeconds) => cpu.sender + cpu.receiver;
/** CPU seconds per GiB moved, both browsers together. */
const cpuPerGib = (cpu: PairCpuSeconds, bytes: number) => (cpuTotal(cpu) / bytes) * GiB;

function cpuLines(cpu: PairCpuSeconds, bytes: number): string[] {
  // The threads that took the most, per side: where a transfer's CPU goes.
  const top = (shares: CpuShare[]) =>
    shares
      .slice(0, 8)
      .map((share) => `${share.process} ${share.thread} ${share.seconds.toFixed(1)}`)
      .join(', ');
  return [
    `  CPU          ${cpuTotal(cpu).toFixed(1)} s, both browsers, every process (A ${cpu.sender.toFixed(1)} s, B ${cpu.receiver.toFixed(1)} s): ${cpuPerGib(cpu, bytes).toFixed(1)} s per GiB`,
    `               A's busiest threads (s): ${top(cpu.senderShares)}`,
    `               B's busiest threads (s): ${top(cpu.receiverShares)}`,
  ];
}

function parleyFigures(
  prefix: string,
  transfer: ParleyTransfer | null,
): Record<string, number | null> {
  const seconds = (ms: number | undefined) =>
    ms === undefined || !Number.isFinite(ms) ? null : round(ms / 1000, 3);
  const heap = transfer?.heap;
  const worker = heap?.workers[0];
  return {
    [`${prefix}_offered_seconds`]: seconds(transfer?.times.offered),
    [`${prefix}_transferring_seconds`]: seconds(transfer?.times.transferring),
    [`${prefix}_last_send_seconds`]: seconds(transfer?.times.verifying),
    [`${prefix}_saved_seconds`]: seconds(transfer?.savedMs),
    [`${prefix}_peak_growth_bytes`]: heap?.peakGrowth ?? null,
    [`${prefix}_peak_host_share_bytes`]: heap?.peakRootGrowth ?? null,
    [`${prefix}_peak_worker_share_bytes`]: heap?.peakWorkersGrowth ?? null,
    [`${prefix}_peak_js_heap_growth_bytes`]: heap?.peakJsHeapGrowth ?? null,
    [`${prefix}_peak_array_buffer_growth_bytes`]: heap?.peakArrayBufferGrowth ?? null,
    [`${prefix}_host_baseline_bytes`]: heap ? footprint(heap.rootBaseline) : null,
    [`${prefix}_host_peak_growth_bytes`]: heap?.rootPeakGrowth ?? null,
    [`${prefix}_worker_start_bytes`]: worker ? footprint(worker.start) : null,
    [`${prefix}_worker_peak_growth_bytes`]: worker?.peakGrowth ?? null,
    [`${prefix}_sink_workers`]: heap?.workers.length ?? null,
    [`${prefix}_retained_bytes`]: transfer?.retainedBytes ?? null,
    [`${prefix}_cpu_seconds_sender`]: transfer ? round(transfer.cpuSeconds.sender, 2) : null,
    [`${prefix}_cpu_seconds_receiver`]: transfer ? round(transfer.cpuSeconds.receiver, 2) : null,
    [`${prefix}_cpu_seconds_per_gib`]: transfer
      ? round(cpuPerGib(transfer.cpuSeconds, transfer.bytes), 2)
      : null,
    [`${prefix}_heap_samples`]: heap?.samples ?? null,
    [`${prefix}_heap_longest_gap_ms`]: heap ? round(heap.longestGapMs, 1) : null,
  };
}

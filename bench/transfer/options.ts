// bench:transfer's settings, from its command line: a full run moves 1 GiB each way it is
// measured, then 4 GiB through Parley; a quick check far less
// (`npm run bench:transfer -- --bytes 64MiB --no-4g`).
import { parseArgs } from 'node:util';
import {
  HIGH_WATER_BYTES,
  LOW_WATER_BYTES,
  MESSAGE_BYTES,
} from '../../lib/transfer/send/pump-file.ts';

export interface TransferOptions {
  /** What the raw reference and Parley's first measured transfer each move. */
  bytes: number;
  /** What Parley's large transfer moves (to see that memory does not grow with size), or 0 to skip it. */
  largeBytes: number;
  /** Moved once before measuring, to warm up both browsers and the channel. */
  warmUpBytes: number;
  chunkBytes: number;
  highWaterBytes: number;
  lowWaterBytes: number;
  /** How often the receiver's heap is read. */
  sampleIntervalMs: number;
}

export const USAGE = `usage: bench/transfer/run.ts [--bytes 1GiB] [--large 4GiB | --no-4g] [--chunk 256KiB] [--high 4MiB] [--low 1MiB] [--interval 50]
  sizes take B, KiB, MiB or GiB (powers of 1024); --interval is in ms
  --chunk, --high and --low shape the raw reference only (by default as Parley's pump
  sends: the same messages and back-pressure); Parley sends as it always does
  --no-4g skips Parley's large transfer, for a quick run`;

/** Chromium refuses a data channel message over 256 KiB. */
const MAX_CHUNK = 256 * 1024;
/** libwebrtc queues at most 16 MiB per data channel; a send past that fails. */
const MAX_BUFFERED = 16 * 1024 * 1024;
const WARM_UP_BYTES = 64 * 1024 * 1024;

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** '64KiB', '1.5 GiB' or '4096' (bytes) → bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/.exec(text.trim());
  if (!match) throw new Error(`Not a size: '${text}' (try 64KiB, 1MiB, 1GiB).`);
  const bytes = Math.round(Number(match[1]) * UNITS[match[2] ?? 'B']!);
  if (bytes <= 0) throw new Error(`A size must be positive: '${text}'.`);
  return bytes;
}

export function parseOptions(args: string[]): TransferOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    allowNegative: true,
    options: {
      bytes: { type: 'string', default: '1GiB' },
      large: { type: 'string', default: '4GiB' },
      '4g': { type: 'boolean', default: true },
      // The reference moves bytes exactly as Parley's pump does, so what the ratio shows
      // is the cost of everything else: hashing, storing, the host and the views.
      chunk: { type: 'string', default: `${MESSAGE_BYTES}` },
      high: { type: 'string', default: `${HIGH_WATER_BYTES}` },
      low: { type: 'string', default: `${LOW_WATER_BYTES}` },
      interval: { type: 'string', default: '50' },
    },
  });
  const options: TransferOptions = {
    bytes: parseSize(values.bytes),
    largeBytes: values['4g'] ? parseSize(values.large) : 0,
    warmUpBytes: 0,
    chunkBytes: parseSize(values.chunk),
    highWaterBytes: parseSize(values.high),
    lowWaterBytes: parseSize(values.low),
    sampleIntervalMs: Number(values.interval),
  };
  options.warmUpBytes = Math.min(options.bytes, WARM_UP_BYTES);
  if (options.chunkBytes > MAX_CHUNK) throw new Error(`--chunk may be at most 256KiB.`);
  if (options.lowWaterBytes >= options.highWaterBytes)
    throw new Error(`--low must be below --high.`);
  if (options.highWaterBytes + options.chunkBytes > MAX_BUFFERED) {
    throw new Error(`--high plus --chunk may be at most 16MiB.`);
  }
  if (!(options.sampleIntervalMs >= 10)) throw new Error(`--interval must be 10 ms or more.`);
  return options;
}

import type { ByteChannel } from './byte-channel.ts';
import { Interruptions } from './interruptions.ts';
import { readSlice } from './read-slice.ts';
import { ChannelClosedError } from './transfer-errors.ts';
import { waitForDrain } from './wait-for-drain.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Bytes per message: the most Chromium takes (Firefox takes more). Each message costs
 * every layer (the pump, SCTP, the receiver's host, the sink worker) a fixed amount of
 * work, so fewer, larger messages leave more of the CPU for moving bytes.
 */
export const MESSAGE_BYTES = 256 * KiB;
/**
 * Bytes per read from the file. Each read costs the host's thread a fixed amount as well
 * (in Chrome, slicing a picked file took about 2 ms, whatever its length), and two reads
 * are held at a time: 4 MiB keeps that under 8 MiB.
 */
export const READ_BYTES = 4 * MiB;
/** Sending pauses while the channel holds more than this… */
export const HIGH_WATER_BYTES = 4 * MiB;
/** …and resumes when it has drained to this. */
export const LOW_WATER_BYTES = 1 * MiB;

export interface PumpFileOptions {
  file: Blob;
  /** The first byte to send: 0, or where the receiver's stored data ends. */
  from: number;
  /** An open channel that carries this file's bytes and nothing else. */
  channel: ByteChannel;
  /** Aborting stops the run; the pump rejects with the signal's reason. */
  signal: AbortSignal;
  /** Called after every message with the bytes handed to the channel in this run so far. */
  onProgress?: (bytesSentThisRun: number) => void;
  /**
   * Called with each slice once every byte of it is handed to the channel (which copies
   * what it is given), with the slice's first byte's offset in the file: the slice is the
   * callee's to keep, or to move to a worker.
   */
  onSliceSent?: (start: number, slice: ArrayBuffer) => void;
  /** Bytes per message; MESSAGE_BYTES, the protocol's most, unless a test says less. */
  chunkBytes?: number;
  /** Bytes per read from the file. */
  readBytes?: number;
  /** Sending pauses while more than this is buffered in the channel… */
  highWater?: number;
  /** …and resumes when the channel says it has drained to this. */
  lowWater?: number;
}

/**
 * Sends bytes `from` … end of `file` over `channel` as binary messages of at most
 * `chunkBytes`, in order, at the speed of the channel. Resolves once the last byte has been
 * handed to the channel, which may still be sending it.
 *
 * Back-pressure: when more than `highWater` is buffered, the pump waits for
 * 'bufferedamountlow' (at `lowWater`) instead of sending, so the channel's buffer never
 * holds more than `highWater + chunkBytes`. Pausing at 1–4 MiB kept a channel as busy as
 * 8–16 MiB did, with less held in memory.
 *
 * Memory: at most two read slices (the one being sent and the next, read while the first
 * is sent so that the disk never waits for the channel), plus what the channel buffers.
 *
 * Rejects with SourceUnreadableError when the file can no longer be read, with
 * ChannelClosedError when the channel closes or fails, and with the signal's reason when
 * aborted. It never closes the channel: that is the caller's to do.
 */
export async function pumpFile(options: PumpFileOptions): Promise<void> {
  const {
    file,
    from,
    channel,
    signal,
    onProgress,
    onSliceSent,
    chunkBytes = MESSAGE_BYTES,
    readBytes = READ_BYTES,
    highWater = HIGH_WATER_BYTES,
    lowWater = LOW_WATER_BYTES,
  } = options;
  const size = file.size;
  if (!Number.isSafeInteger(from) || from < 0 || from > size)
    throw new RangeError(`Cannot send from byte ${from} of a ${size}-byte file`);
  checkSizes(chunkBytes, readBytes, highWater, lowWater);
  signal.throwIfAborted();
  if (from === size) return;
  if (channel.readyState === 'connecting')
    throw new Error('The data channel must be open before the file is sent');
  if (channel.readyState !== 'open') throw new ChannelClosedError();

  const interruptions = new Interruptions(channel, signal);
  const readFrom = (start: number) => {
    const read = readSlice(file, start, Math.min(size, start + readBytes));
    // If the run ends before this read is used, its failure is nobody's news.
    read.catch(() => {});
    return read;
  };
  try {
    channel.bufferedAmountLowThreshold = lowWater;
    let sent = 0;
    let next: Promise<ArrayBuffer> | undefined = readFrom(from);
    while (next) {
      const slice: ArrayBuffer = await interruptions.wait(next);
      const start = from + sent;
      const end = start + slice.byteLength;
      next = end < size ? readFrom(end) : undefined;
      for (let offset = 0; offset < slice.byteLength; offset += chunkBytes) {
        if (channel.bufferedAmount > highWater) await waitForDrain(channel, interruptions);
        // An abort or close can also come while no wait is pending (from onProgress, say).
        interruptions.throwIfInterrupted();
        const message = new Uint8Array(
          slice,
          offset,
          Math.min(chunkBytes, slice.byteLength - offset),
        );
        send(channel, message);
        sent += message.byteLength;
        onProgress?.(sent);
      }
      onSliceSent?.(start, slice);
    }
  } finally {
    interruptions.dispose();
  }
}

function send(channel: ByteChannel, message: Uint8Array<ArrayBuffer>): void {
  // A channel that is closing has not said so yet; it will, but not before this send throws.
  if (channel.readyState !== 'open') throw new ChannelClosedError();
  try {
    channel.send(message);
  } catch (error) {
    if (channel.readyState !== 'open') throw new ChannelClosedError({ cause: error });
    throw error;
  }
}

function checkSizes(chunkBytes: number, readBytes: number, highWater: number, lowWater: number) {
  const isCount = (value: number) => Number.isSafeInteger(value) && value >= 0;
  if (!isCount(chunkBytes) || chunkBytes === 0 || !isCount(readBytes) || readBytes === 0)
    throw new RangeError(`Cannot send in ${chunkBytes}-byte messages from ${readBytes}-byte reads`);
  if (!isCount(lowWater) || !isCount(highWater) || lowWater > highWater)
    throw new RangeError(`Cannot pause above ${highWater} bytes and resume at ${lowWater}`);
}

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ByteChannel } from './byte-channel.ts';
import { HIGH_WATER_BYTES, MESSAGE_BYTES, pumpFile, type PumpFileOptions } from './pump-file.ts';
import { FakeByteChannel } from './testing/fake-byte-channel.ts';
import { blobReadingWith, byteDifference, patternBytes } from './testing/test-blobs.ts';
import { ChannelClosedError, SourceUnreadableError } from './transfer-errors.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = MESSAGE_BYTES;
const READ = 1 * MiB;

/** Small sizes, so that a few KiB already cross every boundary. */
const SMALL = { chunkBytes: 1 * KiB, readBytes: 4 * KiB, highWater: 8 * KiB, lowWater: 2 * KiB };

function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(byteDifference(actual, expected)).toEqual({
    length: expected.length,
    firstDifference: -1,
  });
}

/** Lets every pending task and promise run, several times over. */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}

function pump(options: Partial<PumpFileOptions> & Pick<PumpFileOptions, 'file' | 'channel'>) {
  return pumpFile({ from: 0, signal: new AbortController().signal, ...options });
}

/** How many listeners are on `signal` now, counting from this call. */
function signalListeners(signal: AbortSignal): () => number {
  const add = vi.spyOn(signal, 'addEventListener');
  const remove = vi.spyOn(signal, 'removeEventListener');
  return () => add.mock.calls.length - remove.mock.calls.length;
}

/** A pump over a channel that only drains when the test says, paused once it is full. */
async function pausedPump(signal = new AbortController().signal) {
  const bytes = patternBytes(64 * KiB);
  const channel = new FakeByteChannel();
  const listenersOnSignal = signalListeners(signal);
  const done = pumpFile({ file: new Blob([bytes]), from: 0, channel, signal, ...SMALL });
  done.catch(() => {});
  await settle();
  return { bytes, channel, done, listenersOnSignal };
}

function drainUntilSettled(channel: FakeByteChannel, done: Promise<void>): Promise<void> {
  let running = true;
  void done.finally(() => (running = false)).catch(() => {});
  const tick = (): void => {
    channel.drain();
    if (running) setTimeout(tick, 0);
  };
  tick();
  return done;
}

describe('pumpFile', () => {
  it('satisfies ByteChannel with a real RTCDataChannel', () => {
    // Checked by the compiler: this must type-check as it is.
    const asByteChannel = (channel: RTCDataChannel): ByteChannel => channel;
    expect(asByteChannel).toBeTypeOf('function');
  });

  describe('sends every byte from `from`, in order, in messages of at most chunkBytes', () => {
    const sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, READ - 1, READ, READ + 1, 7 * MiB + 12_345];
    it.each(sizes)('a %i-byte file', async (size) => {
      const bytes = patternBytes(size);
      for (const from of new Set([0, Math.min(size, 1), Math.floor(size / 3), size])) {
        const channel = new FakeByteChannel({ drainPerTick: 512 * KiB });
        await pump({ file: new Blob([bytes]), from, channel });
        expectBytes(channel.received(), bytes.subarray(from));
        expect(channel.messages.every((m) => m.length > 0 && m.length <= CHUNK)).toBe(true);
        expect(channel.peakBuffered).toBeLessThanOrEqual(HIGH_WATER_BYTES + CHUNK);
        expect(channel.listenerCount()).toBe(0);
      }
    });

    it('for any size, offset, and message, read and water sizes', async () => {
      const sizes = fc
        .record({
          chunkBytes: fc.integer({ min: 1, max: 300 }),
          readFactor: fc.integer({ min: 1, max: 5 }),
          readExtra: fc.integer({ min: 0, max: 299 }),
          lowWater: fc.integer({ min: 0, max: 2_000 }),
          extraWater: fc.integer({ min: 0, max: 2_000 }),
          drainPerTick: fc.integer({ min: 1, max: 3_000 }),
        })
        .chain((s) => {
          const readBytes = s.chunkBytes * s.readFactor + s.readExtra;
          return fc
            .integer({ min: 0, max: 4 * readBytes + 1 })
            .chain((size) =>
              fc.record({ size: fc.constant(size), from: fc.integer({ min: 0, max: size }) }),
            )
            .map((file) => ({ ...s, ...file, readBytes, highWater: s.lowWater + s.extraWater }));
        });
      await fc.assert(
        fc.asyncProperty(sizes, async (s) => {
          const bytes = patternBytes(s.size, s.size + 7);
          const channel = new FakeByteChannel({ drainPerTick: s.drainPerTick });
          const progress: number[] = [];
          await pump({
            file: new Blob([bytes]),
            from: s.from,
            channel,
            chunkBytes: s.chunkBytes,
            readBytes: s.readBytes,
            highWater: s.highWater,
            lowWater: s.lowWater,
            onProgress: (sent) => progress.push(sent),
          });
          expectBytes(channel.received(), bytes.subarray(s.from));
          expect(channel.messages.every((m) => m.length > 0 && m.length <= s.chunkBytes)).toBe(
            true,
          );
          expect(channel.peakBuffered).toBeLessThanOrEqual(s.highWater + s.chunkBytes);
          expect(progress).toEqual(
            channel.messages.map((_, i) =>
              channel.messages.slice(0, i + 1).reduce((sum, m) => sum + m.length, 0),
            ),
          );
          expect(channel.listenerCount()).toBe(0);
        }),
        { numRuns: 200 },
      );
    });
  });

  it('sends nothing for a 0-byte file, or from its end, and resolves', async () => {
    const channel = new FakeByteChannel();
    await pump({ file: new Blob([]), channel });
    await pump({ file: new Blob([patternBytes(10)]), from: 10, channel });
    expect(channel.messages).toEqual([]);
    expect(channel.listenerCount()).toBe(0);
  });

  it('reports the bytes sent in this run, ending at size − from', async () => {
    const channel = new FakeByteChannel({ drainPerTick: Infinity });
    const progress: number[] = [];
    const file = new Blob([patternBytes(10 * KiB + 5)]);
    await pump({ file, from: 3 * KiB, channel, ...SMALL, onProgress: (n) => progress.push(n) });
    expect(progress.at(-1)).toBe(7 * KiB + 5);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('hands over each slice, with its offset, only once all of it is in the channel', async () => {
    const bytes = patternBytes(10 * KiB + 5);
    const channel = new FakeByteChannel({ drainPerTick: 64 * KiB });
    const handed: { start: number; bytes: Uint8Array; sentBefore: number }[] = [];
    await pump({
      file: new Blob([bytes]),
      from: 3 * KiB,
      channel,
      ...SMALL,
      onSliceSent: (start, slice) =>
        handed.push({ start, bytes: new Uint8Array(slice), sentBefore: channel.received().length }),
    });
    expect(handed.map(({ start }) => start)).toEqual([3 * KiB, 7 * KiB]);
    for (const { start, bytes: slice, sentBefore } of handed) {
      expectBytes(slice, bytes.subarray(start, start + slice.length));
      expect(sentBefore).toBe(start - 3 * KiB + slice.length);
    }
  });

  it('reads the next slice while sending the current one, and never further ahead', async () => {
    const bytes = patternBytes(20 * KiB);
    const channel = new FakeByteChannel({ drainPerTick: 3 * KiB });
    const reads: { start: number; sentWhenAsked: number }[] = [];
    const sent = () => channel.messages.reduce((sum, m) => sum + m.length, 0);
    const file = blobReadingWith(new Blob([bytes]), (start, _end, real) => {
      reads.push({ start, sentWhenAsked: sent() });
      return real();
    });
    await pump({ file, from: 1 * KiB, channel, ...SMALL });
    expect(reads.map((read) => read.start)).toEqual([1, 5, 9, 13, 17].map((k) => k * KiB));
    // The second slice was asked for before any of the first was sent.
    expect(reads[1]?.sentWhenAsked).toBe(0);
    // At most two slices are held: the one being sent and the next.
    for (const read of reads)
      expect(read.start - (1 * KiB + read.sentWhenAsked)).toBeLessThanOrEqual(SMALL.readBytes);
  });

  describe('back-pressure', () => {
    it('waits while the channel is full, without polling, and resumes on bufferedamountlow', async () => {
      const { bytes, channel, done } = await pausedPump();
      // Sends while at most highWater (8 KiB) is buffered: the 9th message takes it over.
      expect(channel.messages).toHaveLength(9);
      expect(channel.bufferedAmountLowThreshold).toBe(SMALL.lowWater);
      expect(channel.listenerCount('bufferedamountlow')).toBe(1);

      const reads = channel.bufferedAmountReads;
      await settle(20);
      expect(channel.bufferedAmountReads).toBe(reads);
      expect(channel.messages).toHaveLength(9);

      // Drained, but not yet to lowWater: no event, so still waiting.
      channel.drain(6 * KiB);
      await settle();
      expect(channel.messages).toHaveLength(9);

      channel.drain(1 * KiB);
      await settle();
      // From 2 KiB buffered, seven more messages take it over 8 KiB again.
      expect(channel.messages).toHaveLength(16);
      expect(channel.peakBuffered).toBeLessThanOrEqual(SMALL.highWater + SMALL.chunkBytes);

      await drainUntilSettled(channel, done);
      expectBytes(channel.received(), bytes);
      expect(channel.listenerCount()).toBe(0);
    });

    it('does not wait for an event that came before it listened', async () => {
      // Full when first asked, drained at once after: as if the buffer drained, and the
      // channel fired its event, between the check and the subscription.
      class RacyChannel extends FakeByteChannel {
        #asked = false;
        override get bufferedAmount(): number {
          const amount = this.#asked ? 0 : Infinity;
          this.#asked = true;
          return amount;
        }
      }
      const channel = new RacyChannel();
      await pump({ file: new Blob([patternBytes(100)]), channel, ...SMALL });
      expectBytes(channel.received(), patternBytes(100));
    });
  });

  describe('stopping', () => {
    it('rejects with the reason when aborted mid-way, and sends no more', async () => {
      const controller = new AbortController();
      const { channel, done, listenersOnSignal } = await pausedPump(controller.signal);
      expect(listenersOnSignal()).toBe(1);
      const reason = new Error('cancelled by the user');
      controller.abort(reason);
      await expect(done).rejects.toBe(reason);
      channel.drain();
      await settle();
      expect(channel.messages).toHaveLength(9);
      expect(channel.listenerCount()).toBe(0);
      expect(listenersOnSignal()).toBe(0);
    });

    it('sends nothing more once aborted, even while the channel has room', async () => {
      const controller = new AbortController();
      const channel = new FakeByteChannel();
      const done = pump({
        file: new Blob([patternBytes(10 * KiB)]),
        channel,
        signal: controller.signal,
        ...SMALL,
        onProgress: (sent) => {
          if (sent === 3 * KiB) controller.abort();
        },
      });
      await expect(done).rejects.toMatchObject({ name: 'AbortError' });
      expect(channel.messages).toHaveLength(3);
    });

    it('rejects at once when aborted during a read that does not end', async () => {
      const controller = new AbortController();
      const channel = new FakeByteChannel();
      const file = blobReadingWith(new Blob([patternBytes(10)]), () => new Promise(() => {}));
      const done = pump({ file, channel, signal: controller.signal });
      await settle();
      controller.abort();
      await expect(done).rejects.toMatchObject({ name: 'AbortError' });
      expect(channel.listenerCount()).toBe(0);
    });

    it('rejects with the reason, sending nothing, when aborted before it starts', async () => {
      const channel = new FakeByteChannel();
      const reason = new Error('too late');
      const done = pump({
        file: new Blob([patternBytes(10)]),
        channel,
        signal: AbortSignal.abort(reason),
      });
      await expect(done).rejects.toBe(reason);
      expect(channel.messages).toEqual([]);
    });

    it('rejects with ChannelClosedError when the channel closes mid-way', async () => {
      const { channel, done, listenersOnSignal } = await pausedPump();
      channel.close();
      await expect(done).rejects.toBeInstanceOf(ChannelClosedError);
      expect(channel.listenerCount()).toBe(0);
      expect(listenersOnSignal()).toBe(0);
    });

    it('leaves no unhandled rejection from a read still in flight when it stops', async () => {
      const channel = new FakeByteChannel();
      const file = blobReadingWith(new Blob([patternBytes(10 * KiB)]), (start, _end, real) =>
        start === 0
          ? real()
          : new Promise((_, reject) =>
              setTimeout(() => reject(new DOMException('gone', 'NotFoundError')), 20),
            ),
      );
      const done = pump({ file, channel, ...SMALL, highWater: 2 * KiB, lowWater: 0 });
      await settle();
      channel.close();
      await expect(done).rejects.toBeInstanceOf(ChannelClosedError);
      // Vitest fails the run on an unhandled rejection; give the read time to reject.
      await new Promise((resolve) => setTimeout(resolve, 40));
    });

    it('rejects with ChannelClosedError, saying why, when the channel fails', async () => {
      const { channel, done } = await pausedPump();
      const error = new Error('SCTP failure');
      channel.fail(error);
      await expect(done).rejects.toSatisfy(
        (e) => e instanceof ChannelClosedError && e.cause === error,
      );
      expect(channel.listenerCount()).toBe(0);
    });

    it('rejects with ChannelClosedError when the channel closes during a read', async () => {
      const channel = new FakeByteChannel();
      const file = blobReadingWith(new Blob([patternBytes(10)]), () => new Promise(() => {}));
      const done = pump({ file, channel });
      await settle();
      channel.close();
      await expect(done).rejects.toBeInstanceOf(ChannelClosedError);
      expect(channel.listenerCount()).toBe(0);
    });

    it('rejects with ChannelClosedError when the channel is closing but has not said so', async () => {
      const channel = new FakeByteChannel({ drainPerTick: Infinity });
      const file = new Blob([patternBytes(10 * KiB)]);
      const done = pump({
        file,
        channel,
        ...SMALL,
        onProgress: (sent) => {
          if (sent === 5 * KiB) channel.readyState = 'closing';
        },
      });
      await expect(done).rejects.toBeInstanceOf(ChannelClosedError);
      expect(channel.messages).toHaveLength(5);
    });

    it('rejects with ChannelClosedError when the channel is already closed', async () => {
      const channel = new FakeByteChannel();
      channel.close();
      await expect(pump({ file: new Blob([patternBytes(10)]), channel })).rejects.toBeInstanceOf(
        ChannelClosedError,
      );
    });
  });

  describe('a file that can no longer be read', () => {
    const unreadable = (name: string) => new DOMException('The file could not be read', name);

    it.each(['NotReadableError', 'NotFoundError'])(
      'rejects with SourceUnreadableError on %s',
      async (name) => {
        const channel = new FakeByteChannel();
        const file = blobReadingWith(new Blob([patternBytes(10)]), () =>
          Promise.reject(unreadable(name)),
        );
        const error = await pump({ file, channel }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SourceUnreadableError);
        expect((error as Error).cause).toMatchObject({ name });
        expect(channel.messages).toEqual([]);
        expect(channel.listenerCount()).toBe(0);
      },
    );

    it('sends what it read before the file vanished, then rejects', async () => {
      const bytes = patternBytes(20 * KiB);
      const channel = new FakeByteChannel({ drainPerTick: Infinity });
      const file = blobReadingWith(new Blob([bytes]), (start, _end, real) =>
        start >= 8 * KiB ? Promise.reject(unreadable('NotReadableError')) : real(),
      );
      await expect(pump({ file, channel, ...SMALL })).rejects.toBeInstanceOf(SourceUnreadableError);
      expectBytes(channel.received(), bytes.subarray(0, 8 * KiB));
      expect(channel.listenerCount()).toBe(0);
    });

    it('rejects with SourceUnreadableError when a read comes back short', async () => {
      const channel = new FakeByteChannel();
      const file = blobReadingWith(new Blob([patternBytes(10)]), async () => new ArrayBuffer(3));
      await expect(pump({ file, channel })).rejects.toBeInstanceOf(SourceUnreadableError);
    });

    it('passes other failures through', async () => {
      const channel = new FakeByteChannel();
      const failure = new TypeError('a bug');
      const file = blobReadingWith(new Blob([patternBytes(10)]), () => Promise.reject(failure));
      await expect(pump({ file, channel })).rejects.toBe(failure);
    });
  });

  describe('refuses up front', () => {
    const file = new Blob([patternBytes(10)]);

    it.each([-1, 11, 1.5, Number.NaN])('to send from byte %s of 10', async (from) => {
      await expect(pump({ file, from, channel: new FakeByteChannel() })).rejects.toBeInstanceOf(
        RangeError,
      );
    });

    it.each([
      { chunkBytes: 0 },
      { readBytes: 0 },
      { chunkBytes: 1.5 },
      { lowWater: 5, highWater: 4 },
      { lowWater: -1 },
    ])('sizes that cannot work: %o', async (sizes) => {
      await expect(pump({ file, channel: new FakeByteChannel(), ...sizes })).rejects.toBeInstanceOf(
        RangeError,
      );
    });

    it('a channel that is not open yet', async () => {
      const channel = new FakeByteChannel();
      channel.readyState = 'connecting';
      await expect(pump({ file, channel })).rejects.toThrow(/must be open/);
      expect(channel.listenerCount()).toBe(0);
    });
  });
});

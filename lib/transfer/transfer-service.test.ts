import { deleteDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeFrame } from '../wire/decode-frame.ts';
import type { FileFrame } from '../wire/wire-message.ts';
import { createOutgoingFiles } from './outgoing-files.ts';
import { hashBlob } from './send/hash-blob.ts';
import { createHashEngine } from './send/hash-engine.ts';
import { READ_BYTES } from './send/pump-file.ts';
import { LoopbackChannel } from './testing/loopback-channels.ts';
import { MemoryIncomingFiles } from './testing/memory-incoming-files.ts';
import type { TransferState } from './transfer-record.ts';
import { TransferError } from './transfer-ports.ts';
import { TransferService } from './transfer-service.ts';
import { TransferStore } from './transfer-store.ts';
import type { TransferSummary } from './transfer-summary.ts';

const ALICE = 'alice-peer';
const BOB = 'bob-peer';
const KiB = 1024;
const MiB = 1024 * KiB;

/** One host's transfer service, with a real store, the real engine and memory for a disk. */
interface Side {
  id: string;
  peer: string;
  store: TransferStore;
  incoming: MemoryIncomingFiles;
  saved: { name: string; bytes: Uint8Array }[];
  offers: TransferSummary[];
  freeSpace: number | null;
  service: TransferService;
  /** Frames from the peer are handled one at a time, in order, as ChatService does. */
  inbox: Promise<void>;
}

/**
 * Alice and Bob joined by one connection in memory: text frames go through the real
 * decoder, and negotiated data channels pair up by stream id.
 */
class Link {
  readonly sides: Side[] = [];
  up = false;
  #generation = 0;
  readonly #waiting = new Map<string, LoopbackChannel>();
  readonly #open: LoopbackChannel[] = [];
  readonly #databases: string[] = [];
  /** Sends on data channels are damaged this way from now on (see LoopbackChannel). */
  tamper: ((bytes: Uint8Array) => void) | null = null;

  async side(id: string, peer: string): Promise<Side> {
    const name = `transfer-service-test-${crypto.randomUUID()}`;
    this.#databases.push(name);
    const side: Side = {
      id,
      peer,
      store: await TransferStore.open(name),
      incoming: new MemoryIncomingFiles(),
      saved: [],
      offers: [],
      freeSpace: null,
      service: undefined as unknown as TransferService,
      inbox: Promise.resolve(),
    };
    side.service = this.#serviceFor(side);
    await side.service.start();
    this.sides.push(side);
    return side;
  }

  /** The side's host restarts: its memory is gone, its store and flushed disk remain. */
  async restart(side: Side, { crash = false } = {}): Promise<void> {
    if (crash) side.incoming.crash();
    side.service = this.#serviceFor(side);
    await side.service.start();
  }

  connect(): void {
    this.up = true;
    for (const side of this.sides) side.service.linkOpened(side.peer);
  }

  disconnect(): void {
    this.up = false;
    this.#generation += 1;
    for (const channel of this.#open.splice(0)) channel.close();
    this.#waiting.clear();
    for (const side of this.sides) side.service.linkClosed(side.peer);
  }

  /** The other end of the one data channel opened by a single side: to play a rogue peer. */
  takeWaitingChannel(): LoopbackChannel {
    const [entry] = this.#waiting;
    if (!entry) throw new Error('no channel is waiting for its other end');
    this.#waiting.delete(entry[0]);
    return entry[1];
  }

  async close(): Promise<void> {
    this.disconnect();
    for (const side of this.sides) side.store.close();
    for (const name of this.#databases) await deleteDB(name);
  }

  #serviceFor(side: Side): TransferService {
    const other = () => this.sides.find((candidate) => candidate.id === side.peer)!;
    return new TransferService({
      ownId: side.id,
      store: side.store,
      incoming: side.incoming,
      outgoing: createOutgoingFiles(createHashEngine),
      downloads: {
        save: async (file, name) => {
          side.saved.push({ name, bytes: new Uint8Array(await file.arrayBuffer()) });
          return { downloadId: side.saved.length };
        },
        show: vi.fn(),
      },
      isAccepted: (peerId) => peerId === side.peer,
      freeSpace: () => Promise.resolve(side.freeSpace),
      onChange: () => undefined,
      onOffer: (offer) => side.offers.push(offer),
      links: {
        isOnline: (peerId) => this.up && peerId === side.peer,
        send: (peerId, frame) => {
          if (!this.up || peerId !== side.peer) return false;
          const generation = this.#generation;
          setTimeout(() => {
            if (this.#generation !== generation) return; // Lost with the connection.
            const decoded = decodeFrame(frame);
            if (!decoded.ok) throw new Error(`${side.id} sent a bad frame: ${decoded.detail}`);
            const receiver = other();
            receiver.inbox = receiver.inbox.then(() =>
              receiver.service.frameArrived(side.id, decoded.message as FileFrame),
            );
          }, 0);
          return true;
        },
        openChannel: (peerId, id) => {
          if (!this.up || peerId !== side.peer) return null;
          const key = `${id}`;
          const waiting = this.#waiting.get(key);
          if (waiting) {
            this.#waiting.delete(key);
            return waiting;
          }
          const [mine, theirs] = LoopbackChannel.pair(id);
          mine.tamper = this.tamper;
          theirs.tamper = this.tamper;
          this.#open.push(mine, theirs);
          this.#waiting.set(key, theirs);
          return mine;
        },
      },
    });
  }
}

let link: Link;
let alice: Side;
let bob: Side;

beforeEach(async () => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  link = new Link();
  alice = await link.side(ALICE, BOB);
  bob = await link.side(BOB, ALICE);
  link.connect();
});

afterEach(async () => {
  await link.close();
  vi.restoreAllMocks();
});

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536)
    crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
  return bytes;
}

function fileOf(name: string, size: number): File {
  return new File([randomBytes(size)], name);
}

async function until(what: string, condition: () => boolean, timeoutMs = 4_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      const states = link.sides.map(
        (side) => `${side.id}: ${JSON.stringify(side.service.summaries())}`,
      );
      throw new Error(`timed out waiting for ${what}; ${states.join('; ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** The host deletes an ended transfer's partial file as soon as its sink lets go of it. */
async function untilNoFilesLeft(side: Side): Promise<void> {
  await until(`${side.id}'s partial files to be deleted`, () => side.incoming.files.size === 0);
}

function transfer(side: Side, id: string): TransferSummary {
  const found = side.service.summaries().find((summary) => summary.id === id);
  if (!found) throw new Error(`${side.id} has no transfer ${id}`);
  return found;
}

const stateOf = (side: Side, id: string): TransferState => transfer(side, id).state;

/** Alice offers `file`; resolves with the transfer's id once Bob has the offer. */
async function offer(file: File): Promise<string> {
  const before = new Set(alice.service.summaries().map((summary) => summary.id));
  expect(await alice.service.sendFiles(BOB, [file])).toEqual({ ok: true });
  const id = alice.service.summaries().find((summary) => !before.has(summary.id))!.id;
  await until('the offer to reach Bob', () =>
    bob.service.summaries().some((summary) => summary.id === id),
  );
  return id;
}

async function bothIn(id: string, state: TransferState): Promise<void> {
  await until(
    `both sides ${state}`,
    () => stateOf(alice, id) === state && stateOf(bob, id) === state,
  );
}

async function savedBytesEqual(file: File, saved: Uint8Array): Promise<void> {
  expect(saved.length).toBe(file.size);
  expect(await hashBlob(new Blob([saved.slice()]))).toBe(await hashBlob(file));
}

describe('TransferService, between two hosts', () => {
  it('sends files of 0 bytes, 1 byte and 3 MiB, verified and saved byte for byte', async () => {
    const files = [fileOf('empty.txt', 0), fileOf('one.bin', 1), fileOf('photo.jpg', 3 * MiB)];
    for (const file of files) {
      const id = await offer(file);
      expect(transfer(bob, id)).toMatchObject({
        state: 'offered',
        name: file.name,
        size: file.size,
      });
      expect(await bob.service.answer(id, true)).toEqual({ ok: true });
      await bothIn(id, 'complete');
      expect(transfer(alice, id).sentBytes).toBe(file.size);
      expect(transfer(bob, id).doneBytes).toBe(file.size);
    }
    expect(bob.saved.map((saved) => saved.name)).toEqual(['empty.txt', 'one.bin', 'photo.jpg']);
    for (const [i, file] of files.entries()) await savedBytesEqual(file, bob.saved[i]!.bytes);
    // Saved files leave nothing behind on the host's own disk.
    await untilNoFilesLeft(bob);
  });

  it('tells the user of an offer, and accepts one within the auto-accept limit by itself', async () => {
    const asked = await offer(fileOf('big.bin', 300 * KiB));
    await until('Bob to be told', () => bob.offers.length > 0);
    expect(bob.offers.map((summary) => summary.id)).toEqual([asked]);

    expect(await bob.service.setAutoAcceptLimit(ALICE, 100 * KiB)).toEqual({ ok: true });
    const small = await offer(fileOf('small.bin', 100 * KiB));
    await bothIn(small, 'complete');
    expect(bob.offers).toHaveLength(1);
    expect(stateOf(bob, asked)).toBe('offered');
  });

  it('saves a hostile name cleaned: no path, no control characters', async () => {
    const id = await offer(fileOf('../../etc/\u0007passwd\u202Etxt.exe', 10));
    expect(transfer(bob, id).name).not.toMatch(/[/\\\p{Cc}\u202e]/u);
    await bob.service.answer(id, true);
    await bothIn(id, 'complete');
    expect(bob.saved[0]!.name).toBe(transfer(bob, id).name);
    expect(bob.saved[0]!.name).not.toContain('/');
  });

  it('ends as declined on both sides when Bob declines', async () => {
    const id = await offer(fileOf('no.bin', 10));
    expect(await bob.service.answer(id, false)).toEqual({ ok: true });
    await bothIn(id, 'declined');
    expect(bob.saved).toEqual([]);
  });

  it.each(['sender', 'receiver'] as const)(
    'stops mid-way when the %s cancels, and deletes the partial file',
    async (who) => {
      const id = await offer(fileOf('big.bin', 8 * MiB));
      await bob.service.answer(id, true);
      await until('bytes to flow', () => transfer(bob, id).doneBytes > 1 * MiB);
      expect(await (who === 'sender' ? alice : bob).service.cancel(id)).toEqual({ ok: true });
      await bothIn(id, 'cancelled');
      expect(transfer(alice, id).reason).toBe('cancelled');
      const [canceller, other] = who === 'sender' ? [alice, bob] : [bob, alice];
      expect(transfer(canceller, id).endedBy).toBe('me');
      expect(transfer(other, id).endedBy).toBe('peer');
      await untilNoFilesLeft(bob);
      expect(bob.saved).toEqual([]);
    },
  );

  it('resumes after the connection drops, without sending what Bob had stored again', async () => {
    const file = fileOf('big.bin', 6 * MiB);
    const id = await offer(file);
    await bob.service.answer(id, true);
    await until('half the bytes', () => transfer(bob, id).doneBytes > 3 * MiB);

    link.disconnect();
    await bothIn(id, 'interrupted');
    link.connect();
    await bothIn(id, 'complete');

    await savedBytesEqual(file, bob.saved[0]!.bytes);
    const resent = transfer(alice, id).sentBytes - file.size;
    expect(resent).toBeGreaterThanOrEqual(0);
    // At most what was past Bob's last checkpoint, plus what was still in flight.
    expect(resent).toBeLessThan(bob.incoming.checkpointBytes + 4 * MiB + 64 * KiB);
  });

  it("resumes after Bob's browser crashes, from what was flushed to disk", async () => {
    const file = fileOf('big.bin', 6 * MiB);
    const id = await offer(file);
    await bob.service.answer(id, true);
    await until('half the bytes', () => transfer(bob, id).doneBytes > 3 * MiB);
    const storedBefore = (await bob.store.get(id))!.storedBytes;
    expect(storedBefore).toBeGreaterThan(0);

    link.disconnect();
    await link.restart(bob, { crash: true });
    expect(stateOf(bob, id)).toBe('interrupted');
    link.connect();
    await bothIn(id, 'complete');

    await savedBytesEqual(file, bob.saved[0]!.bytes);
    expect(transfer(alice, id).sentBytes).toBeLessThan(2 * file.size - storedBefore);
  });

  it('refuses to save bytes that do not hash to the sender’s SHA-256', async () => {
    link.tamper = (bytes) => {
      if (bytes.length > 100) bytes[100] = bytes[100]! ^ 0xff;
    };
    const id = await offer(fileOf('damaged.bin', 1 * MiB));
    await bob.service.answer(id, true);
    await bothIn(id, 'failed');
    expect(transfer(bob, id).reason).toBe('hash-mismatch');
    expect(transfer(alice, id).reason).toBe('hash-mismatch');
    expect(bob.saved).toEqual([]);
    await untilNoFilesLeft(bob);
  });

  it('fails on both sides when the source file can no longer be read', async () => {
    // Several reads long (READ_BYTES each), so that reads fail part-way.
    const real = fileOf('vanishing.bin', 4 * READ_BYTES);
    let reads = 0;
    const vanishing = new File([real], real.name);
    const originalSlice = vanishing.slice.bind(vanishing);
    vi.spyOn(vanishing, 'slice').mockImplementation((...args) => {
      reads += 1;
      const slice = originalSlice(...args);
      if (reads > 2)
        vi.spyOn(slice, 'arrayBuffer').mockRejectedValue(
          new DOMException('The file changed.', 'NotReadableError'),
        );
      return slice;
    });
    const id = await offer(vanishing);
    await bob.service.answer(id, true);
    await bothIn(id, 'failed');
    expect(transfer(alice, id).reason).toBe('source-unreadable');
    expect(transfer(bob, id).reason).toBe('source-unreadable');
    await untilNoFilesLeft(bob);
  });

  it('keeps an offer open when there is not enough space, and says so', async () => {
    bob.freeSpace = 1000;
    const id = await offer(fileOf('big.bin', 2000));
    const answer = await bob.service.answer(id, true);
    expect(answer).toEqual({
      ok: false,
      error: 'Not enough space: the file needs 2 KB, and 1 KB are free.',
    });
    expect(stateOf(bob, id)).toBe('offered');
  });

  it('ends with no-space on both sides when the disk fills up mid-way', async () => {
    bob.incoming.quota = 1 * MiB;
    const id = await offer(fileOf('big.bin', 3 * MiB));
    await bob.service.answer(id, true);
    await bothIn(id, 'failed');
    expect(transfer(bob, id).reason).toBe('no-space');
    expect(transfer(alice, id).reason).toBe('no-space');
    await untilNoFilesLeft(bob);
  });

  it('ends with no-space on both sides when the disk is too full to open the file', async () => {
    bob.incoming.openFailure = new TransferError('no-space', 'QuotaExceededError: no space');
    const id = await offer(fileOf('big.bin', 1 * MiB));
    expect(await bob.service.answer(id, true)).toEqual({
      ok: false,
      error: 'There is not enough disk space to store the file.',
    });
    await bothIn(id, 'failed');
    expect(transfer(bob, id).reason).toBe('no-space');
    expect(transfer(alice, id).reason).toBe('no-space');
  });

  it('delivers an offer made while Bob was offline once he is back', async () => {
    link.disconnect();
    expect(await alice.service.sendFiles(BOB, [fileOf('later.bin', 10)])).toEqual({ ok: true });
    const [pending] = alice.service.summaries();
    expect(pending?.state).toBe('offered');
    link.connect();
    await until('the offer to reach Bob', () => bob.service.summaries().length === 1);
  });

  it('refuses files for strangers and things that are not files', async () => {
    expect(await alice.service.sendFiles('carol-peer', [fileOf('x', 1)])).toMatchObject({
      ok: false,
    });
    expect(await alice.service.sendFiles(BOB, ['not a file'])).toMatchObject({ ok: false });
    expect(alice.service.summaries()).toEqual([]);
  });
});

/** The same bytes, name and lastModified as `file`, in another File object: as picked again. */
function sameFileAgain(file: File): File {
  return new File([file], file.name, { lastModified: file.lastModified });
}

/**
 * Alice sends `file`, and her browser restarts once Bob has received half of it: her File
 * is gone. Resolves when both sides show the transfer paused, with what Bob has stored.
 */
async function pausedByAliceRestart(file: File): Promise<{ id: string; stored: number }> {
  const id = await offer(file);
  await bob.service.answer(id, true);
  await until('half the bytes', () => transfer(bob, id).doneBytes > file.size / 2);
  link.disconnect();
  await link.restart(alice);
  expect(stateOf(alice, id)).toBe('paused');
  link.connect();
  await bothIn(id, 'paused');
  const stored = (await bob.store.get(id))!.storedBytes;
  expect(stored).toBeGreaterThan(0);
  return { id, stored };
}

describe("TransferService, after the sender's browser restarts", () => {
  it('pauses on both sides, and resumes from what Bob stored once Alice attaches the file again', async () => {
    const file = fileOf('big.bin', 6 * MiB);
    const { id, stored } = await pausedByAliceRestart(file);
    expect(transfer(alice, id)).toMatchObject({ reason: null, doneBytes: stored });
    expect(transfer(bob, id)).toMatchObject({ reason: null, doneBytes: stored });
    expect(bob.incoming.files.has(id)).toBe(true);
    const sentBefore = transfer(alice, id).sentBytes;

    expect(await alice.service.reattach(id, sameFileAgain(file))).toEqual({ ok: true });
    await bothIn(id, 'complete');

    await savedBytesEqual(file, bob.saved[0]!.bytes);
    // Exactly the rest: nothing Bob had stored was sent again.
    expect(transfer(alice, id).sentBytes - sentBefore).toBe(file.size - stored);
  });

  it('pauses an offer Bob had not answered yet, and sends it once Alice attaches the file', async () => {
    const file = fileOf('later.bin', 1 * MiB);
    const id = await offer(file);
    link.disconnect();
    await link.restart(alice);
    link.connect();
    expect(stateOf(alice, id)).toBe('paused');
    expect(stateOf(bob, id)).toBe('offered');
    await bob.service.answer(id, true);
    await bothIn(id, 'paused');

    expect(await alice.service.reattach(id, sameFileAgain(file))).toEqual({ ok: true });
    await bothIn(id, 'complete');
    await savedBytesEqual(file, bob.saved[0]!.bytes);
  });

  it('refuses a file whose name, size or date differ, at once and saying which', async () => {
    const file = fileOf('big.bin', 2 * MiB);
    const { id } = await pausedByAliceRestart(file);
    const { lastModified } = file;
    const wrong: [unknown, RegExp][] = [
      [new File([file], 'other.bin', { lastModified }), /called “other\.bin”/],
      [new File([file.slice(1)], file.name, { lastModified }), /2(\.1)? MB/],
      [new File([file], file.name, { lastModified: lastModified + 1 }), /changed since/],
      ['big.bin', /not a file/],
    ];
    for (const [candidate, message] of wrong) {
      const result = await alice.service.reattach(id, candidate);
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(message) });
    }
    expect(stateOf(alice, id)).toBe('paused');
    expect(stateOf(bob, id)).toBe('paused');
  });

  it('refuses another file of the same name, size and date by its first bytes, before sending any', async () => {
    const file = fileOf('big.bin', 4 * MiB);
    const { id, stored } = await pausedByAliceRestart(file);
    const sentBefore = transfer(alice, id).sentBytes;
    const impostor = new File([randomBytes(file.size)], file.name, {
      lastModified: file.lastModified,
    });

    expect(await alice.service.reattach(id, impostor)).toEqual({ ok: true });
    await until('Alice to refuse it', () => transfer(alice, id).reason === 'different-file');
    await bothIn(id, 'paused');
    expect(transfer(alice, id).sentBytes).toBe(sentBefore);
    expect((await bob.store.get(id))!.storedBytes).toBe(stored);

    // The right file still resumes it.
    expect(await alice.service.reattach(id, sameFileAgain(file))).toEqual({ ok: true });
    await bothIn(id, 'complete');
    expect(transfer(alice, id).reason).toBeNull();
    await savedBytesEqual(file, bob.saved[0]!.bytes);
  });

  it.each(['sender', 'receiver'] as const)(
    'ends as cancelled when the %s cancels while paused, and Bob deletes what he stored',
    async (who) => {
      const { id } = await pausedByAliceRestart(fileOf('big.bin', 4 * MiB));
      expect(await (who === 'sender' ? alice : bob).service.cancel(id)).toEqual({ ok: true });
      await bothIn(id, 'cancelled');
      await untilNoFilesLeft(bob);
      expect(bob.saved).toEqual([]);
    },
  );

  it('completes on a file-complete that Bob owed her: he verified it while she restarted', async () => {
    const { id } = await pausedByAliceRestart(fileOf('big.bin', 2 * MiB));
    // Bob's host would send it on the next connection; here it arrives on this one.
    await alice.service.frameArrived(BOB, { v: 1, type: 'file-complete', id });
    expect(stateOf(alice, id)).toBe('complete');
  });
});

describe('TransferService, a peer that breaks the rules', () => {
  it('fails a transfer whose sender sends more bytes than it offered', async () => {
    // "Alice" here is a peer of our own making: an offer of 10 bytes, then 11 on the channel.
    const id = crypto.randomUUID();
    await bob.service.frameArrived(ALICE, {
      v: 1,
      type: 'file-offer',
      id,
      name: 'x.bin',
      size: 10,
    });
    expect(await bob.service.answer(id, true)).toEqual({ ok: true });
    const channel = link.takeWaitingChannel();
    channel.send(new Uint8Array(11).buffer);
    await until('Bob to fail the transfer', () => stateOf(bob, id) === 'failed');
    expect(transfer(bob, id).reason).toBe('protocol');
    await untilNoFilesLeft(bob);
  });

  it('ignores frames about transfers it does not know, and offers from strangers', async () => {
    const unknown = crypto.randomUUID();
    await bob.service.frameArrived(ALICE, { v: 1, type: 'file-complete', id: unknown });
    await bob.service.frameArrived('carol-peer', {
      v: 1,
      type: 'file-offer',
      id: unknown,
      name: 'x',
      size: 1,
    });
    expect(bob.service.summaries()).toEqual([]);
  });

  it('ignores a file-pause for an offer its user has not accepted', async () => {
    const id = await offer(fileOf('x.bin', 10));
    await bob.service.frameArrived(ALICE, { v: 1, type: 'file-pause', id });
    expect(stateOf(bob, id)).toBe('offered');
    // A file-pause from the receiver's side means nothing to a sender.
    await alice.service.frameArrived(BOB, { v: 1, type: 'file-pause', id });
    expect(stateOf(alice, id)).toBe('offered');
  });

  it("never lets a contact act on another contact's transfer", async () => {
    const id = await offer(fileOf('mine.bin', 10));
    await alice.service.frameArrived('carol-peer', { v: 1, type: 'file-decline', id });
    expect(stateOf(alice, id)).toBe('offered');
  });
});

import { deleteDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from './chat-message.ts';
import { ChatStore } from './chat-store.ts';
import { ProgressWriter } from './progress-writer.ts';

const ALICE = 'alice-peer-id';
const BOB = 'bob-peer-id';
const NOW = 1_700_000_000_000;

const opened: { store: ChatStore; name: string }[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const { store, name } of opened.splice(0)) {
    store.close();
    await deleteDB(name);
  }
});

/** A real store on a database of its own, with two outgoing messages to Alice and one to Bob. */
async function setUp() {
  const name = `progress-writer-test-${crypto.randomUUID()}`;
  const store = await ChatStore.open(name);
  opened.push({ store, name });
  const one = await store.addOutgoing(ALICE, 'one', NOW);
  const two = await store.addOutgoing(ALICE, 'two', NOW);
  const toBob = await store.addOutgoing(BOB, 'to bob', NOW);
  const stored: ChatMessage[][] = [];
  const writes = vi.spyOn(store, 'advanceOutgoingEach');
  const writer = new ProgressWriter(store, (changed) => stored.push(changed), 50);
  return { store, writer, one, two, toBob, stored, writes };
}

const states = async (store: ChatStore, peerId: string) =>
  (await store.conversation(peerId, 10)).map((message) => message.state);

describe('ProgressWriter', () => {
  it('stores what was recorded only after its delay, one write per conversation', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { store, writer, one, two, toBob, writes } = await setUp();

    writer.record(ALICE, [one.id], 'sent');
    writer.record(ALICE, [two.id], 'sent');
    writer.record(BOB, [toBob.id], 'delivered');
    expect(await states(store, ALICE)).toEqual(['sending', 'sending']);
    expect(writes).not.toHaveBeenCalled();

    vi.advanceTimersByTime(50);
    await writer.flush();
    expect(writes).toHaveBeenCalledTimes(2);
    expect(await states(store, ALICE)).toEqual(['sent', 'sent']);
    expect(await states(store, BOB)).toEqual(['delivered']);
  });

  it("keeps only the furthest state: a message's sent and delivered make one write", async () => {
    const { store, writer, one, stored, writes } = await setUp();

    writer.record(ALICE, [one.id], 'sent');
    writer.record(ALICE, [one.id], 'delivered');
    writer.record(ALICE, [one.id], 'sent');
    await writer.flush();

    expect(writes).toHaveBeenCalledExactlyOnceWith(ALICE, new Map([[one.id, 'delivered']]));
    expect(stored).toEqual([[{ ...one, state: 'delivered' }]]);
    expect(await states(store, ALICE)).toEqual(['delivered', 'sending']);
  });

  it('lays progress not yet stored over messages read from the store', async () => {
    const { store, writer, one, two } = await setUp();
    writer.record(ALICE, [two.id], 'read');

    const fromStore = await store.conversation(ALICE, 10);
    expect(fromStore.map((message) => message.state)).toEqual(['sending', 'sending']);
    expect(writer.overlay(fromStore)).toEqual([one, { ...two, state: 'read' }]);

    // While the write is under way, and after it, the overlay still agrees with the store.
    const flushed = writer.flush();
    expect(writer.overlay(fromStore)).toEqual([one, { ...two, state: 'read' }]);
    await flushed;
    expect(writer.overlay(await store.conversation(ALICE, 10))).toEqual([
      one,
      { ...two, state: 'read' },
    ]);
    expect(writer.overlay(fromStore)).toEqual(fromStore);
  });

  it("forgets a removed conversation's pending progress", async () => {
    const { store, writer, one, toBob, writes } = await setUp();
    writer.record(ALICE, [one.id], 'delivered');
    writer.record(BOB, [toBob.id], 'delivered');

    writer.forget(ALICE);
    await writer.flush();

    expect(writes).toHaveBeenCalledExactlyOnceWith(BOB, expect.any(Map));
    expect(writer.overlay([one])).toEqual([one]);
    expect(await states(store, ALICE)).toEqual(['sending', 'sending']);
  });

  it('logs a failed write and goes on with the next', async () => {
    const { store, writer, one, writes } = await setUp();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    writes.mockRejectedValueOnce(new Error('QuotaExceededError'));

    writer.record(ALICE, [one.id], 'delivered');
    await writer.flush();
    expect(error).toHaveBeenCalledWith(
      '[parley] chat-progress-not-stored',
      expect.stringContaining('QuotaExceededError'),
    );
    expect(writer.overlay([one])).toEqual([one]);

    writer.record(ALICE, [one.id], 'read');
    await writer.flush();
    expect(await states(store, ALICE)).toEqual(['read', 'sending']);
  });
});

import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { Contact } from '../contacts/contact.ts';
import type { ChatMessage } from './chat-message.ts';
import { ChatStore, ChatStoreConflict, type IncomingFrame } from './chat-store.ts';

const ALICE = 'alice-peer-id';
const BOB = 'bob-peer-id';
const CAROL = 'carol-peer-id';
const NOW = 1_700_000_000_000;

const opened: { store: ChatStore; name: string }[] = [];

/** A store on a database of its own, closed and deleted after the test. */
async function openStore(name = `chat-store-test-${crypto.randomUUID()}`): Promise<ChatStore> {
  const store = await ChatStore.open(name);
  opened.push({ store, name });
  return store;
}

afterEach(async () => {
  const finished = opened.splice(0);
  // Close every connection first: deleting a database that is still open blocks.
  for (const { store } of finished) store.close();
  for (const name of new Set(finished.map((entry) => entry.name))) await deleteDB(name);
});

function contact(peerId: string, overrides: Partial<Contact> = {}): Contact {
  return {
    peerId,
    nickname: '',
    offeredName: `${peerId} name`,
    status: 'accepted',
    addedAt: NOW,
    publicKey: null,
    verified: false,
    pendingKey: null,
    ...overrides,
  };
}

function frame(seq: number, text = `hello ${seq}`): IncomingFrame {
  return { id: crypto.randomUUID(), seq, text, sentAt: NOW + seq };
}

const ids = (messages: readonly ChatMessage[]) => messages.map((message) => message.id);

describe('contacts', () => {
  it('puts, gets, lists, updates and deletes contacts', async () => {
    const store = await openStore();
    expect(await store.listContacts()).toEqual([]);
    expect(await store.getContact(ALICE)).toBeUndefined();

    await store.putContact(contact(ALICE));
    await store.putContact(contact(BOB, { status: 'incoming' }));
    expect(await store.getContact(BOB)).toEqual(contact(BOB, { status: 'incoming' }));

    await store.putContact(contact(ALICE, { nickname: 'Al', publicKey: 'key' }));
    expect(await store.getContact(ALICE)).toEqual(
      contact(ALICE, { nickname: 'Al', publicKey: 'key' }),
    );
    expect(await store.listContacts()).toHaveLength(2);

    await store.deleteContact(ALICE);
    expect(await store.getContact(ALICE)).toBeUndefined();
    expect(await store.listContacts()).toEqual([contact(BOB, { status: 'incoming' })]);
  });

  it("deletes a contact's messages with it and leaves other conversations alone", async () => {
    const store = await openStore();
    await store.putContact(contact(ALICE));
    await store.putContact(contact(BOB));
    await store.addOutgoing(ALICE, 'to alice', NOW);
    await store.addIncoming(ALICE, frame(1));
    const toBob = await store.addOutgoing(BOB, 'to bob', NOW);
    const fromBob = (await store.addIncoming(BOB, frame(1))).message;

    await store.deleteContact(ALICE);

    expect(await store.conversation(ALICE, 10)).toEqual([]);
    expect(await store.undelivered(ALICE)).toEqual([]);
    expect(await store.unreadCounts()).toEqual(new Map([[BOB, 1]]));
    expect([...(await store.lastMessages()).keys()]).toEqual([BOB]);
    expect(await store.conversation(BOB, 10)).toEqual([toBob, fromBob]);
    expect(await store.getContact(BOB)).toEqual(contact(BOB));
  });

  it('starts a new conversation from seq 1 after the contact was deleted', async () => {
    const store = await openStore();
    await store.addOutgoing(ALICE, 'one', NOW);
    await store.addOutgoing(ALICE, 'two', NOW);
    await store.deleteContact(ALICE);
    expect((await store.addOutgoing(ALICE, 'again', NOW)).seq).toBe(1);
  });
});

describe('addOutgoing', () => {
  it("stores a 'sending' message with a fresh UUID", async () => {
    const store = await openStore();
    const message = await store.addOutgoing(ALICE, 'hi', NOW);
    expect(message).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      peerId: ALICE,
      direction: 'out',
      text: 'hi',
      sentAt: NOW,
      seq: 1,
      localOrder: 1,
      state: 'sending',
    });
    expect(await store.conversation(ALICE, 10)).toEqual([message]);
  });

  it('numbers seq per conversation and localOrder across all of them', async () => {
    const store = await openStore();
    const sent = [
      await store.addOutgoing(ALICE, 'a1', NOW),
      await store.addOutgoing(BOB, 'b1', NOW),
      await store.addOutgoing(ALICE, 'a2', NOW),
      await store.addOutgoing(ALICE, 'a3', NOW),
      await store.addOutgoing(BOB, 'b2', NOW),
    ];
    expect(sent.map(({ text, seq, localOrder }) => [text, seq, localOrder])).toEqual([
      ['a1', 1, 1],
      ['b1', 1, 2],
      ['a2', 2, 3],
      ['a3', 3, 4],
      ['b2', 2, 5],
    ]);
  });

  it('never hands out a seq or localOrder twice under concurrency', async () => {
    const store = await openStore();
    const [outgoing, incoming] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, (_, i) => store.addOutgoing(ALICE, `m${i}`, NOW))),
      Promise.all(Array.from({ length: 5 }, (_, i) => store.addIncoming(BOB, frame(i + 1)))),
    ]);

    expect(outgoing.map((message) => message.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const localOrders = [...outgoing, ...incoming.map(({ message }) => message)].map(
      (message) => message.localOrder,
    );
    expect(localOrders.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(new Set(ids(outgoing)).size).toBe(20);
    expect(await store.conversation(ALICE, 100)).toHaveLength(20);
  });
});

describe('a browser restart', () => {
  it('keeps contacts, messages, states and counters across close and re-open', async () => {
    const name = `chat-store-test-${crypto.randomUUID()}`;
    const before = await openStore(name);
    await before.putContact(contact(ALICE));
    const first = await before.addOutgoing(ALICE, 'before restart', NOW);
    await before.advanceOutgoing(ALICE, [first.id], 'delivered');
    const received = (await before.addIncoming(ALICE, frame(1))).message;
    before.close();

    const after = await openStore(name);
    expect(await after.listContacts()).toEqual([contact(ALICE)]);
    expect(await after.conversation(ALICE, 10)).toEqual([
      { ...first, state: 'delivered' },
      received,
    ]);
    expect(await after.unreadCounts()).toEqual(new Map([[ALICE, 1]]));
    const next = await after.addOutgoing(ALICE, 'after restart', NOW);
    expect([next.seq, next.localOrder]).toEqual([2, 3]);
    // The restarted store still knows the old ID: a resent frame is a duplicate.
    const resent = await after.addIncoming(ALICE, { ...frame(1), id: received.id });
    expect(resent.duplicate).toBe(true);
  });
});

describe('addIncoming', () => {
  it("stores a received message with a new localOrder and the peer's seq, ID and clock", async () => {
    const store = await openStore();
    await store.addOutgoing(BOB, 'takes localOrder 1', NOW);
    const incoming = frame(7, 'hi there');

    const result = await store.addIncoming(ALICE, incoming);

    const expected: ChatMessage = {
      id: incoming.id,
      peerId: ALICE,
      direction: 'in',
      text: 'hi there',
      sentAt: incoming.sentAt,
      seq: 7,
      localOrder: 2,
      state: 'received',
    };
    expect(result).toEqual({ message: expected, duplicate: false });
    expect(await store.conversation(ALICE, 10)).toEqual([expected]);
  });

  it('keeps only the known fields of a frame, whatever else a peer puts in it', async () => {
    const store = await openStore();
    const hostile = {
      ...frame(1),
      peerId: BOB,
      direction: 'out',
      state: 'read',
      localOrder: 99,
      extra: 'x',
    };

    const { message } = await store.addIncoming(ALICE, hostile);

    expect(message).toMatchObject({
      peerId: ALICE,
      direction: 'in',
      state: 'received',
      localOrder: 1,
    });
    expect(Object.keys(message).sort()).toEqual(
      ['direction', 'id', 'localOrder', 'peerId', 'sentAt', 'seq', 'state', 'text'].sort(),
    );
    expect(await store.conversation(BOB, 10)).toEqual([]);
    expect(await store.conversation(ALICE, 10)).toEqual([message]);
  });

  it('stores a message once: a repeat returns the stored one as a duplicate', async () => {
    const store = await openStore();
    const original = frame(1, 'original');
    const stored = (await store.addIncoming(ALICE, original)).message;
    await store.markConversationRead(ALICE);

    const repeat = await store.addIncoming(ALICE, { ...original, text: 'changed', seq: 2 });

    expect(repeat).toEqual({ message: { ...stored, state: 'read' }, duplicate: true });
    expect(await store.conversation(ALICE, 10)).toEqual([{ ...stored, state: 'read' }]);
    expect(await store.unreadCounts()).toEqual(new Map());
    // The repeat took no localOrder either.
    expect((await store.addOutgoing(ALICE, 'next', NOW)).localOrder).toBe(2);
  });

  it('refuses an ID from another conversation and stores nothing', async () => {
    const store = await openStore();
    const fromBob = (await store.addIncoming(BOB, frame(1, "bob's"))).message;

    const attempt = store.addIncoming(ALICE, { ...frame(1, 'forged'), id: fromBob.id });

    await expect(attempt).rejects.toThrow(ChatStoreConflict);
    await expect(attempt).rejects.toMatchObject({ peerId: ALICE, messageId: fromBob.id });
    expect(await store.conversation(ALICE, 10)).toEqual([]);
    expect(await store.conversation(BOB, 10)).toEqual([fromBob]);
    expect(await store.unreadCounts()).toEqual(new Map([[BOB, 1]]));
  });

  it('refuses an ID that belongs to a message we sent in the same conversation', async () => {
    const store = await openStore();
    const ours = await store.addOutgoing(ALICE, 'ours', NOW);

    await expect(store.addIncoming(ALICE, { ...frame(1, 'echo'), id: ours.id })).rejects.toThrow(
      ChatStoreConflict,
    );
    expect(await store.conversation(ALICE, 10)).toEqual([ours]);
  });
});

describe('advanceOutgoing', () => {
  it('moves outgoing messages forward and returns the ones that changed', async () => {
    const store = await openStore();
    const one = await store.addOutgoing(ALICE, 'one', NOW);
    const two = await store.addOutgoing(ALICE, 'two', NOW);

    expect(await store.advanceOutgoing(ALICE, [one.id], 'sent')).toEqual([
      { ...one, state: 'sent' },
    ]);
    expect(await store.advanceOutgoing(ALICE, [one.id, two.id], 'delivered')).toEqual([
      { ...one, state: 'delivered' },
      { ...two, state: 'delivered' },
    ]);
    expect(await store.advanceOutgoing(ALICE, [two.id], 'read')).toEqual([
      { ...two, state: 'read' },
    ]);
    expect(await store.conversation(ALICE, 10)).toEqual([
      { ...one, state: 'delivered' },
      { ...two, state: 'read' },
    ]);
  });

  it('never moves a message backward or to the state it has', async () => {
    const store = await openStore();
    const message = await store.addOutgoing(ALICE, 'one', NOW);
    await store.advanceOutgoing(ALICE, [message.id], 'read');

    expect(await store.advanceOutgoing(ALICE, [message.id], 'delivered')).toEqual([]);
    expect(await store.advanceOutgoing(ALICE, [message.id], 'sent')).toEqual([]);
    expect(await store.advanceOutgoing(ALICE, [message.id], 'read')).toEqual([]);
    expect(await store.conversation(ALICE, 10)).toEqual([{ ...message, state: 'read' }]);
  });

  it("ignores unknown IDs, incoming messages and another conversation's messages", async () => {
    const store = await openStore();
    const mine = await store.addOutgoing(ALICE, 'mine', NOW);
    const theirs = (await store.addIncoming(ALICE, frame(1))).message;
    const toBob = await store.addOutgoing(BOB, 'to bob', NOW);

    const changed = await store.advanceOutgoing(
      ALICE,
      ['no-such-id', theirs.id, toBob.id, mine.id, mine.id],
      'delivered',
    );

    expect(changed).toEqual([{ ...mine, state: 'delivered' }]);
    expect(await store.conversation(ALICE, 10)).toEqual([{ ...mine, state: 'delivered' }, theirs]);
    expect(await store.conversation(BOB, 10)).toEqual([toBob]);
  });
});

describe('advanceOutgoingEach', () => {
  it('moves each message to a state of its own, in one call, still never backward', async () => {
    const store = await openStore();
    const one = await store.addOutgoing(ALICE, 'one', NOW);
    const two = await store.addOutgoing(ALICE, 'two', NOW);
    const three = await store.addOutgoing(ALICE, 'three', NOW);
    await store.advanceOutgoing(ALICE, [three.id], 'read');

    const changed = await store.advanceOutgoingEach(ALICE, [
      [one.id, 'sent'],
      [two.id, 'delivered'],
      [three.id, 'delivered'],
    ]);

    expect(changed).toEqual([
      { ...one, state: 'sent' },
      { ...two, state: 'delivered' },
    ]);
    expect((await store.conversation(ALICE, 10)).map((message) => message.state)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
  });
});

describe('markConversationRead', () => {
  it("marks this conversation's received messages read, once, and nothing else", async () => {
    const store = await openStore();
    // IDs that sort against arrival order: the result must follow arrival, not ID.
    const first = (await store.addIncoming(ALICE, { ...frame(1), id: 'zz-first' })).message;
    const mine = await store.addOutgoing(ALICE, 'mine', NOW);
    const second = (await store.addIncoming(ALICE, { ...frame(2), id: 'aa-second' })).message;
    const fromBob = (await store.addIncoming(BOB, frame(1))).message;

    expect(await store.markConversationRead(ALICE)).toEqual([
      { ...first, state: 'read' },
      { ...second, state: 'read' },
    ]);
    expect(await store.markConversationRead(ALICE)).toEqual([]);
    expect(await store.conversation(ALICE, 10)).toEqual([
      { ...first, state: 'read' },
      mine,
      { ...second, state: 'read' },
    ]);
    expect(await store.conversation(BOB, 10)).toEqual([fromBob]);
  });
});

describe('undelivered', () => {
  it("returns this conversation's 'sending' and 'sent' messages by ascending seq", async () => {
    const store = await openStore();
    const one = await store.addOutgoing(ALICE, '1', NOW);
    const two = await store.addOutgoing(ALICE, '2', NOW);
    const three = await store.addOutgoing(ALICE, '3', NOW);
    const four = await store.addOutgoing(ALICE, '4', NOW);
    const five = await store.addOutgoing(ALICE, '5', NOW);
    // 'sending' and 'sent' come from separate index ranges; seq order must survive the merge.
    await store.advanceOutgoing(ALICE, [one.id, three.id], 'sent');
    await store.advanceOutgoing(ALICE, [four.id], 'delivered');
    await store.advanceOutgoing(ALICE, [five.id], 'read');
    await store.addIncoming(ALICE, frame(1));
    await store.addOutgoing(BOB, 'to bob', NOW);

    expect(await store.undelivered(ALICE)).toEqual([
      { ...one, state: 'sent' },
      two,
      { ...three, state: 'sent' },
    ]);
    expect(await store.undelivered(CAROL)).toEqual([]);
  });
});

describe('conversation', () => {
  it('returns the latest messages, oldest first, up to the limit', async () => {
    const store = await openStore();
    const alice: ChatMessage[] = [];
    for (let i = 1; i <= 5; i++) {
      alice.push(await store.addOutgoing(ALICE, `out ${i}`, NOW));
      await store.addOutgoing(BOB, `bob ${i}`, NOW);
      alice.push((await store.addIncoming(ALICE, frame(i))).message);
    }

    expect(await store.conversation(ALICE, 3)).toEqual(alice.slice(-3));
    expect(await store.conversation(ALICE, 1)).toEqual(alice.slice(-1));
    expect(await store.conversation(ALICE, 100)).toEqual(alice);
    expect(await store.conversation(ALICE, 0)).toEqual([]);
    expect(await store.conversation(CAROL, 10)).toEqual([]);
  });
});

describe('unreadCounts', () => {
  it("counts each conversation's received messages and leaves out those with none", async () => {
    const store = await openStore();
    for (let seq = 1; seq <= 3; seq++) await store.addIncoming(ALICE, frame(seq));
    await store.addIncoming(BOB, frame(1));
    await store.addIncoming(CAROL, frame(1));
    await store.addOutgoing(BOB, 'outgoing never counts', NOW);
    await store.markConversationRead(CAROL);

    expect(await store.unreadCounts()).toEqual(
      new Map([
        [ALICE, 3],
        [BOB, 1],
      ]),
    );
  });
});

describe('lastMessages', () => {
  it('returns the latest message of each conversation, whichever way it went', async () => {
    const store = await openStore();
    expect(await store.lastMessages()).toEqual(new Map());
    await store.addOutgoing(ALICE, 'a1', NOW);
    const lastFromAlice = (await store.addIncoming(ALICE, frame(1))).message;
    await store.addIncoming(BOB, frame(1));
    await store.addIncoming(CAROL, frame(1));
    const lastToBob = await store.addOutgoing(BOB, 'b2', NOW);
    const lastToCarol = await store.addOutgoing(CAROL, 'c2', NOW);
    await store.advanceOutgoing(CAROL, [lastToCarol.id], 'read');

    expect(await store.lastMessages()).toEqual(
      new Map([
        [CAROL, { ...lastToCarol, state: 'read' }],
        [BOB, lastToBob],
        [ALICE, lastFromAlice],
      ]),
    );
  });
});

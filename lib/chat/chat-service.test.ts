import { deleteDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { Contact } from '../contacts/contact.ts';
import type { HostEvent } from '../protocol/host-state.ts';
import { encodeFrame } from '../wire/encode-frame.ts';
import type { CallFrame, ChatFrame, FileFrame, WireMessage } from '../wire/wire-message.ts';
import type { ChatMessage, MessageState } from './chat-message.ts';
import { ChatService, type ChatTransport } from './chat-service.ts';
import { ChatStore } from './chat-store.ts';

const ALICE = 'alice-peer';
const BOB = 'bob-peer';
const CAROL = 'carol-peer';

/** One user: a ChatService on a real ChatStore of its own, and what it did. */
interface Party {
  id: string;
  name: string;
  service: ChatService;
  store: ChatStore;
  /** Conversations on screen, as the ViewRegistry would report them. */
  visible: Set<string>;
  onUnseenMessage: Mock<(contact: Contact, message: ChatMessage) => void>;
  events: HostEvent[];
  /** Every frame the service handed to its transport, taken or not. */
  attempted: { to: string; frame: string }[];
  /** The frames the transport took: those that went onto an open link. */
  sent: { to: string; frame: string }[];
  /** Every setWanted call. */
  wanted: string[][];
  /** File frames handed on to the transfer service. */
  fileFrames: { from: string; frame: FileFrame }[];
  /** Call frames handed on to the call service. */
  callFrames: { from: string; frame: CallFrame }[];
  /** Keys the peers proved on their links, as ContactKeys would know them. */
  provenKeys: Map<string, string>;
}

/**
 * Parties joined by in-memory links that behave like ContactLinks over a reliable data
 * channel: frames arrive asynchronously and in order, only while the link is up, and a
 * link coming up or down is reported to both sides with linkOpened / linkClosed.
 */
class Network {
  /** Store names are unique per test: fake-indexeddb lives as long as the worker. */
  readonly databases: string[] = [];
  readonly #prefix = `chat-service-test-${crypto.randomUUID()}`;
  readonly #parties = new Map<string, Party>();
  readonly #links = new Map<string, number>();
  /** Links whose frames stay on the wire until released (or lost when the link drops). */
  readonly #held = new Map<string, (() => void)[]>();
  #linkCount = 0;
  #inFlight = 0;
  #storeCalls = 0;

  get parties(): Party[] {
    return [...this.#parties.values()];
  }

  async join(id: string, name: string): Promise<Party> {
    const party: Party = {
      id,
      name,
      service: undefined as unknown as ChatService,
      store: await this.#openStore(id),
      visible: new Set(),
      onUnseenMessage: vi.fn(),
      events: [],
      attempted: [],
      sent: [],
      wanted: [],
      fileFrames: [],
      callFrames: [],
      provenKeys: new Map(),
    };
    this.#parties.set(id, party);
    party.service = this.#serviceFor(party);
    await party.service.start();
    return party;
  }

  /** Stops the party's service and starts a new one on the same database. */
  async restart(party: Party): Promise<void> {
    await this.settle();
    party.store.close();
    party.store = await this.#openStore(party.id);
    party.service = this.#serviceFor(party);
    await party.service.start();
  }

  up(a: Party, b: Party): void {
    this.#links.set(linkKey(a, b), ++this.#linkCount);
    a.service.linkOpened(b.id);
    b.service.linkOpened(a.id);
  }

  /** Keeps frames on the wire between a and b until `release` (or until the link drops). */
  hold(a: Party, b: Party): void {
    this.#held.set(linkKey(a, b), []);
  }

  release(a: Party, b: Party): void {
    const frames = this.#held.get(linkKey(a, b)) ?? [];
    this.#held.delete(linkKey(a, b));
    for (const deliver of frames) deliver();
  }

  down(a: Party, b: Party): void {
    this.release(a, b);
    this.#links.delete(linkKey(a, b));
    a.service.linkClosed();
    b.service.linkClosed();
  }

  /** A frame arrives from `from` as ContactLinks' onData would hand it over. */
  deliver(from: string, to: Party, data: unknown): void {
    to.service.frameArrived(from, data);
  }

  /**
   * The party's host dies and starts again: whatever it had not stored yet is lost
   * (its outgoing messages' progress is stored a little behind; see ProgressWriter).
   */
  async crash(party: Party): Promise<void> {
    await this.settle({ storeProgress: false });
    const dead = party.service;
    party.store.close();
    // What the dead host had not stored never will be: its write fails on the closed
    // database (and logs so), which also clears the timer that stands for it.
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await dead.flushProgress();
    error.mockRestore();
    party.store = await this.#openStore(party.id);
    party.service = this.#serviceFor(party);
    await party.service.start();
  }

  /**
   * Waits until no frame is in flight and neither store has work pending. Progress not
   * yet stored is stored at once unless `storeProgress` is false.
   */
  async settle({ storeProgress = true } = {}): Promise<void> {
    for (let turns = 0, idle = 0; idle < 3; turns++) {
      if (turns > 5_000) throw new Error('the parties never settled');
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (storeProgress)
        await Promise.all(
          [...this.#parties.values()].map((party) => party.service.flushProgress()),
        );
      idle = this.#inFlight === 0 && this.#storeCalls === 0 ? idle + 1 : 0;
    }
  }

  async #openStore(id: string): Promise<ChatStore> {
    const name = `${this.#prefix}-${id}`;
    if (!this.databases.includes(name)) this.databases.push(name);
    const store = await ChatStore.open(name);
    // Counts the store calls in progress, so that settle() knows when all work is done:
    // between two store calls the service only runs microtasks.
    return new Proxy(store, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          if (result instanceof Promise) {
            this.#storeCalls += 1;
            const done = () => (this.#storeCalls -= 1);
            result.then(done, done);
          }
          return result;
        };
      },
    });
  }

  #serviceFor(party: Party): ChatService {
    const transport: ChatTransport = {
      isOnline: (peerId) => this.#links.has(linkKey(party, { id: peerId })),
      send: (peerId, frame) => {
        party.attempted.push({ to: peerId, frame });
        const link = this.#links.get(linkKey(party, { id: peerId }));
        const target = this.#parties.get(peerId);
        if (link === undefined || !target) return false;
        party.sent.push({ to: peerId, frame });
        this.#inFlight += 1;
        const arrive = () =>
          setTimeout(() => {
            this.#inFlight -= 1;
            // A frame still on the wire when its link went down is lost.
            if (this.#links.get(linkKey(party, target)) === link)
              target.service.frameArrived(party.id, frame);
          }, 0);
        const held = this.#held.get(linkKey(party, target));
        if (held) held.push(arrive);
        else arrive();
        return true;
      },
      setWanted: (peerIds) => party.wanted.push([...peerIds]),
    };
    return new ChatService({
      ownId: party.id,
      store: party.store,
      transport,
      ownName: () => party.name,
      visibleConversations: () => new Set(party.visible),
      onUnseenMessage: party.onUnseenMessage,
      onChange: () => undefined,
      onEvent: (event) => party.events.push(event),
      onFileFrame: (from, frame) => {
        party.fileFrames.push({ from, frame });
        return Promise.resolve();
      },
      onCallFrame: (from, frame) => party.callFrames.push({ from, frame }),
      provenKey: (peerId) => party.provenKeys.get(peerId) ?? null,
    });
  }
}

function linkKey(a: { id: string }, b: { id: string }): string {
  return [a.id, b.id].sort().join(' ');
}

/** The frames of one type a party put on a link (to `to`, if given), decoded. */
function sentFrames<T extends WireMessage['type']>(
  party: Party,
  type: T,
  to?: string,
): Extract<WireMessage, { type: T }>[] {
  return framesOfType(party.sent, type, to);
}

/** The frames of one type a party tried to send, whether a link took them or not. */
function attemptedFrames<T extends WireMessage['type']>(
  party: Party,
  type: T,
): Extract<WireMessage, { type: T }>[] {
  return framesOfType(party.attempted, type);
}

function framesOfType<T extends WireMessage['type']>(
  entries: { to: string; frame: string }[],
  type: T,
  to?: string,
): Extract<WireMessage, { type: T }>[] {
  return entries
    .filter((entry) => to === undefined || entry.to === to)
    .map((entry) => JSON.parse(entry.frame) as WireMessage)
    .filter((message): message is Extract<WireMessage, { type: T }> => message.type === type);
}

function contactOf(party: Party, peerId: string) {
  return party.service.summaries().find((contact) => contact.peerId === peerId);
}

function history(party: Party, peerId: string): Promise<ChatMessage[]> {
  return party.service.conversation(peerId, 500);
}

async function stateOf(party: Party, peerId: string, id: string): Promise<MessageState> {
  const message = (await history(party, peerId)).find((candidate) => candidate.id === id);
  if (!message) throw new Error(`message ${id} is not in ${party.id}'s conversation`);
  return message.state;
}

async function send(from: Party, to: string, text: string): Promise<ChatMessage> {
  const result = await from.service.sendMessage(to, text);
  if (!result.ok) throw new Error(result.error);
  return result.message;
}

/** The chat frame, as sent on the wire, that carried the message `id`. */
function wireFrameOf(party: Party, id: string): string {
  const entry = party.sent.find(({ frame }) => frame.includes(`"type":"chat","id":"${id}"`));
  if (!entry) throw new Error(`${party.id} never sent message ${id}`);
  return entry.frame;
}

function chatFrame(text: string, seq = 1): ChatFrame {
  return { v: 1, type: 'chat', id: crypto.randomUUID(), seq, text, sentAt: Date.now() };
}

let net: Network;
let alice: Party;
let bob: Party;

/** Alice adds Bob, the link comes up, Bob accepts: both are accepted contacts. */
async function befriend(): Promise<void> {
  await alice.service.addContact(BOB, '');
  net.up(alice, bob);
  await net.settle();
  await bob.service.answerRequest(ALICE, true);
  await net.settle();
}

beforeEach(async () => {
  for (const level of ['info', 'warn'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  net = new Network();
  alice = await net.join(ALICE, 'Alice');
  bob = await net.join(BOB, 'Bob');
});

afterEach(async () => {
  await net.settle();
  for (const party of net.parties) party.store.close();
  for (const name of net.databases) await deleteDB(name);
  vi.restoreAllMocks();
});

describe('ChatService: contact requests', () => {
  it('pins the key a stranger proved on its link when its request makes it a contact', async () => {
    bob.provenKeys.set(ALICE, 'alice-key');
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();

    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'incoming', publicKey: 'alice-key' });
    expect(await bob.service.answerRequest(ALICE, true)).toEqual({ ok: true });
    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'accepted', publicKey: 'alice-key' });
  });

  it('updateContact changes a record in the peer queue, and leaves it when told to', async () => {
    await alice.service.addContact(BOB, '');
    const changed = await alice.service.updateContact(BOB, (contact) => ({
      ...contact,
      verified: true,
    }));
    expect(changed).toMatchObject({ peerId: BOB, verified: true });
    expect(await alice.service.updateContact(BOB, () => null)).toMatchObject({ verified: true });
    expect(await alice.service.updateContact(CAROL, () => null)).toBeUndefined();
    expect((await alice.store.listContacts())[0]).toMatchObject({ verified: true });
  });

  it("asks a peer it adds once the link opens; they see an incoming request with the adder's name", async () => {
    expect(await alice.service.addContact(BOB, 'Bobby')).toEqual({ ok: true });
    expect(alice.wanted.at(-1)).toEqual([BOB]);
    expect(alice.sent).toEqual([]);

    net.up(alice, bob);
    await net.settle();

    expect(sentFrames(alice, 'contact-request', BOB)).toEqual([
      { v: 1, type: 'contact-request', name: 'Alice' },
    ]);
    expect(contactOf(alice, BOB)).toMatchObject({ status: 'outgoing', nickname: 'Bobby' });
    expect(bob.service.summaries()).toEqual([
      expect.objectContaining({
        peerId: ALICE,
        status: 'incoming',
        offeredName: 'Alice',
        nickname: '',
        online: true,
        unread: 0,
      }),
    ]);
    // An unanswered request is no reason for Bob to keep a link to Alice.
    expect(bob.wanted.at(-1)).toEqual([]);
  });

  it('asks at once when a link to the peer is already open', async () => {
    net.up(alice, bob);

    await alice.service.addContact(BOB, '');
    await net.settle();

    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'incoming', offeredName: 'Alice' });
  });

  it('asks again on every new link until the request is accepted', async () => {
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    net.down(alice, bob);
    net.up(alice, bob);
    await net.settle();

    expect(sentFrames(alice, 'contact-request')).toHaveLength(2);
    expect(bob.service.summaries()).toHaveLength(1);
  });

  it('makes both sides accepted contacts when the request is accepted', async () => {
    await befriend();

    expect(contactOf(alice, BOB)).toMatchObject({ status: 'accepted', offeredName: 'Bob' });
    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'accepted', offeredName: 'Alice' });
    expect(alice.wanted.at(-1)).toEqual([BOB]);
    expect(bob.wanted.at(-1)).toEqual([ALICE]);
  });

  it('blocks the peer when the request is declined', async () => {
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();

    expect(await bob.service.answerRequest(ALICE, false)).toEqual({ ok: true });
    await net.settle();

    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'blocked', online: false });
    expect(sentFrames(bob, 'contact-accept')).toEqual([]);
    expect(contactOf(alice, BOB)?.status).toBe('outgoing');
  });

  it('refuses to answer a request nobody made', async () => {
    expect(await bob.service.answerRequest(CAROL, true)).toEqual({
      ok: false,
      error: expect.stringMatching(/no request/),
    });
    expect(bob.service.summaries()).toEqual([]);
  });

  it('ends accepted on both sides when both add each other, and delivers what both wrote', async () => {
    await alice.service.addContact(BOB, '');
    await bob.service.addContact(ALICE, '');
    const fromAlice = await send(alice, BOB, 'I added you');
    const fromBob = await send(bob, ALICE, 'I added you too');

    net.up(alice, bob);
    await net.settle();

    expect(contactOf(alice, BOB)).toMatchObject({ status: 'accepted', offeredName: 'Bob' });
    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'accepted', offeredName: 'Alice' });
    expect(await history(bob, ALICE)).toContainEqual(expect.objectContaining({ id: fromAlice.id }));
    expect(await history(alice, BOB)).toContainEqual(expect.objectContaining({ id: fromBob.id }));
    expect(await history(alice, BOB)).toHaveLength(2);
    expect(await history(bob, ALICE)).toHaveLength(2);
  });

  it('settles an acceptance made while the link was down once it is back', async () => {
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();
    net.down(alice, bob);
    const early = await send(alice, BOB, 'still there?');

    await bob.service.answerRequest(ALICE, true);
    net.up(alice, bob);
    await net.settle();

    expect(contactOf(alice, BOB)?.status).toBe('accepted');
    expect(contactOf(bob, ALICE)?.status).toBe('accepted');
    expect(await stateOf(alice, BOB, early.id)).toBe('delivered');
  });

  it('answers a contact who forgot us and asks again with an accept', async () => {
    await befriend();
    await alice.service.removeContact(BOB);
    await alice.service.addContact(BOB, '');

    net.down(alice, bob);
    net.up(alice, bob);
    await net.settle();

    expect(contactOf(alice, BOB)?.status).toBe('accepted');
    expect(contactOf(bob, ALICE)?.status).toBe('accepted');
  });

  it('accepts a peer who asked first when the user adds them', async () => {
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();

    expect(await bob.service.addContact(ALICE, 'Al')).toEqual({ ok: true });
    await net.settle();

    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'accepted', nickname: 'Al' });
    expect(contactOf(alice, BOB)?.status).toBe('accepted');
  });

  it('takes no contact-accept from a peer it never asked', async () => {
    net.deliver(CAROL, bob, encodeFrame({ v: 1, type: 'contact-accept', name: 'Carol' }));
    await net.settle();

    expect(bob.service.summaries()).toEqual([]);
    expect(bob.attempted).toEqual([]);
  });
});

describe('ChatService: messages', () => {
  it('neither stores nor acknowledges chat from a stranger or an unanswered request', async () => {
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();
    const early = await send(alice, BOB, 'before you accept');

    net.deliver(ALICE, bob, encodeFrame(chatFrame('pushy')));
    net.deliver(CAROL, bob, encodeFrame(chatFrame('hello stranger')));
    await net.settle();

    expect(early.state).toBe('sending');
    expect(sentFrames(alice, 'chat')).toEqual([]);
    expect(await history(bob, ALICE)).toEqual([]);
    expect(await history(bob, CAROL)).toEqual([]);
    expect(attemptedFrames(bob, 'receipt')).toEqual([]);
    expect(bob.service.summaries().map((contact) => contact.peerId)).toEqual([ALICE]);
    expect(bob.service.unreadTotal).toBe(0);
    expect(bob.onUnseenMessage).not.toHaveBeenCalled();
  });

  it('hands file frames from an accepted contact to the transfer service, and drops a stranger’s', async () => {
    const offer = JSON.stringify({
      v: 1,
      type: 'file-offer',
      id: crypto.randomUUID(),
      name: 'photo.jpg',
      size: 1,
    });
    net.deliver(CAROL, bob, offer);
    await net.settle();
    expect(bob.fileFrames).toEqual([]);

    await befriend();
    net.deliver(ALICE, bob, offer);
    await net.settle();
    expect(bob.fileFrames).toEqual([{ from: ALICE, frame: JSON.parse(offer) as FileFrame }]);
  });

  it('hands call frames from an accepted contact to the call service, and drops a stranger’s', async () => {
    const invite = JSON.stringify({
      v: 1,
      type: 'call-invite',
      id: crypto.randomUUID(),
      video: true,
    });
    net.deliver(CAROL, bob, invite);
    await net.settle();
    expect(bob.callFrames).toEqual([]);

    await befriend();
    net.deliver(ALICE, bob, invite);
    await net.settle();
    expect(bob.callFrames).toEqual([{ from: ALICE, frame: JSON.parse(invite) as CallFrame }]);
  });

  it('delivers a message written before acceptance once the request is accepted, once', async () => {
    await alice.service.addContact(BOB, '');
    const early = await send(alice, BOB, 'written early');
    net.up(alice, bob);
    await net.settle();
    expect(await history(bob, ALICE)).toEqual([]);

    await bob.service.answerRequest(ALICE, true);
    await net.settle();

    expect(await history(bob, ALICE)).toEqual([
      expect.objectContaining({ id: early.id, text: 'written early', direction: 'in' }),
    ]);
    expect(await stateOf(alice, BOB, early.id)).toBe('delivered');
  });

  it('carries messages both ways to delivered', async () => {
    await befriend();

    const toBob = await send(alice, BOB, 'Hi Bob');
    const toAlice = await send(bob, ALICE, 'Hi Alice');
    await net.settle();

    expect(toBob.state).toBe('sent');
    expect(await stateOf(alice, BOB, toBob.id)).toBe('delivered');
    expect(alice.events).toContainEqual({
      type: 'message',
      message: expect.objectContaining({ id: toBob.id, state: 'delivered' }),
    });
    expect(await stateOf(bob, ALICE, toAlice.id)).toBe('delivered');
    expect(await history(bob, ALICE)).toContainEqual(
      expect.objectContaining({ id: toBob.id, text: 'Hi Bob', direction: 'in', seq: 1 }),
    );
    expect(await history(alice, BOB)).toContainEqual(
      expect.objectContaining({ id: toAlice.id, text: 'Hi Alice', direction: 'in', seq: 1 }),
    );
  });

  it('reads a message at once when its conversation is on screen', async () => {
    await befriend();
    bob.visible.add(ALICE);

    const message = await send(alice, BOB, 'Seen?');
    await net.settle();

    expect(await stateOf(bob, ALICE, message.id)).toBe('read');
    expect(await stateOf(alice, BOB, message.id)).toBe('read');
    expect(bob.service.unreadTotal).toBe(0);
    expect(contactOf(bob, ALICE)?.unread).toBe(0);
    expect(bob.onUnseenMessage).not.toHaveBeenCalled();
  });

  it('counts unseen messages as unread and reports them, until a view shows the conversation', async () => {
    await befriend();

    const first = await send(alice, BOB, 'one');
    const second = await send(alice, BOB, 'two');
    await net.settle();

    expect(bob.service.unreadTotal).toBe(2);
    expect(contactOf(bob, ALICE)?.unread).toBe(2);
    expect(bob.onUnseenMessage).toHaveBeenCalledTimes(2);
    expect(bob.onUnseenMessage).toHaveBeenLastCalledWith(
      expect.objectContaining({ peerId: ALICE }),
      expect.objectContaining({ id: second.id, text: 'two', state: 'received' }),
    );
    expect(await stateOf(alice, BOB, first.id)).toBe('delivered');

    bob.visible.add(ALICE);
    bob.service.viewsChanged();
    await net.settle();

    expect(sentFrames(bob, 'receipt', ALICE)).toContainEqual({
      v: 1,
      type: 'receipt',
      ids: [first.id, second.id],
      state: 'read',
    });
    expect(bob.service.unreadTotal).toBe(0);
    expect(await stateOf(bob, ALICE, second.id)).toBe('read');
    expect(await stateOf(alice, BOB, first.id)).toBe('read');
    expect(await stateOf(alice, BOB, second.id)).toBe('read');
  });

  it('keeps messages written while the link is down as sending, and delivers them once, in order, when it is back', async () => {
    await befriend();
    net.down(alice, bob);

    const written = [
      await send(alice, BOB, 'one'),
      await send(alice, BOB, 'two'),
      await send(alice, BOB, 'three'),
    ];
    await net.settle();
    expect(written.map((message) => message.state)).toEqual(['sending', 'sending', 'sending']);
    for (const message of written) expect(await stateOf(alice, BOB, message.id)).toBe('sending');
    expect(await history(bob, ALICE)).toEqual([]);

    net.up(alice, bob);
    await net.settle();

    const received = await history(bob, ALICE);
    expect(received.map(({ id, text, seq }) => ({ id, text, seq }))).toEqual(
      written.map(({ id, text, seq }) => ({ id, text, seq })),
    );
    expect(received.map((message) => message.seq)).toEqual([1, 2, 3]);
    for (const message of written) expect(await stateOf(alice, BOB, message.id)).toBe('delivered');
  });

  it('stores a duplicated chat frame once and acknowledges it each time', async () => {
    await befriend();
    const message = await send(alice, BOB, 'only once');
    await net.settle();

    net.deliver(ALICE, bob, wireFrameOf(alice, message.id));
    await net.settle();

    expect(await history(bob, ALICE)).toHaveLength(1);
    const delivered = sentFrames(bob, 'receipt').filter(
      (receipt) => receipt.state === 'delivered' && receipt.ids.includes(message.id),
    );
    expect(delivered).toHaveLength(2);
    expect(bob.service.unreadTotal).toBe(1);
    expect(bob.onUnseenMessage).toHaveBeenCalledTimes(1);
  });

  it('stores a chat frame that arrives twice at once only once', async () => {
    await befriend();
    const frame = encodeFrame(chatFrame('twice'));

    net.deliver(ALICE, bob, frame);
    net.deliver(ALICE, bob, frame);
    await net.settle();

    expect(await history(bob, ALICE)).toEqual([expect.objectContaining({ text: 'twice' })]);
    expect(sentFrames(bob, 'receipt', ALICE)).toHaveLength(2);
    expect(bob.service.unreadTotal).toBe(1);
  });

  it('sends again what was lost on the wire when the link dropped', async () => {
    await befriend();
    net.hold(alice, bob);
    const written = [await send(alice, BOB, 'one'), await send(alice, BOB, 'two')];
    net.down(alice, bob);
    await net.settle();
    expect(await history(bob, ALICE)).toEqual([]);
    for (const message of written) expect(await stateOf(alice, BOB, message.id)).toBe('sent');

    net.up(alice, bob);
    await net.settle();

    expect((await history(bob, ALICE)).map((message) => message.text)).toEqual(['one', 'two']);
    for (const message of written) expect(await stateOf(alice, BOB, message.id)).toBe('delivered');
  });

  // A read receipt that cannot be sent (link down) must be sent again on the next link, or
  // the message stays 'delivered' for its sender.
  it('tells the sender about messages read while the link was down, once it is back', async () => {
    await befriend();
    const message = await send(alice, BOB, 'read me later');
    await net.settle();
    net.down(alice, bob);

    bob.visible.add(ALICE);
    bob.service.viewsChanged();
    await net.settle();
    expect(await stateOf(bob, ALICE, message.id)).toBe('read');
    net.up(alice, bob);
    await net.settle();

    expect(await stateOf(alice, BOB, message.id)).toBe('read');
  });

  it('acknowledges a repeat of a message already read as read again', async () => {
    await befriend();
    bob.visible.add(ALICE);
    const message = await send(alice, BOB, 'read it');
    await net.settle();

    net.deliver(ALICE, bob, wireFrameOf(alice, message.id));
    await net.settle();

    const read = sentFrames(bob, 'receipt').filter(
      (receipt) => receipt.state === 'read' && receipt.ids.includes(message.id),
    );
    expect(read).toHaveLength(2);
  });

  it("changes nothing for a receipt naming another conversation's message, or one it received", async () => {
    await befriend();
    await alice.service.addContact(CAROL, '');
    const toCarol = await send(alice, CAROL, 'for Carol only');
    const fromBob = await send(bob, ALICE, 'from Bob');
    await net.settle();

    net.deliver(
      BOB,
      alice,
      encodeFrame({ v: 1, type: 'receipt', ids: [toCarol.id, fromBob.id], state: 'read' }),
    );
    await net.settle();

    expect(await stateOf(alice, CAROL, toCarol.id)).toBe('sending');
    expect(await stateOf(alice, BOB, fromBob.id)).toBe('received');
  });

  it('never moves a message back to an earlier state', async () => {
    await befriend();
    bob.visible.add(ALICE);
    const message = await send(alice, BOB, 'read it');
    await net.settle();

    net.deliver(
      BOB,
      alice,
      encodeFrame({ v: 1, type: 'receipt', ids: [message.id], state: 'delivered' }),
    );
    await net.settle();

    expect(await stateOf(alice, BOB, message.id)).toBe('read');
  });

  it('refuses a chat frame that reuses the ID of a message it sent', async () => {
    await befriend();
    const mine = await send(alice, BOB, 'mine');
    await net.settle();
    const receiptsBefore = attemptedFrames(alice, 'receipt').length;

    net.deliver(BOB, alice, encodeFrame({ ...chatFrame('impostor'), id: mine.id }));
    await net.settle();

    expect(await history(alice, BOB)).toEqual([expect.objectContaining({ text: 'mine' })]);
    expect(attemptedFrames(alice, 'receipt')).toHaveLength(receiptsBefore);
    expect(console.warn).toHaveBeenCalledWith(
      '[parley] wire-frame-rejected',
      expect.stringContaining('id-conflict'),
    );
  });

  it('remembers contacts and unread messages across a restart, and resends what was not delivered', async () => {
    await befriend();
    await send(bob, ALICE, 'unread');
    await net.settle();
    net.down(alice, bob);
    const pending = await send(alice, BOB, 'after the restart');

    await net.restart(alice);
    expect(contactOf(alice, BOB)).toMatchObject({ status: 'accepted', unread: 1 });
    expect(alice.service.unreadTotal).toBe(1);
    net.up(alice, bob);
    await net.settle();

    expect(await history(bob, ALICE)).toContainEqual(
      expect.objectContaining({ id: pending.id, text: 'after the restart' }),
    );
    expect(await stateOf(alice, BOB, pending.id)).toBe('delivered');
  });

  it('recovers the progress it had not stored yet when its host died: resent, stored once', async () => {
    await befriend();
    const message = await send(alice, BOB, 'delivered, not yet stored as such');
    await net.settle({ storeProgress: false });
    expect(alice.events).toContainEqual({
      type: 'message',
      message: expect.objectContaining({ id: message.id, state: 'delivered' }),
    });
    expect(await stateOf(alice, BOB, message.id)).toBe('delivered');

    net.down(alice, bob);
    await net.crash(alice);
    expect(await stateOf(alice, BOB, message.id)).toBe('sending');
    net.up(alice, bob);
    await net.settle();

    expect(sentFrames(alice, 'chat').filter((frame) => frame.id === message.id)).toHaveLength(2);
    expect(await stateOf(alice, BOB, message.id)).toBe('delivered');
    expect((await history(bob, ALICE)).map((stored) => stored.id)).toEqual([message.id]);
  });
});

describe('ChatService: frames that break the rules', () => {
  const secret = 'the secret text';
  const chat = { v: 1, type: 'chat', id: crypto.randomUUID(), seq: 1, text: secret, sentAt: 0 };

  it.each([
    ['malformed JSON', `{"v":1,"type":"chat","text":"${secret}"`, 'malformed-json'],
    ['oversized', JSON.stringify({ ...chat, text: secret.repeat(3_000) }), 'oversized'],
    ['of another version', JSON.stringify({ ...chat, v: 2 }), 'wrong-version'],
    ['binary', new TextEncoder().encode(JSON.stringify(chat)), 'not-text'],
    ['an object, not text', chat, 'not-text'],
    ['carrying an unknown field', JSON.stringify({ ...chat, state: 'read' }), 'invalid'],
    ['missing a field', JSON.stringify({ ...chat, id: undefined }), 'invalid'],
  ])('drops a frame that is %s, logs why, and does not throw', async (_, data, reason) => {
    await befriend();
    const attemptedBefore = bob.attempted.length;
    const warn = vi.mocked(console.warn);
    warn.mockClear();

    expect(() => net.deliver(ALICE, bob, data)).not.toThrow();
    await net.settle();

    expect(warn).toHaveBeenCalledExactlyOnceWith(
      '[parley] wire-frame-rejected',
      expect.stringContaining(`"reason":"${reason}"`),
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain(secret);
    expect(await history(bob, ALICE)).toEqual([]);
    expect(bob.attempted).toHaveLength(attemptedBefore);
    expect(contactOf(bob, ALICE)?.status).toBe('accepted');
  });
});

describe('ChatService: blocking and removing', () => {
  it('ignores every frame from a blocked contact', async () => {
    await befriend();
    const before = await send(alice, BOB, 'before the block');
    await net.settle();

    expect(await bob.service.blockContact(ALICE)).toEqual({ ok: true });
    expect(bob.wanted.at(-1)).toEqual([]);
    const attemptedBefore = bob.attempted.length;
    await send(alice, BOB, 'after the block');
    net.deliver(ALICE, bob, encodeFrame({ v: 1, type: 'contact-request', name: 'Alice again' }));
    net.deliver(ALICE, bob, encodeFrame(chatFrame('sneaky')));
    await net.settle();

    expect(await history(bob, ALICE)).toEqual([expect.objectContaining({ id: before.id })]);
    expect(bob.attempted).toHaveLength(attemptedBefore);
    expect(contactOf(bob, ALICE)).toMatchObject({
      status: 'blocked',
      offeredName: 'Alice',
      online: false,
    });
  });

  it('forgets a removed contact and its messages; its frames count as a stranger’s', async () => {
    await befriend();
    await send(alice, BOB, 'hello');
    await send(bob, ALICE, 'hi');
    await net.settle();

    expect(await bob.service.removeContact(ALICE)).toEqual({ ok: true });

    expect(bob.service.summaries()).toEqual([]);
    expect(bob.service.unreadTotal).toBe(0);
    expect(await history(bob, ALICE)).toEqual([]);
    const receiptsBefore = attemptedFrames(bob, 'receipt').length;
    await send(alice, BOB, 'are you there?');
    await net.settle();
    expect(await history(bob, ALICE)).toEqual([]);
    expect(attemptedFrames(bob, 'receipt')).toHaveLength(receiptsBefore);
  });

  // A removed contact must leave the wanted links, or we would keep reconnecting to them.
  it('stops wanting a link to a removed contact', async () => {
    await befriend();

    await bob.service.removeContact(ALICE);

    expect(bob.wanted.at(-1)).toEqual([]);
  });

  it('lets a removed contact ask again, as a new request', async () => {
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();
    await bob.service.renameContact(ALICE, 'Al');
    await bob.service.removeContact(ALICE);

    net.down(alice, bob);
    net.up(alice, bob);
    await net.settle();

    expect(contactOf(bob, ALICE)).toMatchObject({ status: 'incoming', nickname: '' });
  });

  it('forgets an unblocked contact and its messages', async () => {
    await befriend();
    await send(alice, BOB, 'hello');
    await net.settle();
    await bob.service.blockContact(ALICE);

    expect(await bob.service.unblockContact(ALICE)).toEqual({ ok: true });

    expect(bob.service.summaries()).toEqual([]);
    expect(await history(bob, ALICE)).toEqual([]);
    expect(bob.service.unreadTotal).toBe(0);
    expect(await bob.service.unblockContact(ALICE)).toEqual({
      ok: false,
      error: expect.stringMatching(/not blocked/),
    });
  });

  it.each(['removeContact', 'blockContact'] as const)(
    '%s fails for a peer that is not a contact',
    async (method) => {
      expect(await bob.service[method](CAROL)).toEqual({
        ok: false,
        error: 'No such contact.',
      });
    },
  );
});

describe('ChatService: checking what the user asks', () => {
  it.each(['', 'not valid!', '-abc', 'a--b', 'x'.repeat(65)])(
    'refuses to add the invalid peer ID %j',
    async (peerId) => {
      expect(await alice.service.addContact(peerId, '')).toEqual({
        ok: false,
        error: expect.stringMatching(/not a valid peer ID/),
      });
      expect(alice.service.summaries()).toEqual([]);
    },
  );

  it('refuses to add its own ID, however it is spaced', async () => {
    expect(await alice.service.addContact(` ${ALICE}\n`, '')).toEqual({
      ok: false,
      error: expect.stringMatching(/your own/),
    });
    expect(alice.service.summaries()).toEqual([]);
  });

  it('adds a peer ID with spaces around it as the trimmed ID', async () => {
    expect(await alice.service.addContact(`  ${BOB}\t`, '')).toEqual({ ok: true });
    expect(alice.service.summaries().map((contact) => contact.peerId)).toEqual([BOB]);
  });

  it('refuses to add a contact twice, asked or accepted', async () => {
    await alice.service.addContact(BOB, 'first');
    expect(await alice.service.addContact(BOB, 'second')).toEqual({
      ok: false,
      error: expect.stringMatching(/already a contact/),
    });
    expect(contactOf(alice, BOB)?.nickname).toBe('first');

    net.up(alice, bob);
    await net.settle();
    await bob.service.answerRequest(ALICE, true);
    await net.settle();
    expect(await alice.service.addContact(BOB, '')).toMatchObject({ ok: false });
  });

  it('refuses to add a blocked peer', async () => {
    await befriend();
    await bob.service.blockContact(ALICE);

    expect(await bob.service.addContact(ALICE, '')).toEqual({
      ok: false,
      error: expect.stringMatching(/blocked/),
    });
    expect(contactOf(bob, ALICE)?.status).toBe('blocked');
  });

  it.each(['', '   \n\t '])('refuses to send the empty message %j', async (text) => {
    await befriend();

    expect(await alice.service.sendMessage(BOB, text)).toEqual({
      ok: false,
      error: 'Write something first.',
    });
    expect(await history(alice, BOB)).toEqual([]);
  });

  it('sends up to 4,000 characters, and refuses more', async () => {
    await befriend();

    expect(await alice.service.sendMessage(BOB, 'x'.repeat(4_001))).toEqual({
      ok: false,
      error: expect.stringMatching(/at most 4,000 characters/),
    });
    expect(await history(alice, BOB)).toEqual([]);
    const longest = await send(alice, BOB, ` ${'x'.repeat(4_000)} `);
    await net.settle();

    expect(longest.text).toBe('x'.repeat(4_000));
    expect(await stateOf(alice, BOB, longest.id)).toBe('delivered');
  });

  it('refuses to send to a stranger, an unanswered request or a blocked contact', async () => {
    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();
    const carol = await net.join(CAROL, 'Carol');
    await carol.service.addContact(BOB, '');
    net.up(carol, bob);
    await net.settle();
    await bob.service.answerRequest(CAROL, false);

    for (const peerId of ['dave-peer', ALICE, CAROL]) {
      expect(await bob.service.sendMessage(peerId, 'hi')).toEqual({
        ok: false,
        error: 'You can only write to your contacts.',
      });
      expect(await history(bob, peerId)).toEqual([]);
    }
  });
});

describe('ChatService: names', () => {
  it('announces its own name cleaned of control and format characters, cut to 64', async () => {
    alice.name = `\u0007 Al\u200bice\u0000${'x'.repeat(100)} `;

    await alice.service.addContact(BOB, '');
    net.up(alice, bob);
    await net.settle();

    const expected = `Alice${'x'.repeat(59)}`;
    expect(sentFrames(alice, 'contact-request')).toEqual([
      { v: 1, type: 'contact-request', name: expected },
    ]);
    expect(contactOf(bob, ALICE)?.offeredName).toBe(expected);
  });

  it('cleans the name a peer offers, which may carry format characters', async () => {
    net.deliver(
      CAROL,
      bob,
      encodeFrame({ v: 1, type: 'contact-request', name: ' Mal\u200dlo\u202ery\u2066 ' }),
    );
    await net.settle();

    expect(contactOf(bob, CAROL)).toMatchObject({ status: 'incoming', offeredName: 'Mallory' });
  });

  it('cleans the nickname the user gives and cuts it to 64', async () => {
    await alice.service.addContact(BOB, '\tBob\u202e by\u0085 ');
    expect(contactOf(alice, BOB)?.nickname).toBe('Bob by');

    await alice.service.renameContact(BOB, `${'n'.repeat(70)}\n`);
    expect(contactOf(alice, BOB)?.nickname).toBe('n'.repeat(64));
  });
});

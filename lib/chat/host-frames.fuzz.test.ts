// Fuzzing the host's frame path (issue #6): values of any type, JSON and near-JSON text,
// and mutations of valid frames of every type, from every kind of sender, go into
// ChatService.frameArrived, wired to the real transfer and call services over real stores
// on fake-indexeddb. Properties, checked after every input:
// (1) no exception escapes, no rejection goes unhandled, no error is logged;
// (2) an input the decoder refuses changes nothing and renders nothing;
// (3) from anyone but an accepted contact, only a valid contact-request has an effect;
// (4) from an accepted contact, what is stored is what the frame said (chat text verbatim,
//     names cleaned), only their own records move, and the host stays usable.

import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanName } from '../contacts/clean-name.ts';
import { safeFileName } from '../transfer/safe-file-name.ts';
import { decodeFrame } from '../wire/decode-frame.ts';
import { encodeFrame } from '../wire/encode-frame.ts';
import type { WireMessage } from '../wire/wire-message.ts';
import {
  anyText,
  anyValue,
  mutatedFrames,
  validFrame,
  type FrameIds,
  type FuzzInput,
} from '../wire/wire-fuzz-arbitraries.ts';
import {
  FuzzHost,
  PEERS,
  provenKeyOf,
  SEEDED,
  type Output,
  type SenderKind,
  type Snapshot,
} from './testing/fuzz-host.ts';

/**
 * Runs per kind of sender, each a sequence of up to 8 inputs: enough to meet every frame
 * type and mutation several times, and quick, though each input is followed by a full
 * snapshot. Accepted contacts get more, since their frames reach the most code. To replay
 * a failure, add the `seed` and `path` that fast-check prints.
 */
const RUNS: Record<SenderKind, fc.Parameters<unknown>> = {
  stranger: { numRuns: 25 },
  requester: { numRuns: 25 },
  contact: { numRuns: 60 },
  other: { numRuns: 40 },
  blocked: { numRuns: 15 },
};

/**
 * Ids mostly of the records the host holds with the contact, or of one more that frames in
 * the sequence can create; now and then another kind's, or a new one.
 */
function ids(own: string, fresh: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(own), weight: 4 },
    { arbitrary: fc.constant(fresh), weight: 3 },
    { arbitrary: fc.constantFrom(...Object.values(SEEDED)), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
  );
}
const frameIds: FrameIds = {
  chat: ids(SEEDED.message, '0e0e0e0e-0000-4000-8000-0000000000f1'),
  file: ids(SEEDED.transfer, '0e0e0e0e-0000-4000-8000-0000000000f2'),
  call: ids(SEEDED.call, '0e0e0e0e-0000-4000-8000-0000000000f3'),
};

const input: fc.Arbitrary<FuzzInput> = fc.oneof(
  { arbitrary: mutatedFrames(frameIds), weight: 4 },
  {
    arbitrary: validFrame(frameIds).map((message) => ({
      data: encodeFrame(message),
      mustReject: false,
      label: `valid ${message.type}`,
    })),
    weight: 4,
  },
  { arbitrary: anyValue, weight: 1 },
  { arbitrary: anyText, weight: 1 },
);

/** Promise rejections nobody handled, and error lines logged, while the test ran. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

beforeEach(() => {
  unhandled.length = 0;
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  return () => vi.restoreAllMocks();
});

/** What ChatService, the handlers behind it, and the stores logged as errors. */
function errorsLogged(): string[] {
  return vi.mocked(console.error).mock.calls.map((args) => args.map(String).join(' '));
}

/** Incoming chat messages the host stored, as the sender sent them: the model for chat. */
type ChatModel = Map<string, { text: string; seq: number; sentAt: number; peerId: string }>;

/**
 * Hands one input to the host as `sender`, waits until it is handled, and checks what
 * came of it against what the host held before.
 */
async function feed(
  host: FuzzHost,
  sender: string,
  item: FuzzInput,
  chats: ChatModel,
): Promise<void> {
  const before = await host.snapshot();
  const status = host.statusOf(sender);
  const mark = host.outputs.length;

  // (1) Nothing escapes synchronously...
  expect(() => host.chat.frameArrived(sender, item.data)).not.toThrow();
  await host.settle();
  // ...nor asynchronously: no rejection left unhandled, none caught and logged as an error.
  expect(unhandled).toEqual([]);
  expect(errorsLogged()).toEqual([]);

  const after = await host.snapshot();
  const outputs = host.outputs.slice(mark);
  const decoded = decodeFrame(item.data);
  // What the views are shown of contacts is what is stored.
  const shown = after.chatView.map(({ peerId, status, nickname, offeredName }) => ({
    peerId,
    status,
    nickname,
    offeredName,
  }));
  expect(shown.sort((a, b) => a.peerId.localeCompare(b.peerId))).toEqual(
    after.contacts.map(({ peerId, status, nickname, offeredName }) => ({
      peerId,
      status,
      nickname,
      offeredName,
    })),
  );

  // (2) Refused input renders nothing: no state, record, event, notice or frame changes.
  // What the contract refuses, the decoder must refuse too.
  if (item.mustReject) expect(decoded).toMatchObject({ ok: false });
  if (!decoded.ok) {
    expect({ outputs, after }).toEqual({ outputs: [], after: before });
    return;
  }
  const message = decoded.message;
  // (3) A stranger, a requester and a blocked peer move nothing but the request itself.
  if (status !== 'accepted') {
    if (message.type !== 'contact-request' || status === 'blocked') {
      expect({ outputs, after }).toEqual({ outputs: [], after: before });
      return;
    }
    expectRequestRecorded(before, after, sender, message.name);
    expect(outputs.filter((output) => output.kind !== 'change')).toEqual([]);
    return;
  }
  // (4) From an accepted contact: exactly what the contract allows, and only for them.
  expectContactEffects(before, after, outputs, sender, message, chats);
}

/** A contact request was recorded as `incoming` with the name cleaned, and nothing else. */
function expectRequestRecorded(
  before: Snapshot,
  after: Snapshot,
  sender: string,
  name: string,
): void {
  const known = before.contacts.find((contact) => contact.peerId === sender);
  const expected = {
    peerId: sender,
    nickname: known?.nickname ?? '',
    offeredName: cleanName(name),
    status: 'incoming',
    addedAt: known?.addedAt ?? expect.any(Number),
    // Pinned as the link proved it, for a peer that had no record (see ContactKeys).
    publicKey: known?.publicKey ?? provenKeyOf(sender),
    verified: known?.verified ?? false,
    pendingKey: known?.pendingKey ?? null,
  };
  expect(after.contacts.find((contact) => contact.peerId === sender)).toEqual(expected);
  const others = (snapshot: Snapshot) => ({
    ...snapshot,
    contacts: snapshot.contacts.filter((contact) => contact.peerId !== sender),
    chatView: snapshot.chatView.filter((contact) => contact.peerId !== sender),
  });
  expect(others(after)).toEqual(others(before));
}

function expectContactEffects(
  before: Snapshot,
  after: Snapshot,
  outputs: Output[],
  sender: string,
  message: WireMessage,
  chats: ChatModel,
): void {
  // Frames go back to the sender only, and each is one the contract allows.
  for (const output of outputs) {
    switch (output.kind) {
      case 'send':
        expect(output.to).toBe(sender);
        expect(decodeFrame(output.frame)).toMatchObject({ ok: true });
        break;
      case 'event':
        if (output.event.type === 'message') expect(output.event.message.peerId).toBe(sender);
        else
          expect(message).toMatchObject({
            type: 'call-signal',
            id: output.event.callId,
            signal: output.event.signal,
          });
        break;
      case 'unseen':
        expect(message.type).toBe('chat');
        expect(output.peerId).toBe(sender);
        break;
      case 'offer':
        expect(message.type).toBe('file-offer');
        expect(output.peerId).toBe(sender);
        break;
      case 'ringing':
        expect(message).toMatchObject({ type: 'call-invite', id: output.call.callId });
        break;
      case 'open-call':
        // Only the user opens a call page: no frame may.
        expect.unreachable(`a ${message.type} frame opened a call page`);
        break;
      case 'change':
        break;
    }
  }

  // Contacts: only the sender's offered name may change, and only by a contact-accept.
  const contact = after.contacts.find((candidate) => candidate.peerId === sender);
  const previous = before.contacts.find((candidate) => candidate.peerId === sender);
  expect(contact).toEqual({
    ...previous,
    offeredName:
      message.type === 'contact-accept' ? cleanName(message.name) : previous?.offeredName,
  });
  const othersOf = <T extends { peerId: string }>(items: T[]) =>
    items.filter((item) => item.peerId !== sender);
  expect(othersOf(after.contacts)).toEqual(othersOf(before.contacts));

  // Chat: the incoming messages stored are exactly the chat frames first seen, verbatim.
  if (message.type === 'chat' && !before.messages.some((stored) => stored.id === message.id))
    chats.set(message.id, {
      text: message.text,
      seq: message.seq,
      sentAt: message.sentAt,
      peerId: sender,
    });
  const incoming = after.messages.filter((stored) => stored.direction === 'in');
  expect(
    incoming.map(({ id, text, seq, sentAt, peerId }) => [id, { text, seq, sentAt, peerId }]),
  ).toEqual([...chats].sort(([a], [b]) => (a < b ? -1 : 1)));
  if (message.type === 'chat') {
    const owner = before.messages.find((stored) => stored.id === message.id);
    const receipt = {
      to: sender,
      frame: encodeFrame({ v: 1, type: 'receipt', ids: [message.id], state: 'delivered' }),
    };
    // An id another conversation or one of ours already holds is refused, unacknowledged.
    if (owner && (owner.peerId !== sender || owner.direction !== 'in'))
      expect(outputs).not.toContainEqual({ kind: 'send', ...receipt });
    else expect(outputs).toContainEqual({ kind: 'send', ...receipt });
  }
  // Outgoing messages only move forward, and only the sender's.
  for (const stored of before.messages.filter((candidate) => candidate.direction === 'out')) {
    const now = after.messages.find((candidate) => candidate.id === stored.id);
    if (stored.peerId !== sender || message.type !== 'receipt') expect(now).toEqual(stored);
    else
      expect(now).toEqual({ ...stored, state: expect.stringMatching(/^(sent|delivered|read)$/) });
  }

  // Transfers: a new one only for a new offer, holding the name and size offered; another
  // peer's unchanged.
  for (const record of after.transfers) {
    const old = before.transfers.find((candidate) => candidate.id === record.id);
    if (!old)
      expect(message).toMatchObject({
        type: 'file-offer',
        id: record.id,
        name: record.name,
        size: record.size,
      });
    else if (old.peerId !== sender) expect(record).toEqual(old);
    else expect(record).toMatchObject({ peerId: old.peerId, name: old.name, size: old.size });
  }
  expect(after.transfers.length - before.transfers.length).toBeLessThanOrEqual(1);
  if (message.type === 'file-offer' && !before.transfers.some((record) => record.id === message.id))
    expect(after.transferView).toContainEqual(
      expect.objectContaining({
        id: message.id,
        peerId: sender,
        direction: 'in',
        name: safeFileName(message.name),
        size: message.size,
        state: 'offered',
      }),
    );

  // Calls: a new one only for a new invite, as the invite says; another peer's unchanged.
  expect(after.callView.length - before.callView.length).toBeLessThanOrEqual(1);
  for (const call of after.callView) {
    const old = before.callView.find((candidate) => candidate.callId === call.callId);
    if (!old) {
      expect(message).toMatchObject({ type: 'call-invite', id: call.callId, video: call.video });
      expect(call).toMatchObject({ peerId: sender, direction: 'in' });
    } else if (old.peerId !== sender) expect(call).toEqual(old);
  }
}

/** The host still works: a plain chat message from the contact is stored and acknowledged. */
async function expectStillUsable(host: FuzzHost): Promise<void> {
  const id = crypto.randomUUID();
  const mark = host.outputs.length;
  host.chat.frameArrived(
    PEERS.contact,
    encodeFrame({ v: 1, type: 'chat', id, seq: 1, text: ' still here ', sentAt: 1 }),
  );
  await host.settle();
  const after = await host.snapshot();
  expect(after.messages).toContainEqual(
    expect.objectContaining({ id, peerId: PEERS.contact, direction: 'in', text: ' still here ' }),
  );
  expect(host.outputs.slice(mark)).toContainEqual({
    kind: 'send',
    to: PEERS.contact,
    frame: encodeFrame({ v: 1, type: 'receipt', ids: [id], state: 'delivered' }),
  });
  // And a newcomer can still ask to become a contact.
  const newcomer = `new-${crypto.randomUUID().slice(0, 8)}`;
  host.chat.frameArrived(newcomer, encodeFrame({ v: 1, type: 'contact-request', name: 'Nia' }));
  await host.settle();
  expect(host.statusOf(newcomer)).toBe('incoming');
}

const SENDERS: [title: string, kind: SenderKind][] = [
  ['a stranger', 'stranger'],
  ['a requester', 'requester'],
  ['an accepted contact', 'contact'],
  ['another accepted contact', 'other'],
  ['a blocked peer', 'blocked'],
];

describe('the host’s frame path under fuzzing', () => {
  it.for(SENDERS)(
    'from %s: nothing escapes, refused input renders nothing, the rest only as allowed',
    { timeout: 30_000 },
    async ([, kind]) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(input, { minLength: 1, maxLength: 8 }),
          // Mostly with a call ringing out, which frames can answer, signal or end.
          fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false)),
          async (inputs, withCall) => {
            const host = await FuzzHost.open(withCall);
            try {
              const chats: ChatModel = new Map();
              for (const item of inputs) await feed(host, PEERS[kind], item, chats);
              await expectStillUsable(host);
              expect(unhandled).toEqual([]);
              expect(errorsLogged()).toEqual([]);
            } finally {
              await host.close();
            }
          },
        ),
        RUNS[kind],
      );
    },
  );
});

import { deleteDB } from 'idb';
import { vi } from 'vitest';
import { CallService } from '../../call/call-service.ts';
import { CallStore } from '../../call/call-store.ts';
import type { CallSummary } from '../../call/call-types.ts';
import type { Contact, ContactStatus } from '../../contacts/contact.ts';
import type { HostEvent } from '../../protocol/host-state.ts';
import { idleTransferPorts } from '../../transfer/testing/idle-transfer-ports.ts';
import type { TransferRecord } from '../../transfer/transfer-record.ts';
import { TransferService } from '../../transfer/transfer-service.ts';
import { TransferStore } from '../../transfer/transfer-store.ts';
import type { ChatMessage } from '../chat-message.ts';
import { ChatService } from '../chat-service.ts';
import { ChatStore } from '../chat-store.ts';

/** Who sends the frames under test, by where they stand with this host. */
export const PEERS = {
  /** Nobody we know. */
  stranger: 'stra-nger-peer',
  /** Asked to become a contact; not answered. */
  requester: 'requ-ester-peer',
  /** An accepted contact: the seeded message, transfer and call are with them. */
  contact: 'cont-actc-peer',
  /** Another accepted contact, who owns none of the seeded records. */
  other: 'othe-rcon-peer',
  /** Blocked. */
  blocked: 'bloc-kedp-peer',
} as const;

export type SenderKind = keyof typeof PEERS;

/** The ids of the records seeded with `contact`, so that fuzzed frames can name them. */
export const SEEDED = {
  message: '0e0e0e0e-0000-4000-8000-00000000000a',
  transfer: '0e0e0e0e-0000-4000-8000-00000000000b',
  call: '0e0e0e0e-0000-4000-8000-00000000000c',
} as const;

const STATUS: Record<SenderKind, ContactStatus | null> = {
  stranger: null,
  requester: 'incoming',
  contact: 'accepted',
  other: 'accepted',
  blocked: 'blocked',
};

/** Anything the host did that someone outside it could see, in order. */
export type Output =
  | { kind: 'send'; to: string; frame: string }
  | { kind: 'event'; event: HostEvent }
  | { kind: 'unseen'; peerId: string; message: ChatMessage }
  | { kind: 'offer'; peerId: string }
  | { kind: 'ringing'; call: CallSummary }
  | { kind: 'open-call'; callId: string }
  | { kind: 'change' };

/** Everything the host holds, in its stores and in memory, in a comparable form. */
export interface Snapshot {
  contacts: Contact[];
  messages: ChatMessage[];
  transfers: TransferRecord[];
  storedCalls: CallSummary[];
  chatView: ReturnType<ChatService['summaries']>;
  transferView: ReturnType<TransferService['summaries']>;
  callView: CallSummary[];
}

/** Long enough that no call timer fires during a test; the timers are cleared at close. */
const QUIET_TIMING = {
  ringTimeoutMs: 3_600_000,
  pingIntervalMs: 3_600_000,
  silenceLimitMs: 7_200_000,
};

const byId = <T extends { id: string }>(items: T[]) =>
  items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * The store as it is, counting in `pending` the requests (promises) it has under way: the
 * stores are where the host's work on a frame waits, so none pending means it is done.
 */
function countRequests<T extends object>(store: T, pending: { count: number }): T {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) {
          pending.count += 1;
          const done = () => (pending.count -= 1);
          // A derived promise of its own, which must not reject: the caller handles the result.
          void result.then(done, done);
        }
        return result;
      };
    },
  });
}

/**
 * The host's frame path as PeerHost wires it, without the links: a real ChatService handing
 * file and call frames to a real TransferService and CallService, with real stores on
 * fake-indexeddb. Every link is up; what the host sends and tells is recorded in `outputs`.
 */
export class FuzzHost {
  readonly outputs: Output[] = [];
  readonly chat: ChatService;
  readonly transfers: TransferService;
  readonly calls: CallService;
  readonly #stores: { chat: ChatStore; transfers: TransferStore; calls: CallStore };
  readonly #names: string[];
  /** Store requests under way (see counted). */
  readonly #pending = { count: 0 };

  private constructor(
    stores: { chat: ChatStore; transfers: TransferStore; calls: CallStore },
    names: string[],
  ) {
    this.#stores = stores;
    this.#names = names;
    const counted = {
      chat: countRequests(stores.chat, this.#pending),
      transfers: countRequests(stores.transfers, this.#pending),
      calls: countRequests(stores.calls, this.#pending),
    };
    const send = (to: string, frame: string) => {
      this.outputs.push({ kind: 'send', to, frame });
      return true;
    };
    const links = { isOnline: () => true, send };
    const onChange = () => this.outputs.push({ kind: 'change' });
    const onEvent = (event: HostEvent) => this.outputs.push({ kind: 'event', event });
    this.chat = new ChatService({
      ownId: 'self-host-peer',
      store: counted.chat,
      transport: { ...links, setWanted: () => undefined },
      ownName: () => 'Me',
      visibleConversations: () => new Set(),
      onUnseenMessage: (contact, message) =>
        this.outputs.push({ kind: 'unseen', peerId: contact.peerId, message }),
      onChange,
      onEvent,
      onFileFrame: (peerId, frame) => this.transfers.frameArrived(peerId, frame),
      onCallFrame: (peerId, frame) => this.calls.frameArrived(peerId, frame),
      // Frames reach ChatService only over a link whose handshake proved a key.
      provenKey: (peerId) => provenKeyOf(peerId),
    });
    const idle = idleTransferPorts(counted.transfers);
    this.transfers = new TransferService({
      ...idle,
      // No partial file exists to remove: answer at once rather than retry for a second.
      incoming: { ...idle.incoming, remove: () => Promise.resolve() },
      ownId: 'self-host-peer',
      // No data channel opens: a transfer that gets that far is interrupted.
      links: { ...links, openChannel: () => null },
      isAccepted: (peerId) => this.chat.isAccepted(peerId),
      onChange,
      onOffer: (offer) => this.outputs.push({ kind: 'offer', peerId: offer.peerId }),
    });
    this.calls = new CallService({
      links,
      store: counted.calls,
      timing: QUIET_TIMING,
      isAccepted: (peerId) => this.chat.isAccepted(peerId),
      nameOf: (peerId) => peerId,
      openCallPage: (callId) => this.outputs.push({ kind: 'open-call', callId }),
      onRinging: (call) => this.outputs.push({ kind: 'ringing', call }),
      onChange,
      onEvent,
    });
  }

  /**
   * A host that knows every kind of sender, and has with `contact` an outgoing message,
   * an outgoing file and (with `withCall`) an outgoing call ringing, all under SEEDED ids.
   */
  static async open(withCall: boolean): Promise<FuzzHost> {
    const names = ['chat', 'transfers', 'calls'].map(
      (kind) => `fuzz-${kind}-${crypto.randomUUID()}`,
    );
    const stores = {
      chat: await ChatStore.open(names[0]),
      transfers: await TransferStore.open(names[1]),
      calls: await CallStore.open(names[2]),
    };
    for (const [kind, status] of Object.entries(STATUS) as [SenderKind, ContactStatus | null][])
      if (status)
        await stores.chat.putContact({
          peerId: PEERS[kind],
          nickname: kind,
          offeredName: kind,
          status,
          addedAt: 1,
          publicKey: provenKeyOf(PEERS[kind]),
          verified: false,
          pendingKey: null,
        });
    const host = new FuzzHost(stores, names);
    await host.chat.start();
    await host.transfers.start();
    await host.calls.start();

    const uuid = vi.spyOn(crypto, 'randomUUID');
    try {
      uuid.mockReturnValueOnce(SEEDED.message);
      const sent = await host.chat.sendMessage(PEERS.contact, 'hello');
      uuid.mockReturnValueOnce(SEEDED.transfer);
      const offered = await host.transfers.sendFiles(PEERS.contact, [
        new File(['hello'], 'hello.txt'),
      ]);
      uuid.mockReturnValueOnce(SEEDED.call);
      const called = withCall ? host.calls.startCall(PEERS.contact, true) : { ok: true };
      if (!sent.ok || !offered.ok || !called.ok) throw new Error('seeding the host failed');
    } finally {
      uuid.mockRestore();
    }
    await host.settle();
    host.outputs.length = 0;
    return host;
  }

  /** Where the peer stands now (null: unknown). */
  statusOf(peerId: string): ContactStatus | null {
    return this.chat.summaries().find((contact) => contact.peerId === peerId)?.status ?? null;
  }

  /**
   * Waits until the frames handed over so far are handled: until no store request is
   * pending over a few turns of the event loop, the progress ChatService writes late
   * included. Asks nothing of ChatService, so it works whatever the peer's status.
   */
  async settle(): Promise<void> {
    await this.#quiet();
    await this.chat.flushProgress();
    await this.#quiet();
  }

  async #quiet(): Promise<void> {
    for (let turns = 0, quiet = 0; quiet < 3; turns += 1) {
      if (turns > 10_000) throw new Error('the host never settled');
      await new Promise((resolve) => setTimeout(resolve, 0));
      quiet = this.#pending.count === 0 ? quiet + 1 : 0;
    }
  }

  async snapshot(): Promise<Snapshot> {
    const { chat, transfers, calls } = this.#stores;
    const messages = await Promise.all(
      Object.values(PEERS).map((peerId) => chat.conversation(peerId, 1000)),
    );
    return {
      contacts: (await chat.listContacts()).sort((a, b) => a.peerId.localeCompare(b.peerId)),
      messages: byId(messages.flat()),
      transfers: byId(await transfers.list()),
      storedCalls: (await calls.latest(1000)).sort((a, b) => a.callId.localeCompare(b.callId)),
      chatView: this.chat.summaries(),
      transferView: byId(this.transfers.summaries()),
      callView: this.calls.summaries(),
    };
  }

  async close(): Promise<void> {
    // Ends running calls, which clears their timers.
    for (const peerId of Object.values(PEERS)) this.calls.linkClosed(peerId);
    await this.settle();
    this.#stores.chat.close();
    this.#stores.transfers.close();
    this.#stores.calls.close();
    for (const name of this.#names) await deleteDB(name);
  }
}

/** The key a peer proved on its link, as ContactKeys would report it: one per peer. */
export function provenKeyOf(peerId: string): string {
  const digits = [...peerId].map((char) => char.charCodeAt(0).toString(36)).join('');
  return `B${digits.padEnd(86, 'A').slice(0, 86)}`;
}

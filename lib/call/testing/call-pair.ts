import { deleteDB } from 'idb';
import type { HostEvent } from '../../protocol/host-state.ts';
import { decodeFrame } from '../../wire/decode-frame.ts';
import type { CallFrame } from '../../wire/wire-message.ts';
import { CallService } from '../call-service.ts';
import { CallStore } from '../call-store.ts';
import type { CallTiming } from '../call-timing.ts';
import type { CallSummary } from '../call-types.ts';

/** One host's call service, with a real store, and what it told the world. */
export interface CallSide {
  id: string;
  peer: string;
  store: CallStore;
  service: CallService;
  /** Call pages this side opened, by call id. */
  openedPages: string[];
  ringing: CallSummary[];
  events: HostEvent[];
  /** Frames this side received, decoded, in order. */
  received: CallFrame[];
  /** While true, nothing this side sends arrives (a crashed browser whose link stays up). */
  silent: boolean;
}

/**
 * Two hosts joined by one contact link in memory: frames go through the real encoder and
 * decoder and arrive asynchronously, in order, only while the link is up.
 */
export class CallPair {
  up = true;
  readonly #databases: string[] = [];
  readonly #sides: CallSide[] = [];
  readonly #timing: CallTiming;

  constructor(timing: CallTiming) {
    this.#timing = timing;
  }

  async side(id: string, peer: string): Promise<CallSide> {
    const name = `call-service-test-${crypto.randomUUID()}`;
    this.#databases.push(name);
    const side: CallSide = {
      id,
      peer,
      store: await CallStore.open(name),
      service: undefined as unknown as CallService,
      openedPages: [],
      ringing: [],
      events: [],
      received: [],
      silent: false,
    };
    side.service = this.serviceFor(side);
    await side.service.start();
    this.#sides.push(side);
    return side;
  }

  /** A fresh service over the side's store: its host restarted. */
  serviceFor(side: CallSide): CallService {
    return new CallService({
      store: side.store,
      timing: this.#timing,
      isAccepted: (peerId) => peerId === side.peer,
      nameOf: (peerId) => `Contact ${peerId}`,
      openCallPage: (callId) => side.openedPages.push(callId),
      onRinging: (call) => side.ringing.push(call),
      onChange: () => undefined,
      onEvent: (event) => side.events.push(event),
      links: {
        isOnline: (peerId) => this.up && peerId === side.peer,
        send: (peerId, frame) => {
          if (!this.up || peerId !== side.peer) return false;
          if (side.silent) return true;
          setTimeout(() => this.#deliver(side, frame), 0);
          return true;
        },
      },
    });
  }

  /** Hands a raw frame to `to` as if its contact sent it. */
  inject(to: CallSide, from: string, frame: string): void {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) throw new Error(`not a frame: ${decoded.detail}`);
    to.received.push(decoded.message as CallFrame);
    to.service.frameArrived(from, decoded.message as CallFrame);
  }

  disconnect(): void {
    this.up = false;
    for (const side of this.#sides) side.service.linkClosed(side.peer);
  }

  async close(): Promise<void> {
    this.up = false;
    for (const side of this.#sides) {
      side.service.linkClosed(side.peer);
      side.store.close();
    }
    for (const name of this.#databases) await deleteDB(name);
  }

  #deliver(from: CallSide, frame: string): void {
    if (!this.up) return; // Lost with the link.
    const to = this.#sides.find((side) => side.id === from.peer);
    if (to) this.inject(to, from.id, frame);
  }
}

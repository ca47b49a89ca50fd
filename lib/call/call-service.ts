import { logger } from '../log.ts';
import type { ActionResult, HostEvent } from '../protocol/host-state.ts';
import { encodeFrame } from '../wire/encode-frame.ts';
import type { CallFrame, WireMessage } from '../wire/wire-message.ts';
import { callMediaSchema, callSignalSchema } from '../wire/wire-schema.ts';
import type { CallStore } from './call-store.ts';
import { DEFAULT_CALL_TIMING, type CallTiming } from './call-timing.ts';
import type { CallEndReason, CallMedia, CallSignal, CallSummary } from './call-types.ts';

/** What the call service needs from the links to contacts (see ContactLinks). */
export interface CallLinks {
  isOnline(peerId: string): boolean;
  send(peerId: string, frame: string): boolean;
}

export interface CallServiceOptions {
  links: CallLinks;
  store: CallStore;
  /** Only accepted contacts may be called or call. */
  isAccepted: (peerId: string) => boolean;
  /** The contact's name as the user knows it, for error sentences. */
  nameOf: (peerId: string) => string;
  /** Opens the call page, `call.html#<callId>`, in a tab of this browser. */
  openCallPage: (callId: string) => void;
  /** A call started ringing here (incoming): the user should hear of it. */
  onRinging: (call: CallSummary) => void;
  /** Something views show changed. */
  onChange: () => void;
  /** Events for the call pages (call-signal). */
  onEvent: (event: HostEvent) => void;
  timing?: CallTiming;
  now?: () => number;
}

/** Ended calls kept for views (HostState.calls) and conversations. */
export const MAX_KEPT_CALLS = 200;

const SILENT_MEDIA: CallMedia = { muted: false, cameraOff: false, screen: false };

/** What the host holds of a running call beyond its summary. */
interface Live {
  summary: CallSummary;
  ringTimer: ReturnType<typeof setTimeout> | null;
  pingTimer: ReturnType<typeof setInterval> | null;
  /** When the last frame from the other side arrived (or the call began). */
  lastHeard: number;
}

type Result<T = object> = ({ ok: true } & T) | { ok: false; error: string };
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/**
 * Calls with contacts: the rules of docs/protocol.md#calls. The host rings, answers,
 * keeps each call's state and record, watches that the other side is still there, and
 * carries the call pages' signaling; the pages own the media.
 */
export class CallService {
  readonly #options: CallServiceOptions;
  readonly #timing: CallTiming;
  readonly #now: () => number;
  /** Running calls and ended ones, oldest first (bounded by MAX_KEPT_CALLS ended). */
  readonly #calls = new Map<string, Live>();

  constructor(options: CallServiceOptions) {
    this.#options = options;
    this.#timing = options.timing ?? DEFAULT_CALL_TIMING;
    this.#now = options.now ?? Date.now;
  }

  /** Loads the calls that ended before this start (none was running: a host keeps no call). */
  async start(): Promise<void> {
    for (const summary of await this.#options.store.latest(MAX_KEPT_CALLS))
      if (!this.#calls.has(summary.callId)) this.#calls.set(summary.callId, this.#live(summary, 0));
  }

  summaries(): CallSummary[] {
    return [...this.#calls.values()].map((live) => live.summary);
  }

  // ---- the user's and the call page's intents ----

  startCall(peerId: string, video: boolean): Result<{ callId: string }> {
    if (typeof peerId !== 'string' || !this.#options.isAccepted(peerId))
      return fail('You can only call your contacts.');
    if (!this.#options.links.isOnline(peerId))
      return fail(`${this.#options.nameOf(peerId)} is offline.`);
    if (this.#running()) return fail('You are already in a call.');
    const callId = crypto.randomUUID();
    const live = this.#begin(callId, peerId, 'out', video === true);
    if (!this.#send(live, { v: 1, type: 'call-invite', id: callId, video: live.summary.video })) {
      this.#end(live, 'offline', false);
      return fail(`${this.#options.nameOf(peerId)} is offline.`);
    }
    this.#options.openCallPage(callId);
    return { ok: true, callId };
  }

  answerCall(callId: string, accept: boolean): ActionResult {
    const live = this.#calls.get(callId);
    if (live?.summary.direction !== 'in' || live.summary.state !== 'ringing')
      return fail('This call is not ringing any more.');
    if (!accept) {
      this.#end(live, 'declined', true);
      return { ok: true };
    }
    this.#update(live, { state: 'connecting', answeredAt: this.#now() });
    this.#stopRinging(live);
    this.#send(live, { v: 1, type: 'call-answer', id: callId, accept: true });
    this.#options.openCallPage(callId);
    return { ok: true };
  }

  /** Hangs up; `failed` when the call page gave up (no microphone, negotiation, ICE). */
  endCall(callId: string, failed = false): ActionResult {
    const live = this.#calls.get(callId);
    if (!live || live.summary.state === 'ended') return fail('This call has already ended.');
    const { state, direction } = live.summary;
    const reason: CallEndReason = failed
      ? 'failed'
      : state !== 'ringing'
        ? 'hangup'
        : direction === 'out'
          ? 'cancelled'
          : 'declined';
    this.#end(live, reason, true);
    return { ok: true };
  }

  sendSignal(callId: string, signal: CallSignal): ActionResult {
    const live = this.#negotiating(callId);
    if (!live) return fail('This call is not connecting.');
    const frame = { v: 1, type: 'call-signal', id: callId, signal } as const;
    // Checked here as the peer will check it, so a bad signal fails at its source.
    if (!callSignalSchema.safeParse(frame).success) {
      logger.warn('call-signal-refused', { callId, reason: 'invalid' });
      return fail('That is not a valid call signal.');
    }
    return this.#send(live, frame) ? { ok: true } : fail('The call’s connection is down.');
  }

  setMedia(callId: string, media: CallMedia): ActionResult {
    const live = this.#calls.get(callId);
    if (!live || live.summary.state === 'ended') return fail('This call has already ended.');
    const frame = { v: 1, type: 'call-media', id: callId, media } as const;
    if (!callMediaSchema.safeParse(frame).success) return fail('That is not a valid media state.');
    return this.#send(live, frame) ? { ok: true } : fail('The call’s connection is down.');
  }

  connected(callId: string): ActionResult {
    const live = this.#negotiating(callId);
    if (!live) return fail('This call is not connecting.');
    if (live.summary.state !== 'active') this.#update(live, { state: 'active' });
    return { ok: true };
  }

  // ---- the links ----

  /** The contact's link closed: a call with it cannot go on. */
  linkClosed(peerId: string): void {
    for (const live of this.#calls.values())
      if (live.summary.peerId === peerId && live.summary.state !== 'ended')
        this.#end(live, 'lost', false);
  }

  /** Forgets a contact's calls (removed or blocked): a running one ends first. */
  async forgetPeer(peerId: string): Promise<void> {
    for (const [callId, live] of this.#calls)
      if (live.summary.peerId === peerId) {
        if (live.summary.state !== 'ended') this.#end(live, 'hangup', true);
        this.#calls.delete(callId);
      }
    await this.#options.store.deleteForPeer(peerId);
    this.#options.onChange();
  }

  /** A decoded call frame from an accepted contact (ChatService checked both). */
  frameArrived(peerId: string, frame: CallFrame): void {
    // ChatService lets only accepted contacts through; checked again here, as the transfer
    // service does for offers, so no other path could ever make a stranger ring.
    if (!this.#options.isAccepted(peerId)) {
      this.#ignored(peerId, frame, 'not an accepted contact');
      return;
    }
    if (frame.type === 'call-invite') {
      this.#invited(peerId, frame.id, frame.video);
      return;
    }
    const live = this.#calls.get(frame.id);
    if (!live || live.summary.peerId !== peerId) {
      this.#ignored(peerId, frame, live ? 'not this peer’s call' : 'unknown call');
      return;
    }
    if (live.summary.state === 'ended') {
      // The other side ending a call we already ended is normal; anything else is late.
      if (frame.type !== 'call-end' && frame.type !== 'call-ping')
        this.#ignored(peerId, frame, 'call ended');
      return;
    }
    live.lastHeard = this.#now();
    switch (frame.type) {
      case 'call-ping':
        return;
      case 'call-answer':
        if (live.summary.direction !== 'out' || live.summary.state !== 'ringing')
          return this.#ignored(peerId, frame, `call is ${live.summary.state}`);
        if (!frame.accept) return this.#end(live, 'declined', false);
        this.#stopRinging(live);
        this.#update(live, { state: 'connecting', answeredAt: this.#now() });
        return;
      case 'call-signal':
        if (live.summary.state !== 'connecting' && live.summary.state !== 'active')
          return this.#ignored(peerId, frame, `call is ${live.summary.state}`);
        this.#options.onEvent({ type: 'call-signal', callId: frame.id, signal: frame.signal });
        return;
      case 'call-media':
        this.#update(live, { remoteMedia: frame.media });
        return;
      case 'call-end':
        this.#end(live, frame.reason, false);
        return;
    }
  }

  // ---- the machine ----

  #invited(peerId: string, callId: string, video: boolean): void {
    if (this.#calls.has(callId)) {
      this.#ignored(peerId, { v: 1, type: 'call-invite', id: callId, video }, 'known call');
      return;
    }
    const live = this.#begin(callId, peerId, 'in', video);
    if (this.#running() !== live) {
      // Already in a call: the caller hears "busy", and this side notes the missed call.
      this.#end(live, 'busy', true);
      return;
    }
    this.#options.onRinging(live.summary);
  }

  #begin(callId: string, peerId: string, direction: 'in' | 'out', video: boolean): Live {
    const summary: CallSummary = {
      callId,
      peerId,
      direction,
      video,
      state: 'ringing',
      endReason: null,
      startedAt: this.#now(),
      answeredAt: null,
      endedAt: null,
      remoteMedia: SILENT_MEDIA,
    };
    const live = this.#live(summary, this.#now());
    this.#calls.set(callId, live);
    logger.info('call-ringing', { callId, peerId, direction, video });
    live.ringTimer = setTimeout(
      () => this.#end(live, 'unanswered', true),
      this.#timing.ringTimeoutMs,
    );
    live.pingTimer = setInterval(() => this.#checkLiveness(live), this.#timing.pingIntervalMs);
    this.#options.onChange();
    return live;
  }

  /** Says "still here", and ends the call if the other side has not for too long. */
  #checkLiveness(live: Live): void {
    if (this.#now() - live.lastHeard > this.#timing.silenceLimitMs) {
      logger.warn('call-silent', { callId: live.summary.callId, peerId: live.summary.peerId });
      this.#end(live, 'lost', true);
      return;
    }
    this.#send(live, { v: 1, type: 'call-ping', id: live.summary.callId });
  }

  /** Ends a running call; `tell` sends call-end so the other side ends it too. */
  #end(live: Live, reason: CallEndReason, tell: boolean): void {
    if (live.summary.state === 'ended') return;
    const { callId } = live.summary;
    if (tell) this.#send(live, { v: 1, type: 'call-end', id: callId, reason });
    this.#stopRinging(live);
    if (live.pingTimer) clearInterval(live.pingTimer);
    live.pingTimer = null;
    this.#update(live, { state: 'ended', endReason: reason, endedAt: this.#now() });
    this.#forgetOldest();
    this.#options.store
      .put(live.summary)
      .catch((error: unknown) =>
        logger.error('call-store-failed', { callId, error: String(error) }),
      );
  }

  #update(live: Live, change: Partial<CallSummary>): void {
    const before = live.summary.state;
    live.summary = { ...live.summary, ...change };
    const { callId, peerId, state, endReason } = live.summary;
    if (state !== before)
      logger.info('call-state', { callId, peerId, from: before, to: state, endReason });
    this.#options.onChange();
  }

  #stopRinging(live: Live): void {
    if (live.ringTimer) clearTimeout(live.ringTimer);
    live.ringTimer = null;
  }

  /** The call under way (one at a time), if any. */
  #running(): Live | undefined {
    for (const live of this.#calls.values()) if (live.summary.state !== 'ended') return live;
    return undefined;
  }

  #negotiating(callId: string): Live | undefined {
    const live = this.#calls.get(callId);
    const state = live?.summary.state;
    return state === 'connecting' || state === 'active' ? live : undefined;
  }

  #forgetOldest(): void {
    let ended = 0;
    for (const live of this.#calls.values()) if (live.summary.state === 'ended') ended += 1;
    for (const [callId, live] of this.#calls) {
      if (ended <= MAX_KEPT_CALLS) return;
      if (live.summary.state !== 'ended') continue;
      this.#calls.delete(callId);
      ended -= 1;
    }
  }

  #live(summary: CallSummary, lastHeard: number): Live {
    return { summary, ringTimer: null, pingTimer: null, lastHeard };
  }

  #send(live: Live, frame: WireMessage): boolean {
    return this.#options.links.send(live.summary.peerId, encodeFrame(frame));
  }

  #ignored(peerId: string, frame: CallFrame, reason: string): void {
    logger.info('call-frame-ignored', { peerId, type: frame.type, callId: frame.id, reason });
  }
}

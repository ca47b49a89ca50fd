import { displayName } from '../../lib/contacts/contact.ts';
import {
  initialCallSnapshot,
  type CallSession,
  type CallSnapshot,
} from '../../lib/call/call-session.ts';
import type { HostState } from '../../lib/protocol/host-state.ts';

/**
 * A call session as Svelte state: what the call page renders. Components read `call`,
 * `contactName` and `now`, and send intents to `session`; they never touch media.
 */
export class CallView {
  /** Streams inside are non-reactive handles: the snapshot is replaced, never mutated. */
  call = $state.raw<CallSnapshot>(initialCallSnapshot());
  hostState = $state.raw<HostState | null>(null);
  /** Ticks every second while the call runs, for the timer. */
  now = $state(Date.now());
  readonly session: CallSession;

  constructor(
    session: CallSession,
    host: {
      latestState: HostState | null;
      onState(listener: (state: HostState) => void): () => void;
    },
  ) {
    this.session = session;
    this.call = session.snapshot;
    this.hostState = host.latestState;
    session.onChange((snapshot) => (this.call = snapshot));
    host.onState((state) => (this.hostState = state));
    const tick = setInterval(() => {
      this.now = Date.now();
      if (this.call?.phase === 'ended') clearInterval(tick);
    }, 1_000);
  }

  /** Whom the call is with, by the name this user knows them by. */
  get contactName(): string {
    const peerId = this.call?.summary?.peerId;
    if (!peerId) return 'Call';
    const contact = this.hostState?.contacts.find((candidate) => candidate.peerId === peerId);
    return contact ? displayName(contact) : peerId;
  }
}

import type { HostClient } from '../lib/protocol/host-client.ts';
import type {
  HostMethod,
  ParamsOf,
  ResultOf,
  ViewPresence,
} from '../lib/protocol/host-protocol.ts';
import type { HostEvent, HostState } from '../lib/protocol/host-state.ts';

/** Tells the host what this view shows (see VIEW_PORT_NAME). */
export type PresenceReporter = (presence: ViewPresence) => void;

/**
 * The host's state as Svelte state: what a view renders. Components read `state`, listen
 * to `onEvent` for things too many to keep in the state (messages), and send intents
 * with `request`; they never talk to the channel themselves.
 */
export class HostView {
  /** `null` only until the host first answers. */
  state = $state.raw<HostState | null>(null);
  readonly kind: ViewPresence['kind'];
  readonly #client: HostClient;
  readonly #reportPresence: PresenceReporter;

  constructor(
    client: HostClient,
    initial: HostState | null,
    kind: ViewPresence['kind'] = 'popup',
    reportPresence: PresenceReporter = () => undefined,
  ) {
    this.#client = client;
    this.kind = kind;
    this.#reportPresence = reportPresence;
    this.state = initial;
    client.onState((state) => {
      this.state = state;
    });
    // If the host was not up in time, keep asking until it is.
    if (!initial) void client.connect(60_000).then((state) => (this.state ??= state));
  }

  request<M extends HostMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    return this.#client.request(method, params);
  }

  /** Calls `listener` with every host event; returns an unsubscribe (use in $effect). */
  onEvent(listener: (event: HostEvent) => void): () => void {
    return this.#client.onEvent(listener);
  }

  /** Call when the conversation on screen changes; its messages then count as read. */
  showConversation(peerId: string | null): void {
    this.#reportPresence({ kind: this.kind, conversation: peerId });
  }
}

import type { HostEvent, HostState } from './host-state.ts';
import {
  HOST_CHANNEL,
  type ChannelMessage,
  type HostMethod,
  type ParamsOf,
  type ResultOf,
} from './host-protocol.ts';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface HostClientOptions {
  channel?: BroadcastChannel;
  /** Asks whoever starts the host to start it (Chrome's service worker). */
  wakeHost?: () => Promise<void>;
  requestTimeoutMs?: number;
}

/**
 * A view's end of the view protocol: typed requests to the host and a live stream
 * of its state.
 */
export class HostClient {
  readonly #channel: BroadcastChannel;
  readonly #pending = new Map<string, Pending>();
  readonly #stateListeners = new Set<(state: HostState) => void>();
  readonly #eventListeners = new Set<(event: HostEvent) => void>();
  readonly #wakeHost: () => Promise<void>;
  readonly #requestTimeoutMs: number;
  #latest: HostState | null = null;

  constructor({ channel, wakeHost, requestTimeoutMs = 15_000 }: HostClientOptions = {}) {
    this.#channel = channel ?? new BroadcastChannel(HOST_CHANNEL);
    this.#wakeHost = wakeHost ?? (() => Promise.resolve());
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#channel.addEventListener('message', (event: MessageEvent<ChannelMessage>) =>
      this.#receive(event.data),
    );
  }

  /** The last state the host pushed, if any. */
  get latestState(): HostState | null {
    return this.#latest;
  }

  /** Calls `listener` with every state the host pushes; returns an unsubscribe. */
  onState(listener: (state: HostState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Calls `listener` with every event the host pushes; returns an unsubscribe. */
  onEvent(listener: (event: HostEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  request<M extends HostMethod>(
    method: M,
    params: ParamsOf<M>,
    timeoutMs = this.#requestTimeoutMs,
  ): Promise<ResultOf<M>> {
    const id = crypto.randomUUID();
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`Parley’s background host did not answer “${method}”.`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject, timer });
      this.#post({ kind: 'request', id, method, params });
    });
  }

  /**
   * Resolves with the host's state as soon as the host answers, waking it first and
   * asking again while it starts. Resolves `null` after `giveUpMs`.
   */
  async connect(giveUpMs = 5_000, retryEveryMs = 250): Promise<HostState | null> {
    const deadline = Date.now() + giveUpMs;
    void this.#wakeHost().catch(() => undefined);
    while (Date.now() < deadline) {
      try {
        const state = await this.request('getState', undefined, retryEveryMs);
        this.#latest ??= state;
        return this.#latest;
      } catch {
        if (this.#latest) return this.#latest;
      }
    }
    return this.#latest;
  }

  close(): void {
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
    this.#channel.close();
  }

  #receive(message: ChannelMessage): void {
    if (message?.kind === 'state') {
      // Only the host posts states; still, a malformed one must not blank the view.
      if (typeof message.state?.peerId !== 'string') return;
      this.#latest = message.state;
      for (const listener of this.#stateListeners) listener(message.state);
      return;
    }
    if (message?.kind === 'event') {
      for (const listener of this.#eventListeners) listener(message.event);
      return;
    }
    if (message?.kind !== 'response') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return; // another view's request
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(message.error));
  }

  #post(message: ChannelMessage): void {
    this.#channel.postMessage(message);
  }
}

import type { ChatMessage, MessageState } from '../lib/chat/chat-message.ts';
import type { HostView } from './host-view.svelte.ts';

/** How many of the latest messages a conversation loads when it opens. */
export const CONVERSATION_LIMIT = 200;

// How far along each state is; a message never moves back, whatever order updates arrive in.
const PROGRESS: Record<MessageState, number> = {
  sending: 0,
  received: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};

/** The later of two versions of one message. */
function newer(current: ChatMessage | undefined, next: ChatMessage): ChatMessage {
  return current && PROGRESS[current.state] > PROGRESS[next.state] ? current : next;
}

/**
 * One conversation as the view shows it: the latest messages, loaded from the host and
 * then kept current from its message events, plus sending. Create one per peer ID.
 */
export class ConversationState {
  readonly peerId: string;
  /** Oldest first, by the order this device stored them. */
  messages = $state.raw<ChatMessage[]>([]);
  loading = $state(true);
  loadError = $state<string | null>(null);
  sending = $state(false);
  sendError = $state<string | null>(null);
  readonly #host: HostView;
  // A plain index: `messages` is what views read, and it is replaced on every change.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- not read reactively
  readonly #byId = new Map<string, ChatMessage>();

  constructor(host: HostView, peerId: string) {
    this.#host = host;
    this.peerId = peerId;
  }

  /** Starts following the conversation; returns the stop (for an $effect). */
  connect(): () => void {
    // Listen first, so nothing that happens while the history loads is missed.
    const stop = this.#host.onEvent((event) => {
      if (event.type === 'message' && event.message.peerId === this.peerId) {
        this.#upsert([event.message]);
      }
    });
    void this.load();
    return stop;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.loadError = null;
    try {
      const history = await this.#host.request('getConversation', {
        peerId: this.peerId,
        limit: CONVERSATION_LIMIT,
      });
      this.#upsert(history);
    } catch (error) {
      this.loadError = `Could not load the conversation: ${String(error)}`;
    } finally {
      this.loading = false;
    }
  }

  /** Sends `text`; resolves `true` once the host has queued it. */
  async send(text: string): Promise<boolean> {
    const message = text.trim();
    if (!message || this.sending) return false;
    this.sending = true;
    this.sendError = null;
    try {
      const result = await this.#host.request('sendMessage', {
        peerId: this.peerId,
        text: message,
      });
      if (!result.ok) {
        this.sendError = result.error;
        return false;
      }
      this.#upsert([result.message]);
      return true;
    } catch (error) {
      this.sendError = `Not sent: ${String(error)}`;
      return false;
    } finally {
      this.sending = false;
    }
  }

  #upsert(incoming: readonly ChatMessage[]): void {
    let changed = false;
    for (const message of incoming) {
      if (message.peerId !== this.peerId) continue;
      const current = this.#byId.get(message.id);
      const kept = newer(current, message);
      if (kept === current) continue;
      this.#byId.set(message.id, kept);
      changed = true;
    }
    if (!changed) return;
    this.messages = [...this.#byId.values()].sort((a, b) => a.localOrder - b.localOrder);
  }
}

import type { ViewPresence } from '../protocol/host-protocol.ts';

/** A port as the registry needs it (a runtime.Port in the browser). */
export interface ViewPort {
  name: string;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

function isViewPresence(message: unknown): message is ViewPresence {
  const presence = message as Partial<ViewPresence> | null;
  return (
    typeof presence === 'object' &&
    presence !== null &&
    (presence.kind === 'popup' || presence.kind === 'page') &&
    (presence.conversation === null || typeof presence.conversation === 'string')
  );
}

/**
 * Which views are open and which conversation each shows, from the ports the views hold
 * open to the host (see VIEW_PORT_NAME). A port's disconnect is how the host learns,
 * at once, that a popup closed.
 */
export class ViewRegistry {
  readonly #views = new Map<ViewPort, ViewPresence>();
  readonly #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  attach(port: ViewPort): void {
    this.#views.set(port, { kind: 'page', conversation: null });
    port.onMessage.addListener((message) => {
      if (!isViewPresence(message)) return;
      this.#views.set(port, message);
      this.#onChange();
    });
    port.onDisconnect.addListener(() => {
      this.#views.delete(port);
      this.#onChange();
    });
  }

  /** Conversations that some open view has on screen. */
  visibleConversations(): Set<string> {
    const visible = new Set<string>();
    for (const { conversation } of this.#views.values())
      if (conversation) visible.add(conversation);
    return visible;
  }

  isPopupOpen(): boolean {
    return [...this.#views.values()].some((view) => view.kind === 'popup');
  }
}

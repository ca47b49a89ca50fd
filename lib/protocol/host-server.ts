import type { HostEvent, HostState } from './host-state.ts';
import {
  HOST_CHANNEL,
  type ChannelMessage,
  type HostMethod,
  type ParamsOf,
  type ResultOf,
} from './host-protocol.ts';
import { logger } from '../log.ts';

export type HostHandlers = {
  [M in HostMethod]: (params: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
};

function isRequest(data: unknown): data is Extract<ChannelMessage, { kind: 'request' }> {
  const message = data as Partial<Extract<ChannelMessage, { kind: 'request' }>> | null;
  return (
    typeof message === 'object' &&
    message !== null &&
    message.kind === 'request' &&
    typeof message.id === 'string' &&
    typeof message.method === 'string'
  );
}

/**
 * The host's end of the view protocol: answers requests with the registered handlers
 * and pushes every state change to all open views.
 */
export class HostServer {
  readonly #channel: BroadcastChannel;

  constructor(handlers: HostHandlers, channel = new BroadcastChannel(HOST_CHANNEL)) {
    this.#channel = channel;
    this.#channel.addEventListener('message', (event: MessageEvent<unknown>) => {
      // Only methods the host registered are served; anything else on the channel is ignored.
      if (isRequest(event.data) && Object.hasOwn(handlers, event.data.method))
        void this.#answer(handlers, event.data);
    });
  }

  publishState(state: HostState): void {
    this.#post({ kind: 'state', state });
  }

  publishEvent(event: HostEvent): void {
    this.#post({ kind: 'event', event });
  }

  close(): void {
    this.#channel.close();
  }

  async #answer(
    handlers: HostHandlers,
    { id, method, params }: Extract<ChannelMessage, { kind: 'request' }>,
  ): Promise<void> {
    try {
      const handler = handlers[method] as (params: unknown) => unknown;
      const result = await handler(params);
      this.#post({ kind: 'response', id, ok: true, result });
    } catch (error) {
      logger.warn('view-request-failed', { method, error: String(error) });
      this.#post({ kind: 'response', id, ok: false, error: String(error) });
    }
  }

  #post(message: ChannelMessage): void {
    this.#channel.postMessage(message);
  }
}

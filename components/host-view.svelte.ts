import type { HostClient } from '../lib/protocol/host-client.ts';
import type { ParamsOf, ResultOf, HostMethod } from '../lib/protocol/host-protocol.ts';
import type { HostState } from '../lib/protocol/host-state.ts';

/**
 * The host's state as Svelte state: what a view renders. Components read `state` and
 * send intents with `request`; they never talk to the channel themselves.
 */
export class HostView {
  /** `null` only until the host first answers. */
  state = $state.raw<HostState | null>(null);
  readonly #client: HostClient;

  constructor(client: HostClient, initial: HostState | null) {
    this.#client = client;
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
}

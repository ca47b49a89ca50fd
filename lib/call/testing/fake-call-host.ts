// The host as a call page sees it: records requests, answers them ok, and lets a test push
// states and events.
import type { HostMethod, ParamsOf, ResultOf } from '../../protocol/host-protocol.ts';
import type { HostEvent, HostState } from '../../protocol/host-state.ts';
import type { CallHostLink } from '../call-session.ts';
import type { CallSummary } from '../call-types.ts';

export function callSummary(change: Partial<CallSummary> = {}): CallSummary {
  return {
    callId: 'call-1',
    peerId: 'bob',
    direction: 'out',
    video: true,
    state: 'ringing',
    endReason: null,
    startedAt: 1_000,
    answeredAt: null,
    endedAt: null,
    remoteMedia: { muted: false, cameraOff: false, screen: false },
    ...change,
  };
}

export class FakeCallHost implements CallHostLink {
  latestState: HostState | null;
  readonly requests: { method: HostMethod; params: unknown }[] = [];
  readonly #stateListeners = new Set<(state: HostState) => void>();
  readonly #eventListeners = new Set<(event: HostEvent) => void>();

  constructor(calls: CallSummary[]) {
    this.latestState = {
      calls,
      settings: {
        server: { host: 'example.org', port: 443, path: '/', secure: true, key: 'k' },
        iceServers: [{ url: 'stun:stun.example.org:3478', username: '', credential: '' }],
      },
    } as unknown as HostState; // only the fields a call page reads
  }

  request<M extends HostMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    this.requests.push({ method, params });
    return Promise.resolve({ ok: true } as ResultOf<M>);
  }

  onState(listener: (state: HostState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Replaces the call's record, as the host's next state push would. */
  setCall(summary: CallSummary): void {
    const state = { ...this.latestState, calls: [summary] } as HostState;
    this.latestState = state;
    for (const listener of this.#stateListeners) listener(state);
  }

  emit(event: HostEvent): void {
    for (const listener of this.#eventListeners) listener(event);
  }

  /** The params of every request of `method`, in order. */
  sent<M extends HostMethod>(method: M): ParamsOf<M>[] {
    return this.requests
      .filter((request) => request.method === method)
      .map((request) => request.params as ParamsOf<M>);
  }
}

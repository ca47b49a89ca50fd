import type { Settings } from '../settings/settings.ts';
import type { HostState, PeerPresence, SaveSettingsResult } from './host-state.ts';

/**
 * Every request a view can make of the peer host, with its parameters and result.
 * The host registers one handler per method (see lib/host/host-handlers.ts); views
 * call them through `HostClient.request`. Adding a method here makes both sides
 * fail to compile until they agree.
 */
export interface HostRequests {
  /** The current state; views also receive every later change as it happens. */
  getState: { params: undefined; result: HostState };
  /** Validates, stores and applies new settings; the host reconnects with them. */
  saveSettings: { params: Settings; result: SaveSettingsResult };
  /** Whether another peer is reachable right now, by opening a data connection to it. */
  checkPeer: { params: { peerId: string }; result: PeerPresence };
}

export type HostMethod = keyof HostRequests;
export type ParamsOf<M extends HostMethod> = HostRequests[M]['params'];
export type ResultOf<M extends HostMethod> = HostRequests[M]['result'];

/** The one BroadcastChannel that views and the host share (same extension origin). */
export const HOST_CHANNEL = 'parley:host';

/** The messages on that channel. */
export type ChannelMessage =
  | { kind: 'request'; id: string; method: HostMethod; params: unknown }
  | { kind: 'response'; id: string; ok: true; result: unknown }
  | { kind: 'response'; id: string; ok: false; error: string }
  | { kind: 'state'; state: HostState };

/** Runtime message a view sends so that Chrome's service worker (re)creates the host. */
export const ENSURE_HOST_MESSAGE = { type: 'parley:ensure-host' } as const;

export function isEnsureHostMessage(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === ENSURE_HOST_MESSAGE.type
  );
}

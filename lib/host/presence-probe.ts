import type { Peer } from 'peerjs';
import { unavailablePeer } from '../contacts/contact-links.ts';
import type { PeerPresence } from '../protocol/host-state.ts';

/**
 * The PeerServer expires an offer to an absent peer after its expire timeout (5 s by
 * default) and tells the sender; this bounds the wait if that message never comes.
 */
export const PROBE_TIMEOUT_MS = 12_000;

/**
 * Finds out whether `targetId` is online by opening a data connection to it, the only
 * way that needs no server-side discovery (which stays off, for privacy).
 */
export function probePeer(
  peer: Peer,
  targetId: string,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<PeerPresence> {
  return new Promise((resolve) => {
    const connection = peer.connect(targetId, { reliable: true, metadata: { kind: 'probe' } });
    const finish = (presence: PeerPresence) => {
      clearTimeout(timer);
      peer.off('error', onPeerError);
      connection.close();
      resolve(presence);
    };
    const onPeerError = (error: { type: string; message: string }) => {
      // PeerJS reports an absent peer on the Peer, naming it only in the message.
      if (error.type === 'peer-unavailable' && unavailablePeer(error) === targetId)
        finish({ presence: 'offline' });
    };
    const timer = setTimeout(() => finish({ presence: 'offline' }), timeoutMs);
    peer.on('error', onPeerError);
    connection.on('open', () => finish({ presence: 'online' }));
    connection.on('error', () => finish({ presence: 'offline' }));
  });
}

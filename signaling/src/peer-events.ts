import type { IClient, IMessage } from 'peer';
import type { Logger } from './logger.ts';

/** The events an ExpressPeerServer app emits about its clients (see peer's PeerServerEvents). */
interface PeerServerEmitter {
  on(event: 'connection' | 'disconnect', listener: (client: IClient) => void): unknown;
  on(event: 'message', listener: (client: IClient, message: IMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Logs what PeerServer reports about its clients and keeps the IDs registered right now,
 * which /health counts and refusal logging consults. Also the 'error' listener that must
 * exist: PeerServer re-emits socket errors, and an unheard 'error' event would throw.
 */
export function watchPeers(peerServer: PeerServerEmitter, logger: Logger): ReadonlySet<string> {
  const connected = new Set<string>();

  peerServer.on('connection', (client) => {
    const peer = client.getId();
    // The same ID with the same token replaces its old socket (e.g. after a browser restart).
    const reattached = connected.has(peer);
    connected.add(peer);
    // PeerServer 1.x answers a re-attached socket with nothing, yet a PeerJS client counts
    // itself registered only on OPEN: without this it would wait for its own timeout.
    if (reattached) client.send({ type: 'OPEN' });
    logger.info('client-connected', { peer, reattached, clients: connected.size });
  });
  peerServer.on('disconnect', (client) => {
    connected.delete(client.getId());
    logger.info('client-disconnected', { peer: client.getId(), clients: connected.size });
  });
  peerServer.on('message', (client, message) => {
    logger.debug('message', { peer: client.getId(), type: message.type });
  });
  peerServer.on('error', (error) => {
    const code = (error as { code?: unknown }).code;
    logger.warn('socket-error', {
      message: error.message,
      code: typeof code === 'string' ? code : undefined,
    });
  });

  return connected;
}

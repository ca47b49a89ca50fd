import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { WebSocketServer } from 'ws';
import type { UpgradeGate } from './upgrade-gate.ts';

/** How long clients get to answer the close handshake before their sockets are cut. */
export const SHUTDOWN_GRACE_MS = 2000;

export interface ClosableParts {
  readonly server: HttpServer | HttpsServer;
  readonly sockets: WebSocketServer;
  readonly gate: UpgradeGate;
}

/**
 * Stops taking connections, closes every WebSocket with 1001 (going away) so PeerJS
 * clients know to reconnect elsewhere or later, and resolves once every socket and the HTTP
 * server are closed. Whatever has not closed after the grace period is cut.
 */
export async function closeGracefully(
  { server, sockets, gate }: ClosableParts,
  graceMs = SHUTDOWN_GRACE_MS,
): Promise<void> {
  gate.close();
  // In noServer mode this resolves once the last WebSocket has closed (and PeerServer has
  // seen it go).
  const socketsClosed = new Promise<void>((resolve) => sockets.close(() => resolve()));
  const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets.clients) socket.close(1001, 'Server shutting down');
  server.closeIdleConnections();

  const cut = setTimeout(() => {
    for (const socket of sockets.clients) socket.terminate();
    server.closeAllConnections();
  }, graceMs);
  await Promise.all([socketsClosed, httpClosed]);
  clearTimeout(cut);
  // PeerServer 1.0.2 cannot stop its two housekeeping timers; they now tick over an empty
  // client list, and main.ts exits the process after this resolves.
}

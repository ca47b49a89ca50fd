import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';

export type UpgradeRefusal = 'unknown-path' | 'rate-limited' | 'origin' | 'shutting-down';

export interface UpgradeGateOptions {
  /** The one path WebSockets are served on, e.g. `/parley/peerjs`. */
  readonly path: string;
  readonly isAllowedOrigin: (origin: string | undefined) => boolean;
  /** Counts one connection attempt from the request's client; false means too many. */
  readonly takeConnection: (req: IncomingMessage) => boolean;
  readonly onRefused: (req: IncomingMessage, reason: UpgradeRefusal) => void;
  /**
   * Rewrites an accepted upgrade's URL before PeerServer reads it (Parley swaps the client's
   * credential for the key PeerServer checks, see credentials.ts).
   */
  readonly rewriteUrl: (url: string | undefined) => string | undefined;
}

export interface UpgradeGate {
  /** Answer every later upgrade with 503, so shutdown is not raced by new clients. */
  close(): void;
}

const REFUSAL_STATUS: Readonly<Record<UpgradeRefusal, number>> = {
  'unknown-path': 404,
  'rate-limited': 429,
  origin: 403,
  'shutting-down': 503,
};

/**
 * Decides, before any WebSocket exists, whether an HTTP upgrade may become one: right path,
 * client under its connection rate, allowed Origin, server not stopping. The rate counts
 * refused origins too, so retrying with forged ones does not escape it. Refusals are plain HTTP errors (403 for a foreign
 * origin), which browsers report as a failed connection. Accepted upgrades are handed to
 * `sockets`, which then emits 'connection' as if it owned the HTTP server.
 */
export function openUpgradeGate(
  server: Server,
  sockets: WebSocketServer,
  { path, isAllowedOrigin, takeConnection, onRefused, rewriteUrl }: UpgradeGateOptions,
): UpgradeGate {
  let closed = false;

  const refuse = (req: IncomingMessage, socket: Duplex, reason: UpgradeRefusal): void => {
    onRefused(req, reason);
    const status = REFUSAL_STATUS[reason];
    const body = STATUS_CODES[status] ?? '';
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that vanishes mid-handshake must not crash the process.
    const onError = (): void => void socket.destroy();
    socket.on('error', onError);
    if (closed) return refuse(req, socket, 'shutting-down');
    if (pathnameOf(req) !== path) return refuse(req, socket, 'unknown-path');
    if (!takeConnection(req)) return refuse(req, socket, 'rate-limited');
    if (!isAllowedOrigin(req.headers.origin)) return refuse(req, socket, 'origin');
    req.url = rewriteUrl(req.url);
    socket.off('error', onError); // ws installs its own handler from here on
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  return {
    close: () => {
      closed = true;
    },
  };
}

function pathnameOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

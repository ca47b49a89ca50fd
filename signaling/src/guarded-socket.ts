import { WebSocket, type RawData } from 'ws';
import { decodeClientMessage } from './client-message.ts';
import { TokenBucket } from './token-bucket.ts';

/** Told about every message that failed validation and was kept from PeerServer. */
export type InvalidMessageHandler = (socket: WebSocket, reason: string, bytes: number) => void;

/** Told once when a socket goes over its message rate; the socket is closing by then. */
export type FloodHandler = (socket: WebSocket) => void;

export interface GuardOptions {
  /** Per-connection message rate: average per second, and how many may come at once. */
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  readonly onInvalid: InvalidMessageHandler;
  readonly onFlood: FloodHandler;
}

/** 1008: the client broke the server's policy (here, its message rate). */
export const POLICY_VIOLATION = 1008;

/**
 * Makes the WebSocket class the server builds for each connection (ws's `WebSocket`
 * option). Its sockets check every incoming message before any 'message' listener runs,
 * so PeerServer's handler — which would JSON.parse anything and relay it — only ever sees
 * valid messages. Invalid ones go to `onInvalid` instead; the socket stays open. A socket
 * that sends faster than its rate is told so once and closed, and nothing it sent after
 * that reaches PeerServer: a flood costs one bucket check per frame, never a parse.
 */
export function createGuardedSocketClass({
  messagesPerSecond,
  messageBurst,
  onInvalid,
  onFlood,
}: GuardOptions): typeof WebSocket {
  return class GuardedSocket extends WebSocket {
    private readonly rate = new TokenBucket(messagesPerSecond, messageBurst, Date.now());
    private flooded = false;

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        if (this.flooded) return false;
        if (!this.rate.take(Date.now())) {
          this.flooded = true;
          onFlood(this);
          return false;
        }
        const [data, isBinary] = args as [RawData, boolean];
        const result = decodeClientMessage(data, isBinary);
        if (!result.ok) {
          onInvalid(this, result.reason, byteLength(data));
          return false;
        }
      }
      return super.emit(event, ...args);
    }
  };
}

function byteLength(data: RawData): number {
  return Array.isArray(data)
    ? data.reduce((total, chunk) => total + chunk.byteLength, 0)
    : data.byteLength;
}

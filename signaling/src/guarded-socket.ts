import { WebSocket, type RawData } from 'ws';
import { decodeClientMessage } from './client-message.ts';

/** Told about every message that failed validation and was kept from PeerServer. */
export type InvalidMessageHandler = (socket: WebSocket, reason: string, bytes: number) => void;

/**
 * Makes the WebSocket class the server builds for each connection (ws's `WebSocket`
 * option). Its sockets check every incoming message before any 'message' listener runs,
 * so PeerServer's handler — which would JSON.parse anything and relay it — only ever sees
 * valid messages. Invalid ones go to `onInvalid` instead; the socket stays open.
 */
export function createGuardedSocketClass(onInvalid: InvalidMessageHandler): typeof WebSocket {
  return class GuardedSocket extends WebSocket {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
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

// One client registered as PeerJS's browser client registers: a WebSocket to
// `<path>/peerjs?key=K&id=ID&token=T`, then the server's first frame says whether it is
// in (OPEN) or turned away (ERROR, ID-TAKEN, or a refused upgrade).
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** Where and how a client registers. */
export interface Endpoint {
  /** e.g. `ws://127.0.0.1:9000/parley/peerjs` */
  websocketUrl: string;
  key: string;
  /** Sent as the Origin header, as a browser does; Parley's private mode checks it. */
  origin: string;
}

export type Registration =
  { ok: true; socket: WebSocket } | { ok: false; reason: string; fdExhausted: boolean };

/** Longest a registration may take before it counts as refused. */
const REGISTER_TIMEOUT_MS = 10_000;

/** A random token like PeerJS's `randomToken()` (it only has to differ between sessions). */
const token = (): string => randomBytes(6).toString('base64url');

export function register(endpoint: Endpoint, id: string): Promise<Registration> {
  const url = `${endpoint.websocketUrl}?key=${endpoint.key}&id=${id}&token=${token()}`;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Registration): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!result.ok) socket.terminate();
      resolve(result);
    };
    // No compression: PeerJS's frames are small, and it would cost this process memory
    // for every one of the thousands of clients.
    const socket = new WebSocket(url, { origin: endpoint.origin, perMessageDeflate: false });
    const timer = setTimeout(
      () => settle({ ok: false, reason: 'timeout', fdExhausted: false }),
      REGISTER_TIMEOUT_MS,
    );
    socket.once('message', (data) => {
      const frame = JSON.parse(String(data)) as { type?: string; payload?: { msg?: string } };
      if (frame.type === 'OPEN') settle({ ok: true, socket });
      else {
        const reason = `${frame.type}${frame.payload?.msg ? `: ${frame.payload.msg}` : ''}`;
        settle({ ok: false, reason, fdExhausted: false });
      }
    });
    socket.once('unexpected-response', (_req, res) =>
      settle({ ok: false, reason: `HTTP ${res.statusCode}`, fdExhausted: false }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      settle({
        ok: false,
        reason: error.code ?? error.message,
        fdExhausted: error.code === 'EMFILE' || error.code === 'ENFILE',
      }),
    );
    socket.once('close', (code) =>
      settle({ ok: false, reason: `closed ${code}`, fdExhausted: false }),
    );
  });
}

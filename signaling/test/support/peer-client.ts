import { WebSocket } from 'ws';

/** A frame the server sent, parsed (the server only ever sends JSON objects). */
export interface ServerFrame {
  readonly type: string;
  readonly src?: string;
  readonly dst?: string;
  readonly payload?: { readonly msg?: string } & Record<string, unknown>;
}

export interface CloseEvent {
  readonly code: number;
  readonly reason: string;
}

const DEFAULT_WAIT_MS = 2000;

/**
 * A bare PeerJS-protocol client over a real WebSocket: it records every frame the server
 * sends, in order, and lets a test take them one at a time.
 */
export class PeerClient {
  readonly socket: WebSocket;
  readonly frames: ServerFrame[] = [];
  /** Socket errors (e.g. a reset), kept so that none goes unhandled. */
  readonly errors: Error[] = [];
  /** Resolves when the socket closes, from either side. */
  readonly closed: Promise<CloseEvent>;
  private cursor = 0;
  private wakeUp: (() => void) | undefined;

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('error', (error) => this.errors.push(error));
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      this.wakeUp?.();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wakeUp?.();
      });
    });
  }

  /** Sends a message as JSON, or a string exactly as given. */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next frame not yet taken; fails if none arrives in time. */
  async next(timeoutMs = DEFAULT_WAIT_MS): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.cursor >= this.frames.length) {
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no frame within ${timeoutMs} ms (got ${JSON.stringify(this.frames)})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
    return this.frames[this.cursor++] as ServerFrame;
  }

  /** Waits `ms` and returns whatever arrived but was not yet taken. */
  async drain(ms: number): Promise<ServerFrame[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const rest = this.frames.slice(this.cursor);
    this.cursor = this.frames.length;
    return rest;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    const timer = setTimeout(() => this.socket.terminate(), 1000);
    await this.closed;
    clearTimeout(timer);
  }
}

export interface ConnectOptions {
  /** Overrides the whole query string, for handshake tests (`''` sends none). */
  readonly query?: string;
  readonly key?: string;
  readonly id?: string;
  readonly token?: string;
  readonly origin?: string;
  /** Extra handshake headers, e.g. X-Forwarded-For to pose as another address. */
  readonly headers?: Record<string, string>;
  /** Certificate to trust, for servers with a self-signed one. */
  readonly ca?: Buffer;
}

/** Opens a WebSocket to a running server; resolves once the upgrade succeeded. */
export function openPeerClient(websocketUrl: string, options: ConnectOptions): Promise<PeerClient> {
  const query =
    options.query ??
    new URLSearchParams({
      key: options.key ?? '',
      id: options.id ?? '',
      token: options.token ?? '',
    }).toString();
  const socket = new WebSocket(query ? `${websocketUrl}?${query}` : websocketUrl, {
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  const client = new PeerClient(socket);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}

/**
 * Attempts an upgrade that the server should refuse; resolves with the HTTP status it
 * answered instead of switching protocols.
 */
export function refusedUpgradeStatus(
  url: string,
  origin?: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const socket = new WebSocket(url, { headers, ...(origin === undefined ? {} : { origin }) });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    // Terminating a refused handshake also reports an error; only the first one matters.
    socket.on('error', reject);
  });
}

// A signaling server gone bad (docs/security.md: the server relays every SDP, so it can
// lie). This is a WebSocket proxy on loopback in front of the real signaling server: the
// extension is pointed at it, and it passes every message through, unless told to attack
// the two peers named in its mode:
//
// - `rewrite-fingerprint`: swaps the `a=fingerprint:` lines of every OFFER and ANSWER
//   between them for a made-up certificate's, as a server would that hoped to answer the
//   DTLS handshake itself.
// - `divert`: re-addresses every message between them to a third client (a relay,
//   `relay-peer.ts`), and disguises the relay's answers as the other peer's: each side's
//   data channel then ends at the relay, which opens one of its own to the other side.
//   Both DTLS handshakes succeed, each with the relay's certificate: the man in the middle.
//   While only one of them is its client, it drops what passes between them: it stalls
//   until it can sit in the middle.
//
// Only the proxy and the relay are the attacker: the server behind it and the browsers are
// the real ones.
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { SignalingServer } from './signaling-server.ts';

export type InterceptMode =
  | { kind: 'honest' }
  | { kind: 'rewrite-fingerprint'; between: readonly [string, string] }
  | { kind: 'divert'; between: readonly [string, string]; relay: string };

/** A PeerServer message, as far as the proxy reads it. */
interface SignalingMessage {
  type?: unknown;
  src?: unknown;
  dst?: unknown;
  payload?: { sdp?: { type?: unknown; sdp?: unknown } } & Record<string, unknown>;
}

/** One WebSocket client's pair of sockets: to the browser and to the real server. */
interface Client {
  peerId: string;
  browser: WebSocket;
  upstream: WebSocket;
}

export class InterceptingSignaling {
  readonly host: string;
  readonly port: number;
  /** Every message it changed or diverted, and the clients coming and going. */
  readonly logLines: string[] = [];
  readonly name = 'proxy';
  /** The fingerprint it writes into SDPs in `rewrite-fingerprint` mode. */
  readonly fakeFingerprint = `sha-256 ${[...randomBytes(32)]
    .map((byte) => byte.toString(16).padStart(2, '0').toUpperCase())
    .join(':')}`;
  /** How many messages it rewrote (`rewrite-fingerprint`) or diverted (`divert`). */
  tampered = 0;
  #mode: InterceptMode = { kind: 'honest' };
  readonly #clients = new Set<Client>();
  readonly #http: http.Server;
  readonly #sockets: WebSocketServer;
  readonly #upstream: SignalingServer;

  private constructor(upstream: SignalingServer, httpServer: http.Server, port: number) {
    this.#upstream = upstream;
    this.#http = httpServer;
    this.host = upstream.host;
    this.port = port;
    this.#sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  }

  /**
   * Listens on `port` (0: any free one) of the upstream server's host and relays to it:
   * WebSocket upgrades as pairs of sockets, plain HTTP requests as they are.
   */
  static async start(upstream: SignalingServer, port = 0): Promise<InterceptingSignaling> {
    const httpServer = http.createServer();
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, upstream.host, () => resolve());
    });
    const proxy = new InterceptingSignaling(
      upstream,
      httpServer,
      (httpServer.address() as AddressInfo).port,
    );
    httpServer.on('request', (req, res) => proxy.#forwardHttp(req, res));
    httpServer.on('upgrade', (req, socket, head) => proxy.#upgrade(req, socket, head));
    proxy.#log(`listening on ${proxy.host}:${proxy.port}, relaying to port ${upstream.port}`);
    return proxy;
  }

  get mode(): InterceptMode {
    return this.#mode;
  }

  /** Changes what it does to the messages that pass from now on. */
  setMode(mode: InterceptMode): void {
    this.#mode = mode;
    this.tampered = 0;
    this.#log(`mode ${JSON.stringify(mode)}`);
  }

  /** The peer IDs of the clients connected through it now. */
  connectedPeers(): string[] {
    return [...this.#clients].map((client) => client.peerId);
  }

  /** Cuts every client's WebSocket, as a server going down would. */
  #dropClients(): void {
    this.#log(`dropping ${this.#clients.size} clients`);
    for (const client of this.#clients) {
      client.browser.terminate();
      client.upstream.terminate();
    }
  }

  logText(): string {
    return this.logLines.join('\n');
  }

  async stop(): Promise<void> {
    this.#dropClients();
    this.#sockets.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const peerId = url.searchParams.get('id') ?? '(no id)';
    const upstream = new WebSocket(
      `ws://${this.#upstream.host}:${this.#upstream.port}${req.url ?? '/'}`,
      { headers: req.headers.origin ? { origin: req.headers.origin } : {} },
    );
    // The browser's socket is accepted only once the server accepted ours, so a refusal
    // (bad key, wrong path) reaches the browser as the server's own status.
    upstream.once('unexpected-response', (_request, response) => {
      socket.end(`HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\n\r\n`);
      this.#log(`${peerId}: the server refused the upgrade with ${response.statusCode}`);
    });
    upstream.once('error', (error) => {
      this.#log(`${peerId}: upstream error ${error.message}`);
      socket.destroy();
    });
    upstream.once('open', () => {
      this.#sockets.handleUpgrade(req, socket, head, (browser) => {
        const client: Client = { peerId, browser, upstream };
        this.#clients.add(client);
        this.#log(`${peerId}: connected`);
        browser.on('message', (data, isBinary) => {
          const text = isBinary ? data : this.#fromClient(client, data);
          if (text !== null && upstream.readyState === WebSocket.OPEN)
            upstream.send(text, { binary: isBinary });
        });
        upstream.on('message', (data, isBinary) => {
          const text = isBinary ? data : this.#toClient(client, data);
          if (text !== null && browser.readyState === WebSocket.OPEN)
            browser.send(text, { binary: isBinary });
        });
        const closeBoth = (code: number) => {
          if (!this.#clients.delete(client)) return;
          this.#log(`${peerId}: closed (${code})`);
          const forwardable = code >= 1000 && code < 5000 && code !== 1005 && code !== 1006;
          for (const end of [browser, upstream]) {
            if (forwardable) end.close(code);
            else end.terminate();
          }
        };
        browser.on('close', closeBoth);
        upstream.on('close', closeBoth);
        browser.on('error', () => closeBoth(1006));
      });
    });
  }

  /** A message from `client` on its way to the server: as it is, changed, or null (dropped). */
  #fromClient(client: Client, data: RawData): string | null {
    const text = rawText(data);
    const mode = this.#mode;
    if (mode.kind === 'honest') return text;
    const message = parse(text);
    const other = partner(mode.between, client.peerId);
    if (!message || other === undefined || message.dst !== other) return text;

    if (mode.kind === 'divert') {
      // Only a connection whose both ends it serves can it take over: the relay's answers
      // to the other side could not be disguised. Until then, they do not reach each other.
      if (!this.connectedPeers().includes(other)) {
        this.#log(`drop ${String(message.type)} ${client.peerId} → ${other} (not my client)`);
        // As a server says of a peer it does not have: the attempt ends now, not at a timeout.
        if (message.type === 'OFFER')
          client.browser.send(JSON.stringify({ type: 'EXPIRE', src: other, dst: client.peerId }));
        return null;
      }
      this.tampered += 1;
      this.#log(
        `divert ${String(message.type)} ${client.peerId} → ${other}: sent to ${mode.relay}`,
      );
      return JSON.stringify({ ...message, dst: mode.relay });
    }
    const sdp = message.payload?.sdp;
    if ((message.type !== 'OFFER' && message.type !== 'ANSWER') || typeof sdp?.sdp !== 'string')
      return text;
    const rewritten = sdp.sdp.replace(
      /^a=fingerprint:.*$/gm,
      `a=fingerprint:${this.fakeFingerprint}`,
    );
    this.tampered += 1;
    this.#log(
      `rewrite ${message.type} ${client.peerId} → ${other}: ${fingerprints(sdp.sdp)} became ${fingerprints(rewritten)}`,
    );
    return JSON.stringify({
      ...message,
      payload: { ...message.payload, sdp: { ...sdp, sdp: rewritten } },
    });
  }

  /** A message from the server on its way to `client`: as it is, changed, or null (dropped). */
  #toClient(client: Client, data: RawData): string | null {
    const text = rawText(data);
    const mode = this.#mode;
    if (mode.kind !== 'divert') return text;
    const other = partner(mode.between, client.peerId);
    if (other === undefined) return text;
    const message = parse(text);
    if (message?.src === other && !this.connectedPeers().includes(other)) {
      this.#log(`drop ${String(message.type)} ${other} → ${client.peerId} (not my client)`);
      return null;
    }
    if (!message || message.src !== mode.relay) return text;
    this.#log(`disguise ${String(message.type)} ${mode.relay} → ${client.peerId} as from ${other}`);
    return JSON.stringify({ ...message, src: other });
  }

  #forwardHttp(req: IncomingMessage, res: http.ServerResponse): void {
    const forward = http.request(
      {
        host: this.#upstream.host,
        port: this.#upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  }

  #log(line: string): void {
    this.logLines.push(`${new Date().toISOString()} ${line}`);
  }
}

function partner(between: readonly [string, string], peerId: string): string | undefined {
  if (peerId === between[0]) return between[1];
  if (peerId === between[1]) return between[0];
  return undefined;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function parse(text: string): SignalingMessage | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as SignalingMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** The fingerprints an SDP names, shortened for the log. */
function fingerprints(sdp: string): string {
  const found = [...sdp.matchAll(/^a=fingerprint:(\S+) (\S+)/gm)].map(
    ([, hash, hex]) => `${hash} ${hex!.slice(0, 11)}…`,
  );
  return found.join(', ') || '(none)';
}

// "Mallory": a peer that speaks Parley's wire protocol only as far as she likes. She is
// plain PeerJS in an ordinary web page, talking straight to the data channel, so she can
// send what no Parley build would: oversized, malformed or binary frames, markup.
//
// She does the identity handshake (docs/protocol.md, "Identity handshake") as a second,
// independent implementation in her page's own WebCrypto: her own key, her connection's
// own SDPs. She can also get it wrong on purpose (HandshakeMode), and she checks the
// other side's identity frame by the spec, so a test can see that Parley's is right.
//
// The page is the signaling server's own /health page: an http://127.0.0.1 origin is a
// secure context where PeerJS can reach the server (from about:blank its WebSocket never
// gets through), and it needs no web server of our own.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { DataConnection, Peer, PeerOptions } from 'peerjs';
import { repoRoot } from './paths.ts';
import { PageActorLog } from './page-actor-log.ts';
import type { SignalingServer } from './signaling-server.ts';
import { waitFor } from './wait.ts';

const peerjsBundle = path.join(repoRoot, 'node_modules/peerjs/dist/peerjs.min.js');

/**
 * How she answers the identity handshake on each new connection, hers or theirs:
 * - `honest`: her own key, a valid signature over this connection's transcript.
 * - `skip`: no identity frame at all; whatever she sends first is something else.
 * - `bad-signature`: her own key, and her valid signature with one byte changed.
 * - `{ presentKey }`: someone else's key, with a signature she made with her own.
 */
export type HandshakeMode = 'honest' | 'skip' | 'bad-signature' | { presentKey: string };

/** What she made of the other side's identity frame on one connection. */
export interface PeerIdentity {
  peer: string;
  connectionId: string;
  key: string;
  /** Whether the signature verified over the transcript as she sees this connection. */
  verified: boolean;
}

/** What Mallory's page keeps between calls. */
interface MalloryState {
  peer: Peer;
  connections: DataConnection[];
  /** Every frame received, as text, or `binary:<bytes>` for a binary one. */
  received: string[];
  events: string[];
  /** Her identity key pair (made in the page) and the public key as on the wire. */
  keys: { pair: CryptoKeyPair; publicKey: string };
  handshake: HandshakeMode;
  identities: PeerIdentity[];
  /** Settles once her identity frame on a connection (by ID) went out, or was skipped. */
  identitySent: Map<string, Promise<void>>;
  /** Follows a connection: `dialledByHer` if she opened it (then she speaks first). */
  adopt(connection: DataConnection, dialledByHer: boolean): void;
  /** Sends her identity frame on `connection` as `handshake` says. */
  sendIdentity(connection: DataConnection): Promise<void>;
  /** The newest connection to `target` whose data channel is open. */
  openConnection(target: string): DataConnection | undefined;
}

declare global {
  interface Window {
    peerjs?: { Peer: new (id: string, options: PeerOptions) => Peer };
    mallory?: MalloryState;
  }
}

/** The page for a plain PeerJS client: the server's /health, with PeerJS loaded. */
export async function openPeerJsPage(
  context: BrowserContext,
  server: Pick<SignalingServer, 'host' | 'port'>,
): Promise<Page> {
  const page = await context.newPage();
  try {
    await page.goto(`http://${server.host}:${server.port}/health`);
    await page.addScriptTag({ path: peerjsBundle });
  } catch (error) {
    await page.close();
    throw error;
  }
  return page;
}

/** How a plain PeerJS client reaches `server`: no ICE servers, loopback and the veth only. */
export function peerOptions(
  server: Pick<SignalingServer, 'host' | 'port' | 'path' | 'key'>,
): PeerOptions {
  return {
    host: server.host,
    port: server.port,
    path: server.path,
    key: server.key,
    config: { iceServers: [] },
    debug: 0,
  };
}

/** What became of one send. */
export interface SendOutcome {
  ok: boolean;
  /** The browser's error, when it refused to send. */
  error?: string;
  bytes: number;
}

/** A frame to send: text as it is, or binary bytes. */
export type RawFrame = { text: string } | { binary: number[] };

export class HostilePeer {
  /** Her name in the logs: the first part of her peer ID. */
  readonly name: string;
  readonly id: string;
  readonly page: Page;
  /** What Mallory did, for the failure report. */
  readonly #log: PageActorLog;
  #seq = 0;

  private constructor(id: string, page: Page) {
    this.name = id.split('-')[0] ?? id;
    this.id = id;
    this.page = page;
    this.#log = new PageActorLog(page, 'mallory', `${this.name} `);
  }

  /** Opens her page in `context` and registers her with `server` as `id`. */
  static async start(
    context: BrowserContext,
    server: SignalingServer,
    id = `mallory-${randomUUID().slice(0, 8)}`,
  ): Promise<HostilePeer> {
    const page = await openPeerJsPage(context, server);
    const mallory = new HostilePeer(id, page);
    try {
      await page.evaluate(
        async ({ id, options }) => {
          const peerjs = window.peerjs;
          if (!peerjs) throw new Error('PeerJS did not load');
          const received: string[] = [];
          const events: string[] = [];
          const connections: DataConnection[] = [];
          const identities: PeerIdentity[] = [];
          const identitySent = new Map<string, Promise<void>>();

          // The identity handshake, written from docs/protocol.md alone.
          const encoder = new TextEncoder();
          const base64url = (bytes: Uint8Array) =>
            btoa(String.fromCharCode(...bytes))
              .replaceAll('+', '-')
              .replaceAll('/', '_')
              .replace(/=+$/, '');
          const fromBase64url = (text: string) =>
            Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) =>
              c.charCodeAt(0),
            );
          const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
          const sha256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
          const fingerprints = (sdp: string | undefined) => {
            const lines = [...(sdp ?? '').matchAll(/^a=fingerprint:(\S+) (\S+)\s*$/gm)];
            const each = lines.map(
              ([, hash, hex]) => `${hash!.toLowerCase()} ${hex!.toUpperCase()}`,
            );
            return [...new Set(each)].sort().join(',');
          };
          /**
           * Both sides' fingerprints on `connection`. The channel can open before the
           * description that came over the server is applied: the answerer's DTLS may
           * finish first, over loopback. Then the remote description is not there yet.
           */
          const sides = async (connection: DataConnection) => {
            const pc = connection.peerConnection;
            for (let waited = 0; ; waited += 10) {
              const mine = fingerprints(pc?.localDescription?.sdp);
              const theirs = fingerprints(pc?.remoteDescription?.sdp);
              if ((mine && theirs) || waited >= 5_000) {
                if (waited > 0) events.push(`descriptions complete after ${waited} ms`);
                return { mine, theirs };
              }
              await new Promise((resolve) => setTimeout(resolve, 10));
            }
          };
          /** The transcript `signer` signs on `connection` (whose ends are `signer` and the other). */
          const transcript = async (
            connection: DataConnection,
            signer: 'me' | 'them',
            key: string,
          ) => {
            const { mine, theirs } = await sides(connection);
            const lines =
              signer === 'me'
                ? ['parley-identity-v1', id, key, mine, connection.peer, theirs]
                : ['parley-identity-v1', connection.peer, key, theirs, id, mine];
            return encoder.encode(lines.join('\n'));
          };
          const pair = await crypto.subtle.generateKey(ecdsa, false, ['sign', 'verify']);
          const rawPublic = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
          const keys = { pair, publicKey: base64url(rawPublic) };

          const sendIdentity = async (connection: DataConnection) => {
            const mode = window.mallory!.handshake;
            const name = `${connection.peer} ${connection.connectionId}`;
            if (mode === 'skip') {
              events.push(`no identity frame on ${name} (skip)`);
              return;
            }
            const key = typeof mode === 'object' ? mode.presentKey : keys.publicKey;
            const signed = await transcript(connection, 'me', key);
            const signature = new Uint8Array(
              await crypto.subtle.sign(sha256, pair.privateKey, signed),
            );
            if (mode === 'bad-signature') signature[10]! ^= 0x01;
            connection.dataChannel.send(
              JSON.stringify({ v: 1, type: 'identity', key, signature: base64url(signature) }),
            );
            const { mine, theirs } = await sides(connection);
            events.push(
              `identity frame on ${name} (${JSON.stringify(mode)}), signed over ` +
                `${mine.slice(0, 20)}… and ${theirs.slice(0, 20)}…`,
            );
          };
          const checkIdentity = async (connection: DataConnection, text: string) => {
            let frame: { type?: unknown; key?: unknown; signature?: unknown };
            try {
              frame = JSON.parse(text) as typeof frame;
            } catch {
              return;
            }
            if (frame.type !== 'identity' || typeof frame.key !== 'string') return;
            if (typeof frame.signature !== 'string') return;
            let verified = false;
            try {
              const publicKey = await crypto.subtle.importKey(
                'raw',
                fromBase64url(frame.key),
                ecdsa,
                false,
                ['verify'],
              );
              verified = await crypto.subtle.verify(
                sha256,
                publicKey,
                fromBase64url(frame.signature),
                await transcript(connection, 'them', frame.key),
              );
            } catch (error) {
              events.push(`identity from ${connection.peer} unusable: ${String(error)}`);
            }
            identities.push({
              peer: connection.peer,
              connectionId: connection.connectionId,
              key: frame.key,
              verified,
            });
            events.push(
              `identity from ${connection.peer} ${connection.connectionId}: ` +
                (verified ? 'verified' : 'DOES NOT VERIFY'),
            );
          };

          const adopt = (connection: DataConnection, dialledByHer: boolean) => {
            connections.push(connection);
            const name = `${connection.peer} ${connection.connectionId}`;
            events.push(`connection ${name} (metadata ${JSON.stringify(connection.metadata)})`);
            let first = true;
            // Her identity goes before anything a test sends on this connection: at once on
            // a connection she dialled, else once the dialler's first frame has come.
            const speak = () => {
              if (identitySent.has(connection.connectionId)) return;
              const sent = sendIdentity(connection).catch((error: unknown) => {
                events.push(`identity on ${name} failed: ${String(error)}`);
              });
              identitySent.set(connection.connectionId, sent);
            };
            connection.on('open', () => {
              events.push(`open ${name}`);
              if (dialledByHer) speak();
            });
            connection.on('close', () => events.push(`close ${name}`));
            connection.on('error', (error) => events.push(`error ${name}: ${error.type}`));
            connection.on('data', (data) => {
              if (!dialledByHer) speak();
              if (typeof data === 'string') {
                received.push(data);
                if (first) void checkIdentity(connection, data);
              } else if (data instanceof ArrayBuffer) received.push(`binary:${data.byteLength}`);
              else received.push(`other:${JSON.stringify(data)}`);
              first = false;
            });
          };
          const peer = new peerjs.Peer(id, options);
          peer.on('connection', (connection) => adopt(connection, false));
          peer.on('error', (error) => events.push(`peer error ${error.type}: ${error.message}`));
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no open from the server')), 10_000);
            peer.once('open', () => {
              clearTimeout(timer);
              resolve();
            });
            peer.once('error', (error) => {
              clearTimeout(timer);
              reject(new Error(`${error.type}: ${error.message}`));
            });
          });
          const openConnection = (target: string) =>
            connections
              .filter((c) => c.peer === target && c.dataChannel?.readyState === 'open')
              .at(-1);
          window.mallory = {
            peer,
            connections,
            received,
            events,
            keys,
            handshake: 'honest',
            identities,
            identitySent,
            adopt,
            sendIdentity,
            openConnection,
          };
        },
        { id, options: peerOptions(server) },
      );
    } catch (error) {
      await page.close();
      throw error;
    }
    mallory.#log.add(`registered as ${id}`);
    return mallory;
  }

  /** Her public identity key, as her identity frames carry it. */
  async publicKey(): Promise<string> {
    return this.page.evaluate(() => window.mallory!.keys.publicKey);
  }

  /** How she does the handshake on every connection from now on, hers or theirs. */
  async setHandshake(mode: HandshakeMode): Promise<void> {
    await this.page.evaluate((mode) => {
      window.mallory!.handshake = mode;
    }, mode);
    this.#log.add(`handshake from now on: ${JSON.stringify(mode)}`);
  }

  /** What she made of every identity frame `peer` sent her, oldest first. */
  async identitiesFrom(peer: string): Promise<PeerIdentity[]> {
    return this.page.evaluate(
      (peer) => window.mallory!.identities.filter((identity) => identity.peer === peer),
      peer,
    );
  }

  /** Closes every connection she has to `target`. */
  async disconnect(target: string): Promise<void> {
    await this.page.evaluate((target) => {
      for (const connection of window.mallory!.connections)
        if (connection.peer === target) connection.close();
    }, target);
    this.#log.add(`closed her connections to ${target}`);
    await this.#log.syncPage();
  }

  /**
   * Opens a data connection to `target` as Parley does (reliable, raw text frames), waits
   * until it is open and her identity frame (as her HandshakeMode says) is sent; fails if
   * it is not open within `timeoutMs`.
   */
  async connect(
    target: string,
    metadata?: unknown,
    timeoutMs = 15_000,
    /**
     * JSON frames to send the moment her identity frame is out (or would have been), in
     * the same task: they arrive before the other side can have checked it.
     */
    firstFrames: unknown[] = [],
  ): Promise<void> {
    this.#log.add(
      `connecting to ${target} with metadata ${JSON.stringify(metadata)}` +
        (firstFrames.length > 0 ? `, then sending ${JSON.stringify(firstFrames)}` : ''),
    );
    await this.page
      .evaluate(
        async ({ target, metadata, timeoutMs, firstFrames }) => {
          const mallory = window.mallory!;
          const connection = mallory.peer.connect(target, {
            reliable: true,
            serialization: 'raw',
            metadata,
          });
          mallory.adopt(connection, true);
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no open from ${target} in ${timeoutMs} ms`)),
              timeoutMs,
            );
            connection.once('open', () => {
              clearTimeout(timer);
              resolve();
            });
            connection.once('error', (error) => {
              clearTimeout(timer);
              reject(new Error(`${error.type}: ${error.message}`));
            });
          });
          // adopt() sends her identity on open; signing takes a moment, and a frame a test
          // sends must not overtake it.
          await mallory.identitySent.get(connection.connectionId);
          for (const frame of firstFrames) connection.dataChannel.send(JSON.stringify(frame));
        },
        { target, metadata, timeoutMs, firstFrames },
      )
      .finally(() => this.#log.syncPage());
  }

  /** Whether she has an open data channel to `target` right now. */
  async isConnected(target: string): Promise<boolean> {
    return this.page.evaluate((target) => !!window.mallory!.openConnection(target), target);
  }

  /** The ID of the newest open connection to `target`, or null if none is open. */
  async openConnectionId(target: string): Promise<string | null> {
    return this.page.evaluate(
      (target) => window.mallory!.openConnection(target)?.connectionId ?? null,
      target,
    );
  }

  /** The largest message the open channel to `target` takes (SCTP's max-message-size). */
  async maxMessageSize(target: string): Promise<number> {
    return this.page.evaluate((target) => {
      const size = window.mallory!.openConnection(target)?.peerConnection.sctp?.maxMessageSize;
      if (!size) throw new Error(`no open channel to ${target} with a known max size`);
      return size;
    }, target);
  }

  /**
   * Sends one frame to `target` on the newest open channel, straight through
   * `RTCDataChannel.send`, and says whether the browser took it.
   */
  async send(target: string, frame: RawFrame): Promise<SendOutcome> {
    const outcome = await this.page.evaluate(
      async ({ target, frame }) => {
        const connection = window.mallory!.openConnection(target);
        const channel = connection?.dataChannel;
        if (!connection || !channel)
          return { ok: false, error: `no open channel to ${target}`, bytes: 0 };
        // Her identity frame, once under way, goes first (signing takes a moment).
        await window.mallory!.identitySent.get(connection.connectionId);
        const bytes =
          'text' in frame ? new TextEncoder().encode(frame.text).length : frame.binary.length;
        try {
          if ('text' in frame) channel.send(frame.text);
          else channel.send(new Uint8Array(frame.binary).buffer);
          return { ok: true, bytes };
        } catch (error) {
          return { ok: false, error: String(error), bytes };
        }
      },
      { target, frame },
    );
    this.#log.add(`sent ${describeFrame(frame)}: ${JSON.stringify(outcome)}`);
    await this.#log.syncPage();
    return outcome;
  }

  /** Sends `value` as one JSON text frame. */
  async sendJson(target: string, value: unknown): Promise<SendOutcome> {
    return this.send(target, { text: JSON.stringify(value) });
  }

  /**
   * Sends a chat frame of exactly `bytes` UTF-8 bytes, its text padded with 'A's. The
   * frame is built in the page, so a megabyte does not cross the DevTools pipe.
   */
  async sendPaddedChat(target: string, bytes: number): Promise<SendOutcome> {
    const frame = this.chatFrame('');
    const prefix = `{"v":1,"type":"chat","id":"${frame.id}","seq":${frame.seq},"sentAt":${frame.sentAt},"text":"`;
    const suffix = '"}';
    const outcome = await this.page.evaluate(
      ({ target, prefix, suffix, bytes }) => {
        const channel = window.mallory!.openConnection(target)?.dataChannel;
        if (!channel) return { ok: false, error: `no open channel to ${target}`, bytes: 0 };
        const text = prefix + 'A'.repeat(bytes - prefix.length - suffix.length) + suffix;
        try {
          channel.send(text);
          return { ok: true, bytes: text.length };
        } catch (error) {
          return { ok: false, error: String(error), bytes: text.length };
        }
      },
      { target, prefix, suffix, bytes },
    );
    this.#log.add(`sent a padded chat frame of ${bytes} bytes: ${JSON.stringify(outcome)}`);
    await this.#log.syncPage();
    return outcome;
  }

  /** A valid version-1 chat frame with a fresh ID and the next sequence number. */
  chatFrame(text: string): {
    v: 1;
    type: 'chat';
    id: string;
    seq: number;
    text: string;
    sentAt: number;
  } {
    this.#seq += 1;
    return { v: 1, type: 'chat', id: randomUUID(), seq: this.#seq, text, sentAt: Date.now() };
  }

  /** Every frame received so far, as text (`binary:<bytes>` for binary ones). */
  async received(): Promise<string[]> {
    return this.page.evaluate(() => [...window.mallory!.received]);
  }

  /** Waits for a received JSON frame of `type` (and matching `where`), and returns it parsed. */
  async waitForFrame(
    type: string,
    where: (frame: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<Record<string, unknown>> {
    return waitFor(
      `Mallory to receive a ${type} frame`,
      async () => {
        for (const text of await this.received()) {
          try {
            const frame = JSON.parse(text) as Record<string, unknown>;
            if (frame.type === type && where(frame)) return frame;
          } catch {
            // Not JSON: not what we wait for.
          }
        }
        return undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  logText(): string {
    return this.#log.text();
  }

  /** Takes Mallory off the server and closes her page. */
  async dispose(): Promise<void> {
    await this.#log.dispose();
  }
}

function describeFrame(frame: RawFrame): string {
  if ('binary' in frame) return `a binary frame of ${frame.binary.length} bytes`;
  const text = frame.text.length > 120 ? `${frame.text.slice(0, 120)}…` : frame.text;
  return `text ${text}`;
}

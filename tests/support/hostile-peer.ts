// "Mallory": a peer that speaks Parley's wire protocol only as far as she likes. She is
// plain PeerJS in an ordinary web page, talking straight to the data channel, so she can
// send what no Parley build would: oversized, malformed or binary frames, markup.
//
// The page is the signaling server's own /health page: an http://127.0.0.1 origin is a
// secure context where PeerJS can reach the server (from about:blank its WebSocket never
// gets through), and it needs no web server of our own.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { DataConnection, Peer, PeerOptions } from 'peerjs';
import { repoRoot } from './paths.ts';
import type { SignalingServer } from './signaling-server.ts';
import { waitFor } from './wait.ts';

const peerjsBundle = path.join(repoRoot, 'node_modules/peerjs/dist/peerjs.min.js');

/** What Mallory's page keeps between calls. */
interface MalloryState {
  peer: Peer;
  connections: DataConnection[];
  /** Every frame received, as text, or `binary:<bytes>` for a binary one. */
  received: string[];
  events: string[];
  adopt(connection: DataConnection): void;
  /** The newest connection to `target` whose data channel is open. */
  openConnection(target: string): DataConnection | undefined;
}

declare global {
  interface Window {
    peerjs?: { Peer: new (id: string, options: PeerOptions) => Peer };
    mallory?: MalloryState;
  }
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
  readonly logLines: string[] = [];
  #seq = 0;
  #eventsSeen = 0;

  private constructor(id: string, page: Page) {
    this.name = id.split('-')[0] ?? id;
    this.id = id;
    this.page = page;
  }

  /** Opens her page in `context` and registers her with `server` as `id`. */
  static async start(
    context: BrowserContext,
    server: SignalingServer,
    id = `mallory-${randomUUID().slice(0, 8)}`,
  ): Promise<HostilePeer> {
    const page = await context.newPage();
    const mallory = new HostilePeer(id, page);
    try {
      await page.goto(`http://${server.host}:${server.port}/health`);
      await page.addScriptTag({ path: peerjsBundle });
      await page.evaluate(
        async ({ id, options }) => {
          const peerjs = window.peerjs;
          if (!peerjs) throw new Error('PeerJS did not load');
          const received: string[] = [];
          const events: string[] = [];
          const connections: DataConnection[] = [];
          const adopt = (connection: DataConnection) => {
            connections.push(connection);
            const name = `${connection.peer} ${connection.connectionId}`;
            events.push(`connection ${name} (metadata ${JSON.stringify(connection.metadata)})`);
            connection.on('open', () => events.push(`open ${name}`));
            connection.on('close', () => events.push(`close ${name}`));
            connection.on('error', (error) => events.push(`error ${name}: ${error.type}`));
            connection.on('data', (data) => {
              if (typeof data === 'string') received.push(data);
              else if (data instanceof ArrayBuffer) received.push(`binary:${data.byteLength}`);
              else received.push(`other:${JSON.stringify(data)}`);
            });
          };
          const peer = new peerjs.Peer(id, options);
          peer.on('connection', adopt);
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
          window.mallory = { peer, connections, received, events, adopt, openConnection };
        },
        {
          id,
          options: {
            host: server.host,
            port: server.port,
            path: server.path,
            key: server.key,
            config: { iceServers: [] },
            debug: 0,
          } satisfies PeerOptions,
        },
      );
    } catch (error) {
      await page.close();
      throw error;
    }
    mallory.#log(`registered as ${id}`);
    return mallory;
  }

  /**
   * Opens a data connection to `target` as Parley does (reliable, raw text frames) and
   * waits until it is open; fails if it is not open within `timeoutMs`.
   */
  async connect(target: string, metadata?: unknown, timeoutMs = 15_000): Promise<void> {
    this.#log(`connecting to ${target} with metadata ${JSON.stringify(metadata)}`);
    await this.page
      .evaluate(
        async ({ target, metadata, timeoutMs }) => {
          const mallory = window.mallory!;
          const connection = mallory.peer.connect(target, {
            reliable: true,
            serialization: 'raw',
            metadata,
          });
          mallory.adopt(connection);
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
        },
        { target, metadata, timeoutMs },
      )
      .finally(() => this.#syncEvents());
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
      ({ target, frame }) => {
        const channel = window.mallory!.openConnection(target)?.dataChannel;
        if (!channel) return { ok: false, error: `no open channel to ${target}`, bytes: 0 };
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
    this.#log(`sent ${describeFrame(frame)}: ${JSON.stringify(outcome)}`);
    await this.#syncEvents();
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
    this.#log(`sent a padded chat frame of ${bytes} bytes: ${JSON.stringify(outcome)}`);
    await this.#syncEvents();
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
    return this.logLines.join('\n');
  }

  /** Takes Mallory off the server and closes her page. */
  async dispose(): Promise<void> {
    await this.#syncEvents();
    await this.page.evaluate(() => window.mallory?.peer.destroy()).catch(() => {});
    await this.page.close().catch(() => {});
  }

  /** Copies what happened in the page (connections opening, closing) into the log. */
  async #syncEvents(): Promise<void> {
    const events = await this.page
      .evaluate((from) => window.mallory?.events.slice(from) ?? [], this.#eventsSeen)
      .catch(() => [] as string[]);
    this.#eventsSeen += events.length;
    for (const event of events) this.#log(`(page) ${event}`);
  }

  #log(line: string): void {
    this.logLines.push(`${new Date().toISOString()} ${this.name} ${line}`);
  }
}

function describeFrame(frame: RawFrame): string {
  if ('binary' in frame) return `a binary frame of ${frame.binary.length} bytes`;
  const text = frame.text.length > 120 ? `${frame.text.slice(0, 120)}…` : frame.text;
  return `text ${text}`;
}

// The reference of bench:chat: a bare PeerJS DataConnection between the same two browsers,
// on the same signaling server, with the same connection options as Parley's links
// (reliable, raw serialization), in a plain tab. No store, no protocol, no host: what
// WebRTC and PeerJS cost by themselves on this machine.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ChromiumProfile } from '../../tests/support/chromium-profile.ts';
import { repoRoot } from '../../tests/support/paths.ts';
import type { SignalingServer } from '../../tests/support/signaling-server.ts';

const PEERJS_BUNDLE = path.join(repoRoot, 'node_modules/peerjs/dist/peerjs.min.js');

/** How the page reaches the signaling server; PeerJS's own option names. */
interface ServerOptions {
  host: string;
  port: number;
  path: string;
  key: string;
}

/** What `installBarePeer` puts in the page, as `globalThis.bareBench`. */
interface InPageBare {
  /** `count` round trips to `peerId`, which echoes every message; one connection for all. */
  pings(peerId: string, count: number, timeoutMs: number): Promise<number[]>;
  /** `count` times: connect to `peerId`, time until 'open', close, let it settle. */
  connects(peerId: string, count: number, timeoutMs: number): Promise<BareConnect[]>;
}

/**
 * One bare connect, in ms: `call` is spent inside `peer.connect()` itself (it builds the
 * RTCPeerConnection and the offer's first steps synchronously), `open` from its return
 * to the connection's 'open' event.
 */
export interface BareConnect {
  call: number;
  open: number;
}

type BareGlobal = { bareBench: InPageBare };

/**
 * Runs in the page (serialized by Playwright: it may use nothing from this module).
 * Registers `id` with the server and echoes whatever arrives on any connection.
 */
async function installBarePeer({ id, server }: { id: string; server: ServerOptions }) {
  interface Connection {
    on(event: 'open' | 'close', listener: () => void): void;
    on(event: 'data', listener: (data: unknown) => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    off(event: string, listener: (...args: never[]) => void): void;
    send(data: unknown): void;
    close(): void;
  }
  interface Peer {
    on(event: 'open', listener: (id: string) => void): void;
    on(event: 'connection', listener: (connection: Connection) => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    connect(peerId: string, options: object): Connection;
  }
  const { Peer } = (globalThis as unknown as { peerjs: { Peer: new (...args: unknown[]) => Peer } })
    .peerjs;
  const options = { reliable: true, serialization: 'raw' };

  const within = <T>(what: string, timeoutMs: number, start: (done: (value: T) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      start((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });

  const peer = new Peer(id, { ...server, secure: false, config: { iceServers: [] }, debug: 0 });
  await within<string>('registration', 15_000, (done) => {
    peer.on('open', done);
    peer.on('error', (error) => console.error(`bare peer: ${error.message}`));
  });
  peer.on('connection', (connection) => connection.on('data', (data) => connection.send(data)));

  const opened = (connection: Connection, timeoutMs: number) =>
    within<number>('open', timeoutMs, (done) => {
      connection.on('open', () => done(performance.now()));
      connection.on('error', (error) => console.error(`bare connection: ${error.message}`));
    });

  let pingConnection: Connection | null = null;
  const bench = {
    async pings(peerId: string, count: number, timeoutMs: number) {
      // One connection for every round, as Parley keeps one link to a contact.
      if (!pingConnection) {
        const connection = peer.connect(peerId, options);
        await opened(connection, timeoutMs);
        pingConnection = connection;
      }
      const connection = pingConnection;
      const samples: number[] = [];
      for (let i = 0; i < count; i += 1) {
        // About the size of one of Parley's chat frames.
        const ping = JSON.stringify({ v: 1, type: 'ping', i, pad: 'x'.repeat(100) });
        const start = performance.now();
        const at = await within<number>(`echo ${i}`, timeoutMs, (done) => {
          const listener = (data: unknown) => {
            if (data !== ping) return;
            connection.off('data', listener);
            done(performance.now());
          };
          connection.on('data', listener);
          connection.send(ping);
        });
        samples.push(at - start);
      }
      return samples;
    },
    async connects(peerId: string, count: number, timeoutMs: number) {
      const samples: { call: number; open: number }[] = [];
      for (let i = 0; i < count; i += 1) {
        const start = performance.now();
        const connection = peer.connect(peerId, options);
        const returned = performance.now();
        samples.push({
          call: returned - start,
          open: (await opened(connection, timeoutMs)) - returned,
        });
        connection.close();
        // Let both ends tear the old connection down before the next one starts.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return samples;
    },
  };
  (globalThis as unknown as { bareBench: typeof bench }).bareBench = bench;
}

/** One browser's bare peer, in a plain tab of its own. */
export class BarePeer {
  readonly page: Page;
  readonly peerId: string;

  private constructor(page: Page, peerId: string) {
    this.page = page;
    this.peerId = peerId;
  }

  /** Opens `pageUrl` (a plain page on loopback) in a new tab and registers a peer there. */
  static async open(
    profile: ChromiumProfile,
    server: SignalingServer,
    pageUrl: string,
  ): Promise<BarePeer> {
    const page = await profile.context.newPage();
    await page.goto(pageUrl);
    await page.addScriptTag({ path: PEERJS_BUNDLE });
    const id = `bench-${randomUUID()}`;
    const { host, port, path, key } = server;
    await page.evaluate(installBarePeer, { id, server: { host, port, path, key } });
    return new BarePeer(page, id);
  }

  async pings(to: BarePeer, count: number, timeoutMs = 10_000): Promise<number[]> {
    return this.page.evaluate(
      ({ peerId, count, timeoutMs }) =>
        (globalThis as unknown as BareGlobal).bareBench.pings(peerId, count, timeoutMs),
      { peerId: to.peerId, count, timeoutMs },
    );
  }

  async connects(to: BarePeer, count: number, timeoutMs = 15_000): Promise<BareConnect[]> {
    return this.page.evaluate(
      ({ peerId, count, timeoutMs }) =>
        (globalThis as unknown as BareGlobal).bareBench.connects(peerId, count, timeoutMs),
      { peerId: to.peerId, count, timeoutMs },
    );
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

// The man in the middle's other half (see intercepting-signaling.ts): a plain PeerJS
// client in a web page, registered with the real server under an ID of its own. The proxy
// sends it every connection Alice and Bob open to each other; for each one it opens a
// connection of its own to the other party, with the same metadata, and pipes the frames
// both ways as they are, noting each frame's `type`. It never changes a frame: all it
// needs for the attack is to be in the middle, with a DTLS certificate of its own on each
// leg.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { DataConnection, Peer } from 'peerjs';
import { openPeerJsPage, peerOptions } from './hostile-peer.ts';
import { PageActorLog } from './page-actor-log.ts';
import type { SignalingServer } from './signaling-server.ts';

/** One frame the relay passed on. */
export interface RelayedFrame {
  from: string;
  to: string;
  /** The frame's JSON `type`, `binary` for a binary frame, `unparsed` for other text. */
  type: string;
}

interface RelayState {
  peer: Peer;
  frames: RelayedFrame[];
  events: string[];
}

declare global {
  interface Window {
    relay?: RelayState;
  }
}

export class RelayPeer {
  readonly id: string;
  readonly name = 'relay';
  readonly page: Page;
  readonly #log: PageActorLog;

  private constructor(id: string, page: Page) {
    this.id = id;
    this.page = page;
    this.#log = new PageActorLog(page, 'relay', '');
  }

  /**
   * Opens the relay's page in `context` and registers it with `server` as `id`, to stand
   * between the two peers of `between`.
   */
  static async start(
    context: BrowserContext,
    server: SignalingServer,
    between: readonly [string, string],
    id = `relay-${randomUUID().slice(0, 8)}`,
  ): Promise<RelayPeer> {
    const page = await openPeerJsPage(context, server);
    const relay = new RelayPeer(id, page);
    try {
      await page.evaluate(
        async ({ id, options, between }) => {
          const peerjs = window.peerjs;
          if (!peerjs) throw new Error('PeerJS did not load');
          const frames: RelayedFrame[] = [];
          const events: string[] = [];
          const typeOf = (data: unknown) => {
            if (typeof data !== 'string') return 'binary';
            try {
              const frame = JSON.parse(data) as { type?: unknown };
              return typeof frame.type === 'string' ? frame.type : 'unparsed';
            } catch {
              return 'unparsed';
            }
          };
          /** Passes what `from` receives on to `to`, waiting for `to` to open first. */
          const pipe = (from: DataConnection, to: DataConnection) => {
            const waiting: unknown[] = [];
            const send = (data: unknown) => {
              const frame = { from: from.peer, to: to.peer, type: typeOf(data) };
              frames.push(frame);
              events.push(`relayed ${frame.type}: ${frame.from} → ${frame.to}`);
              to.dataChannel.send(data as string);
            };
            from.on('data', (data) => {
              if (to.dataChannel?.readyState === 'open') send(data);
              else waiting.push(data);
            });
            to.on('open', () => waiting.splice(0).forEach(send));
            from.on('close', () => to.close());
          };
          const peer = new peerjs.Peer(id, options);
          peer.on('connection', (incoming) => {
            const other = incoming.peer === between[0] ? between[1] : between[0];
            const name = `${incoming.peer} ${incoming.connectionId}`;
            if (!between.includes(incoming.peer)) {
              events.push(`refused ${name}: not one of ${between.join(', ')}`);
              incoming.close();
              return;
            }
            const outgoing = peer.connect(other, {
              reliable: incoming.reliable,
              serialization: incoming.serialization,
              metadata: incoming.metadata as unknown,
              label: incoming.label,
            });
            events.push(
              `${name} (metadata ${JSON.stringify(incoming.metadata)}): ` +
                `opened ${other} ${outgoing.connectionId}`,
            );
            for (const connection of [incoming, outgoing]) {
              const leg = `${connection.peer} ${connection.connectionId}`;
              connection.on('open', () => events.push(`open ${leg}`));
              connection.on('close', () => events.push(`close ${leg}`));
              connection.on('error', (error) => events.push(`error ${leg}: ${error.type}`));
            }
            pipe(incoming, outgoing);
            pipe(outgoing, incoming);
          });
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
          window.relay = { peer, frames, events };
        },
        { id, options: peerOptions(server), between },
      );
    } catch (error) {
      await page.close();
      throw error;
    }
    relay.#log.add(`registered as ${id}, between ${between.join(' and ')}`);
    return relay;
  }

  /** Every frame it passed on so far, oldest first. */
  async frames(): Promise<RelayedFrame[]> {
    await this.#log.syncPage();
    return this.page.evaluate(() => [...window.relay!.frames]);
  }

  /** The distinct types of the frames it passed on. */
  async frameTypes(): Promise<string[]> {
    return [...new Set((await this.frames()).map((frame) => frame.type))].sort();
  }

  logText(): string {
    return this.#log.text();
  }

  async dispose(): Promise<void> {
    await this.#log.dispose();
  }
}

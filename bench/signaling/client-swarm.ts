// Many registered clients held open at once, heartbeating as PeerJS does: what a busy
// signaling server carries. The ramp stops at a count, a time, or the first sign that
// no more fit (refusals, or this process running out of descriptors).
import WebSocket from 'ws';
import { register, type Endpoint } from './peer-client.ts';

/** PeerJS's client sends `{"type":"HEARTBEAT"}` every 5 s (its `pingInterval`). */
const HEARTBEAT_MS = 5_000;
/**
 * Heartbeats go out in slices this often, so 20,000 clients are not 20,000 timers. Short,
 * because real clients beat independently: 100 ms slices sent 200 heartbeats at once, and
 * the server's few milliseconds on such a burst are a wait no real crowd imposes.
 */
const HEARTBEAT_TICK_MS = 5;
/** Registrations in flight at once: fast to ramp, without a burst of the server's backlog. */
const IN_FLIGHT = 64;
/** This many refusals in a row mean the server is full (or this process is). */
const REFUSALS_TO_STOP = 20;

export interface RampResult {
  held: number;
  seconds: number;
  /** Why the ramp stopped: 'count', 'time', or the last refusal's reason. */
  stoppedBy: string;
  /** Refusals by reason. */
  refusals: Record<string, number>;
}

export class ClientSwarm {
  readonly #endpoint: Endpoint;
  readonly #sockets: WebSocket[] = [];
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #next = 0;

  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
    const slices = HEARTBEAT_MS / HEARTBEAT_TICK_MS;
    let slice = 0;
    this.#heartbeat = setInterval(() => {
      for (let i = slice; i < this.#sockets.length; i += slices) {
        const socket = this.#sockets[i]!;
        if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"HEARTBEAT"}');
      }
      slice = (slice + 1) % slices;
    }, HEARTBEAT_TICK_MS);
  }

  get held(): number {
    return this.#sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  /** Registers clients until `maxClients` are held, `maxSeconds` pass, or none fit. */
  async ramp(maxClients: number, maxSeconds: number): Promise<RampResult> {
    const started = performance.now();
    const refusals: Record<string, number> = {};
    let refusedInARow = 0;
    let stoppedBy = 'count';
    let stop = false;
    // Registrations under way count against the bound, so the ramp never overshoots it.
    let inFlight = 0;
    const worker = async (): Promise<void> => {
      while (!stop) {
        if (this.#sockets.length + inFlight >= maxClients) return;
        if (performance.now() - started > maxSeconds * 1000) {
          stoppedBy = 'time';
          return;
        }
        inFlight++;
        const result = await register(this.#endpoint, `bench-${process.pid}-${this.#next++}`);
        inFlight--;
        if (result.ok) {
          refusedInARow = 0;
          this.#sockets.push(result.socket);
          continue;
        }
        refusals[result.reason] = (refusals[result.reason] ?? 0) + 1;
        if (result.fdExhausted || ++refusedInARow >= REFUSALS_TO_STOP) {
          stoppedBy = result.reason;
          stop = true;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { held: this.held, seconds, stoppedBy, refusals };
  }

  /** Closes every client at once (the server sees them go; nobody waits for it). */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const socket of this.#sockets.splice(0)) socket.terminate();
  }
}

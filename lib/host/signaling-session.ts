import type { DataConnection, Peer, PeerOptions } from 'peerjs';
import type { ConnectionState } from '../protocol/host-state.ts';
import { describeServer, toRtcIceServers, type Settings } from '../settings/settings.ts';
import { validateSettings } from '../settings/validate-settings.ts';
import { logger } from '../log.ts';
import { Backoff } from './backoff.ts';
import { describePeerError, FATAL, REFUSALS, type Failure } from './offline-reason.ts';
import type { PeerIdentity } from './peer-identity.ts';

/** How long one attempt to reach the PeerServer may take before it counts as failed. */
export const CONNECT_ATTEMPT_TIMEOUT_MS = 10_000;

export type CreatePeer = (id: string, options: PeerOptions) => Peer;

export interface SignalingSessionOptions {
  identity: PeerIdentity;
  settings: Settings;
  createPeer: CreatePeer;
  onState: (state: ConnectionState) => void;
  onConnection: (connection: DataConnection) => void;
}

/**
 * Keeps this installation registered with the PeerServer under its one peer ID:
 * connects, reports every change of state, and after any loss reconnects with
 * back-off, re-using the ID and token so the server re-attaches rather than refuses.
 */
export class SignalingSession {
  readonly #identity: PeerIdentity;
  readonly #createPeer: CreatePeer;
  readonly #onState: (state: ConnectionState) => void;
  readonly #onConnection: (connection: DataConnection) => void;
  // A dropped connection is retried quickly: a restarted server is back within seconds.
  readonly #backoff = new Backoff({ initialMs: 500, maxMs: 4_000, jitter: 0.2 });
  // A refusal (wrong key, ID held elsewhere) is retried slowly: never sooner than 5 s.
  readonly #refusalBackoff = new Backoff({ initialMs: 6_250, maxMs: 60_000, jitter: 0.2 });
  #settings: Settings;
  #peer: Peer | null = null;
  #lastFailure: Failure | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retryAt: number | null = null;
  #attemptTimer: ReturnType<typeof setTimeout> | null = null;
  #state: ConnectionState;
  #stopped = false;

  constructor(options: SignalingSessionOptions) {
    this.#identity = options.identity;
    this.#settings = options.settings;
    this.#createPeer = options.createPeer;
    this.#onState = options.onState;
    this.#onConnection = options.onConnection;
    this.#state = { phase: 'connecting', server: this.#server };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The registered peer, for opening connections; `null` unless online. */
  get onlinePeer(): Peer | null {
    return this.#state.phase === 'online' ? this.#peer : null;
  }

  start(): void {
    this.#connect();
  }

  /** Drops the current registration and starts again with new settings (same ID). */
  applySettings(settings: Settings): void {
    this.#settings = settings;
    this.#backoff.reset();
    this.#refusalBackoff.reset();
    this.#discardPeer();
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#attemptTimer !== null) clearTimeout(this.#attemptTimer);
    this.#discardPeer();
  }

  get #server(): string {
    return describeServer(this.#settings.server);
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#watchAttempt(state);
    this.#onState(state);
  }

  /**
   * A connection attempt to a host that silently drops packets would wait for the TCP
   * timeout (minutes); give up on it sooner and retry.
   */
  #watchAttempt(state: ConnectionState): void {
    if (this.#attemptTimer !== null) clearTimeout(this.#attemptTimer);
    this.#attemptTimer = null;
    if (state.phase !== 'connecting') return;
    this.#attemptTimer = setTimeout(() => {
      this.#attemptTimer = null;
      const peer = this.#peer;
      if (this.#stopped || this.#state.phase !== 'connecting' || !peer) return;
      logger.warn('signaling-attempt-timeout', { server: this.#server });
      this.#lastFailure = describePeerError({ type: 'network' }, this.#server);
      if (!peer.disconnected)
        peer.disconnect(); // reported back as 'disconnected'
      else this.#fail(this.#lastFailure);
    }, CONNECT_ATTEMPT_TIMEOUT_MS);
  }

  #connect(): void {
    if (this.#stopped) return;
    const checked = validateSettings(this.#settings);
    if (!checked.ok) {
      const first = Object.values(checked.errors)[0] ?? 'The settings are incomplete.';
      this.#fail({ reason: 'invalid-settings', message: `Invalid server settings: ${first}` });
      return;
    }
    const { host, port, path, secure, key } = checked.settings.server;
    this.#setState({ phase: 'connecting', server: this.#server });
    let peer: Peer;
    try {
      peer = this.#createPeer(this.#identity.peerId, {
        host,
        port,
        path,
        secure,
        key,
        token: this.#identity.token,
        config: { iceServers: toRtcIceServers(checked.settings.iceServers) },
        debug: 0,
      });
    } catch (error) {
      // The WebSocket constructor throws synchronously on an address it cannot parse.
      this.#fail({
        reason: 'invalid-settings',
        message: `Invalid server address: ${String(error)}`,
      });
      return;
    }
    this.#peer = peer;
    this.#watch(peer);
  }

  #watch(peer: Peer): void {
    // Events of a peer that has since been replaced are stale and ignored.
    const current = () => this.#peer === peer && !this.#stopped;
    peer.on('open', () => {
      if (!current()) return;
      this.#backoff.reset();
      this.#refusalBackoff.reset();
      this.#lastFailure = null;
      logger.info('signaling-online', { server: this.#server, peerId: peer.id });
      this.#setState({ phase: 'online', server: this.#server });
    });
    peer.on('error', (error) => {
      // An unreachable peer is the business of whoever tried to reach it.
      if (!current() || error.type === 'peer-unavailable') return;
      this.#lastFailure = describePeerError(error, this.#server);
      logger.warn('signaling-error', { type: error.type, message: error.message });
    });
    peer.on('disconnected', () => {
      if (current())
        this.#fail(this.#lastFailure ?? describePeerError({ type: 'network' }, this.#server));
    });
    peer.on('close', () => {
      if (current())
        this.#fail(this.#lastFailure ?? describePeerError({ type: 'network' }, this.#server));
    });
    peer.on('connection', (connection) => {
      if (current()) this.#onConnection(connection);
    });
  }

  #fail(failure: Failure): void {
    // PeerJS reports one loss with several events ('disconnected', then 'close');
    // the first schedules the retry, the others only refine the reason.
    if (this.#retryTimer === null && !FATAL.has(failure.reason)) {
      const delay = (REFUSALS.has(failure.reason) ? this.#refusalBackoff : this.#backoff).next();
      this.#retryAt = Date.now() + delay;
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        this.#retryAt = null;
        this.#retry();
      }, delay);
    }
    logger.warn('signaling-offline', { reason: failure.reason, retryAt: this.#retryAt });
    this.#setState({
      phase: 'offline',
      server: this.#server,
      reason: failure.reason,
      message: failure.message,
      retryAt: this.#retryAt,
    });
  }

  #retry(): void {
    const peer = this.#peer;
    if (this.#stopped) return;
    if (peer && !peer.destroyed && peer.disconnected) {
      // Reconnecting keeps the peer's data connections to contacts alive.
      this.#lastFailure = null;
      this.#setState({ phase: 'connecting', server: this.#server });
      try {
        peer.reconnect();
        return;
      } catch (error) {
        logger.warn('signaling-reconnect-failed', { error: String(error) });
      }
    }
    this.#discardPeer();
    this.#connect();
  }

  #discardPeer(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#retryAt = null;
    const peer = this.#peer;
    this.#peer = null;
    this.#lastFailure = null;
    peer?.destroy();
  }
}

import type { DataConnection } from 'peerjs';
import type { HostHandlers } from '../protocol/host-server.ts';
import type { ConnectionState, HostState, PeerPresence } from '../protocol/host-state.ts';
import type { Settings } from '../settings/settings.ts';
import { validateSettings } from '../settings/validate-settings.ts';
import { logger } from '../log.ts';
import { normalizePeerId, type PeerIdentity } from './peer-identity.ts';
import { probePeer } from './presence-probe.ts';
import { SignalingSession, type CreatePeer } from './signaling-session.ts';

export interface PeerHostOptions {
  identity: PeerIdentity;
  settings: Settings;
  createPeer: CreatePeer;
  saveSettings: (settings: Settings) => Promise<void>;
}

/**
 * An incoming connection that nothing claims (for now, every one: a presence check
 * from another peer) is closed after this long, so strangers cannot pile them up.
 */
const UNCLAIMED_CONNECTION_MS = 30_000;

/**
 * The long-lived peer: owns the signaling session, answers the views' requests and
 * tells them about every change of state.
 */
export class PeerHost {
  readonly #identity: PeerIdentity;
  readonly #saveSettings: (settings: Settings) => Promise<void>;
  readonly #session: SignalingSession;
  readonly #listeners = new Set<(state: HostState) => void>();
  #settings: Settings;
  #connection: ConnectionState;

  constructor({ identity, settings, createPeer, saveSettings }: PeerHostOptions) {
    this.#identity = identity;
    this.#settings = settings;
    this.#saveSettings = saveSettings;
    this.#session = new SignalingSession({
      identity,
      settings,
      createPeer,
      onState: (connection) => {
        this.#connection = connection;
        this.#publish();
      },
      onConnection: (connection) => this.#adoptIncoming(connection),
    });
    this.#connection = this.#session.state;
  }

  get state(): HostState {
    return {
      peerId: this.#identity.peerId,
      connection: this.#connection,
      settings: this.#settings,
    };
  }

  onState(listener: (state: HostState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    logger.info('host-started', { peerId: this.#identity.peerId });
    this.#session.start();
  }

  stop(): void {
    this.#session.stop();
  }

  readonly handlers: HostHandlers = {
    getState: () => this.state,
    saveSettings: async (input) => {
      const checked = validateSettings(input);
      if (!checked.ok) return { saved: false, errors: checked.errors };
      await this.#saveSettings(checked.settings);
      this.#settings = checked.settings;
      logger.info('settings-saved', { server: checked.settings.server.host });
      this.#publish();
      this.#session.applySettings(checked.settings);
      return { saved: true };
    },
    checkPeer: ({ peerId }) => this.#checkPeer(peerId),
  };

  async #checkPeer(input: unknown): Promise<PeerPresence> {
    const peerId = typeof input === 'string' ? normalizePeerId(input) : null;
    if (!peerId) return { presence: 'error', message: 'That is not a valid peer ID.' };
    if (peerId === this.#identity.peerId)
      return { presence: 'error', message: 'That is your own peer ID.' };
    const peer = this.#session.onlinePeer;
    if (!peer) return { presence: 'error', message: 'You are offline, so no peer can be reached.' };
    const presence = await probePeer(peer, peerId);
    logger.info('peer-checked', { peerId, presence: presence.presence });
    return presence;
  }

  #adoptIncoming(connection: DataConnection): void {
    logger.info('incoming-connection', { from: connection.peer });
    const timer = setTimeout(() => connection.close(), UNCLAIMED_CONNECTION_MS);
    connection.on('close', () => clearTimeout(timer));
    connection.on('error', () => connection.close());
  }

  #publish(): void {
    const state = this.state;
    for (const listener of this.#listeners) listener(state);
  }
}

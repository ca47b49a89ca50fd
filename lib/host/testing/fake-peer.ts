import type { PeerConnectOption, PeerOptions } from 'peerjs';

type Listener = (...args: unknown[]) => void;

/** Just enough of an event emitter for PeerJS's Peer and DataConnection. */
export class Emitter {
  readonly calls: string[] = [];
  readonly #listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): this {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event)?.add(listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const listeners = [...(this.#listeners.get(event) ?? [])];
    for (const listener of listeners) listener(...args);
    return listeners.length > 0;
  }
}

export class FakeConnection extends Emitter {
  readonly peer: string;

  constructor(peer: string) {
    super();
    this.peer = peer;
  }

  close(): void {
    this.calls.push('close');
  }
}

/**
 * A DataConnection that keeps PeerJS 1.5's rules where the host depends on them:
 * - it is open once 'open' was emitted (`simulateOpen`, or `emit('open')`);
 * - `close()` emits 'close' only if it was open: closing an attempt that never opened
 *   is silent, exactly as in PeerJS;
 * - `send()` on a connection that is not open emits a 'not-open-yet' error instead.
 * `peerConnection` is undefined unless a test sets one.
 */
export class FakeDataConnection extends FakeConnection {
  readonly options: PeerConnectOption;
  readonly metadata: unknown;
  /** Everything handed to `send()` while open. */
  readonly sent: unknown[] = [];
  peerConnection: RTCPeerConnection | undefined = undefined;
  open = false;

  constructor(peer: string, options: PeerConnectOption = {}) {
    super(peer);
    this.options = options;
    this.metadata = options.metadata;
  }

  override emit(event: string, ...args: unknown[]): boolean {
    if (event === 'open') this.open = true;
    if (event === 'close') this.open = false;
    return super.emit(event, ...args);
  }

  send(data: unknown): void {
    if (!this.open) {
      this.emit('error', { type: 'not-open-yet', message: 'Connection is not open.' });
      return;
    }
    this.sent.push(data);
  }

  override close(): void {
    super.close();
    if (this.open) this.emit('close');
  }

  simulateOpen(): void {
    this.emit('open');
  }

  simulateData(data: unknown): void {
    this.emit('data', data);
  }

  /** The other side closed, or the channel died: PeerJS closes its end, silently if never open. */
  simulateRemoteClose(): void {
    if (this.open) this.emit('close');
  }

  simulateError(type: string, message = type): void {
    this.emit('error', { type, message });
  }
}

/**
 * Stands in for PeerJS's Peer in unit tests of the host's logic (the real one needs
 * WebRTC; the end-to-end tests use it). Public calls are recorded, and the `simulate*`
 * drivers emit events in the order PeerJS 1.5 emits them.
 */
export class FakePeer extends Emitter {
  readonly id: string;
  readonly options: PeerOptions;
  destroyed = false;
  disconnected = false;
  readonly outgoing: FakeDataConnection[] = [];
  #everOpen = false;

  constructor(id: string, options: PeerOptions) {
    super();
    this.id = id;
    this.options = options;
  }

  connect(target: string, options?: PeerConnectOption): FakeDataConnection {
    const connection = new FakeDataConnection(target, options);
    this.outgoing.push(connection);
    return connection;
  }

  reconnect(): void {
    this.calls.push('reconnect');
    if (this.destroyed) throw new Error('This peer cannot reconnect to the server.');
    this.disconnected = false;
  }

  destroy(): void {
    this.calls.push('destroy');
    this.#destroy();
  }

  disconnect(): void {
    this.calls.push('disconnect');
    this.#disconnect();
  }

  simulateOpen(): void {
    this.#everOpen = true;
    this.emit('open', this.id);
  }

  /** The WebSocket closed or never opened (server down, network gone). */
  simulateLoss(): void {
    this.emit('error', { type: 'network', message: 'Lost connection to server.' });
    this.#disconnect();
  }

  /** PeerJS's `_abort`: a refusal destroys a peer that never opened, else disconnects it. */
  simulateAbort(type: string, message: string): void {
    this.emit('error', { type, message });
    if (this.#everOpen) this.#disconnect();
    else this.#destroy();
  }

  #disconnect(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.emit('disconnected', this.id);
  }

  #destroy(): void {
    if (this.destroyed) return;
    this.#disconnect();
    this.destroyed = true;
    this.emit('close');
  }
}

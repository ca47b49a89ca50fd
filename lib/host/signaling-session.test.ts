import type { DataConnection, Peer, PeerOptions } from 'peerjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../protocol/host-state.ts';
import type { Settings } from '../settings/settings.ts';
import type { PeerIdentity } from './peer-identity.ts';
import { CONNECT_ATTEMPT_TIMEOUT_MS, SignalingSession } from './signaling-session.ts';
import { FakePeer } from './testing/fake-peer.ts';

const identity: PeerIdentity = {
  peerId: 'abcd-efgh-jkmn-pqrs',
  token: '0123456789abcdef0123456789abcdef',
};
const settings: Settings = {
  server: { host: 'peer.example.org', port: 9000, path: '/parley', secure: true, key: 'parley' },
  iceServers: [
    { url: 'stun:stun.example.org:3478', username: '', credential: '' },
    { url: 'turn:turn.example.org:3478?transport=udp', username: 'u', credential: 'c' },
  ],
};

let peers: FakePeer[];
let createPeer: ReturnType<typeof vi.fn<(id: string, options: PeerOptions) => Peer>>;
let states: ConnectionState[];
let incoming: DataConnection[];
let session: SignalingSession;

const lastPeer = (): FakePeer => {
  const peer = peers.at(-1);
  if (!peer) throw new Error('no peer was created');
  return peer;
};
const reconnects = (peer: FakePeer) => peer.calls.filter((call) => call === 'reconnect').length;
const retryDelay = (): number => {
  const state = session.state;
  if (state.phase !== 'offline' || state.retryAt === null) throw new Error('no retry planned');
  return state.retryAt - Date.now();
};

function start(initial: Settings = settings): void {
  session = new SignalingSession({
    identity,
    settings: initial,
    createPeer,
    onState: (state) => states.push(state),
    onConnection: (connection) => incoming.push(connection),
  });
  session.start();
}

beforeEach(() => {
  vi.useFakeTimers();
  for (const level of ['info', 'warn'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  peers = [];
  states = [];
  incoming = [];
  createPeer = vi.fn((id: string, options: PeerOptions) => {
    const peer = new FakePeer(id, options);
    peers.push(peer);
    return peer as unknown as Peer;
  });
});

afterEach(() => {
  session.stop();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('SignalingSession', () => {
  it("registers under the identity's ID and token with the settings' server and ICE servers", () => {
    start();
    expect(createPeer).toHaveBeenCalledOnce();
    expect(createPeer).toHaveBeenCalledWith(identity.peerId, {
      host: 'peer.example.org',
      port: 9000,
      path: '/parley',
      secure: true,
      key: 'parley',
      token: identity.token,
      config: {
        iceServers: [
          { urls: 'stun:stun.example.org:3478' },
          { urls: 'turn:turn.example.org:3478?transport=udp', username: 'u', credential: 'c' },
        ],
      },
      debug: 0,
    });
    expect(session.state).toEqual({
      phase: 'connecting',
      server: 'wss://peer.example.org:9000/parley',
    });
  });

  it('is online once the server opens the registration', () => {
    start();
    lastPeer().simulateOpen();
    expect(states.at(-1)).toEqual({
      phase: 'online',
      server: 'wss://peer.example.org:9000/parley',
    });
    expect(session.onlinePeer).toBe(lastPeer());
  });

  it('after losing the server, reconnects the same peer after the back-off and comes back online', () => {
    start();
    const peer = lastPeer();
    peer.simulateOpen();

    peer.simulateLoss();
    expect(session.state).toMatchObject({ phase: 'offline', reason: 'unreachable' });
    expect(session.onlinePeer).toBeNull();
    const delay = retryDelay();
    expect(delay).toBeGreaterThan(0);

    vi.advanceTimersByTime(delay - 1);
    expect(reconnects(peer)).toBe(0);
    vi.advanceTimersByTime(1);
    expect(reconnects(peer)).toBe(1);
    expect(peer.calls).not.toContain('destroy'); // its data connections stay open
    expect(session.state.phase).toBe('connecting');

    peer.simulateOpen();
    expect(session.state.phase).toBe('online');
    expect(createPeer).toHaveBeenCalledOnce();
  });

  it('waits longer after each failed attempt, but never more than 4 s', () => {
    start();
    const peer = lastPeer();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      peer.simulateLoss();
      delays.push(retryDelay());
      vi.advanceTimersByTime(delays.at(-1) ?? 0);
      expect(reconnects(peer)).toBe(attempt + 1);
    }
    for (let i = 1; i < 4; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1] ?? Infinity);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000);
  });

  it('is back online within 10 s of a server restart, even with the slowest jitter', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    start();
    const peer = lastPeer();
    peer.simulateOpen();
    const restartedAt = Date.now();
    const downForMs = 5_000;

    peer.simulateLoss();
    while (session.state.phase !== 'online') {
      vi.advanceTimersByTime(retryDelay());
      if (Date.now() - restartedAt < downForMs) peer.simulateLoss();
      else peer.simulateOpen();
    }
    expect(Date.now() - restartedAt).toBeLessThanOrEqual(10_000);
  });

  it('replaces a peer that PeerJS destroyed, retrying once per loss', () => {
    start();
    const first = lastPeer();
    first.simulateAbort('socket-closed', 'Underlying socket is already closed.');
    expect(session.state).toMatchObject({ phase: 'offline', reason: 'unreachable' });

    vi.advanceTimersByTime(retryDelay());
    // A destroyed peer cannot reconnect: exactly one new one, under the same ID and token.
    expect(reconnects(first)).toBe(0);
    expect(createPeer).toHaveBeenCalledTimes(2);
    expect(lastPeer().id).toBe(identity.peerId);
    expect(lastPeer().options.token).toBe(identity.token);
  });

  it('reports a key the server refuses as bad-key and retries slowly', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    start();
    lastPeer().simulateAbort('server-error', 'Invalid key provided');

    expect(session.state).toMatchObject({ phase: 'offline', reason: 'bad-key' });
    expect(retryDelay()).toBeGreaterThanOrEqual(5_000);
    vi.advanceTimersByTime(retryDelay());
    expect(createPeer).toHaveBeenCalledTimes(2);
  });

  // BUG (spec): the refusal back-off starts at 5 s with ±20 % jitter, so its first retry
  // can come after only 4 s — no slower than the fastest "unreachable" cap.
  it('retries a refused key after no less than 5 s, whatever the jitter', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    start();
    lastPeer().simulateAbort('server-error', 'Invalid key provided');
    expect(retryDelay()).toBeGreaterThanOrEqual(5_000);
  });

  it('reports an ID held by another session as id-taken', () => {
    start();
    lastPeer().simulateAbort('unavailable-id', `ID "${identity.peerId}" is taken`);
    expect(session.state).toMatchObject({ phase: 'offline', reason: 'id-taken' });
    expect(retryDelay()).toBeGreaterThanOrEqual(4_000);
  });

  it('stays offline without retrying when PeerJS cannot be created from the settings', () => {
    createPeer.mockImplementation(() => {
      throw new SyntaxError("Failed to construct 'WebSocket': The URL is invalid.");
    });
    start();
    expect(session.state).toMatchObject({
      phase: 'offline',
      reason: 'invalid-settings',
      retryAt: null,
    });
    vi.advanceTimersByTime(600_000);
    expect(createPeer).toHaveBeenCalledOnce();
  });

  it('does not even try with invalid settings', () => {
    start({ ...settings, server: { ...settings.server, host: '' } });
    expect(createPeer).not.toHaveBeenCalled();
    expect(session.state).toMatchObject({
      phase: 'offline',
      reason: 'invalid-settings',
      retryAt: null,
    });
    vi.advanceTimersByTime(600_000);
    expect(createPeer).not.toHaveBeenCalled();
  });

  it('applying new settings replaces the peer, keeping the ID and token', () => {
    start();
    const old = lastPeer();
    old.simulateOpen();

    session.applySettings({
      ...settings,
      server: { ...settings.server, host: 'other.example.org' },
    });

    expect(old.calls).toContain('destroy');
    expect(createPeer).toHaveBeenCalledTimes(2);
    expect(lastPeer().id).toBe(identity.peerId);
    expect(lastPeer().options).toMatchObject({ host: 'other.example.org', token: identity.token });
    expect(session.state).toEqual({
      phase: 'connecting',
      server: 'wss://other.example.org:9000/parley',
    });
  });

  it('ignores every event of a peer it has replaced', () => {
    start();
    const old = lastPeer();
    session.applySettings(settings);
    lastPeer().simulateOpen();
    const statesBefore = states.length;

    old.simulateOpen();
    old.emit('error', { type: 'network', message: 'late' });
    old.emit('disconnected', identity.peerId);
    old.emit('close');
    old.emit('connection', { peer: 'stranger' });
    vi.advanceTimersByTime(60_000);

    expect(states).toHaveLength(statesBefore);
    expect(incoming).toEqual([]);
    expect(createPeer).toHaveBeenCalledTimes(2);
    expect(reconnects(old) + reconnects(lastPeer())).toBe(0);
  });

  it('gives up on an attempt that hangs and retries it', () => {
    start();
    const peer = lastPeer();
    vi.advanceTimersByTime(CONNECT_ATTEMPT_TIMEOUT_MS - 1);
    expect(session.state.phase).toBe('connecting');

    vi.advanceTimersByTime(1);
    expect(peer.calls).toEqual(['disconnect']);
    expect(session.state).toMatchObject({ phase: 'offline', reason: 'unreachable' });
    vi.advanceTimersByTime(retryDelay());
    expect(reconnects(peer)).toBe(1);
  });

  it('lets an attempt that succeeded stay online however long it lasts', () => {
    start();
    lastPeer().simulateOpen();
    vi.advanceTimersByTime(10 * CONNECT_ATTEMPT_TIMEOUT_MS);
    expect(session.state.phase).toBe('online');
    expect(lastPeer().calls).toEqual([]);
  });

  it('hands incoming connections of the current peer on', () => {
    start();
    const connection = { peer: 'friend' };
    lastPeer().emit('connection', connection);
    expect(incoming).toEqual([connection]);
  });

  it("leaves the state alone when another peer can't be reached", () => {
    start();
    lastPeer().simulateOpen();
    const statesBefore = states.length;

    lastPeer().emit('error', {
      type: 'peer-unavailable',
      message: 'Could not connect to peer zzzz',
    });
    expect(states).toHaveLength(statesBefore);
    expect(session.state.phase).toBe('online');

    // …and a later real loss is still reported as such.
    lastPeer().simulateLoss();
    expect(session.state).toMatchObject({ phase: 'offline', reason: 'unreachable' });
  });

  it('stop() destroys the peer and cancels the planned retry', () => {
    start();
    const peer = lastPeer();
    peer.simulateLoss();
    const statesBefore = states.length;

    session.stop();
    vi.advanceTimersByTime(600_000);

    expect(peer.calls).toEqual(['destroy']);
    expect(createPeer).toHaveBeenCalledOnce();
    expect(states).toHaveLength(statesBefore);
  });
});

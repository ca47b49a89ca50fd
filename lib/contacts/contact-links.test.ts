import type { DataConnection, Peer } from 'peerjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeDataConnection, FakePeer } from '../host/testing/fake-peer.ts';
import type { HandshakeOutcome, StartHandshake } from '../identity/handshake-outcome.ts';
import { passAtOnce, ScriptedHandshakes } from '../identity/testing/scripted-handshake.ts';
import { ContactLinks } from './contact-links.ts';

const OWN = 'mmmm-5555';
const BOB = 'bbbb-2222';
const CAROL = 'cccc-3333';
/** Sorts before and after OWN: who wins when both sides connect at once. */
const SMALLER = 'aaaa-1111';
const LARGER = 'zzzz-9999';

const CONTACT_OPTIONS = { reliable: true, serialization: 'raw', metadata: { kind: 'contact' } };

/** One host's ContactLinks over a FakePeer, with the contacts' facts set by the test. */
function setup(ownId = OWN, handshake: StartHandshake = passAtOnce) {
  const peer = new FakePeer(ownId, {});
  const state = { registered: true };
  const blocked = new Set<string>();
  const known = new Set<string>();
  const onOpen = vi.fn<(peerId: string) => void>();
  const onClose = vi.fn<(peerId: string) => void>();
  const onData = vi.fn<(peerId: string, data: unknown) => void>();
  const onRefused = vi.fn<(peerId: string, outcome: HandshakeOutcome) => void>();
  const links = new ContactLinks({
    ownId,
    handshake,
    onRefused,
    peer: () => (state.registered ? (peer as unknown as Peer) : null),
    blocked: (peerId) => blocked.has(peerId),
    known: (peerId) => known.has(peerId),
    onOpen,
    onClose,
    onData,
  });
  const attempts = (peerId: string) => peer.outgoing.filter((c) => c.peer === peerId);
  const latest = (peerId: string): FakeDataConnection => {
    const connection = attempts(peerId).at(-1);
    if (!connection) throw new Error(`no connection to ${peerId} was attempted`);
    return connection;
  };
  /** An incoming connection from `peerId`, handed to adopt() as PeerHost does. */
  const adopt = (peerId: string): FakeDataConnection => {
    const connection = new FakeDataConnection(peerId, CONTACT_OPTIONS);
    links.adopt(connection as unknown as DataConnection);
    return connection;
  };
  return {
    links,
    peer,
    state,
    blocked,
    known,
    onOpen,
    onClose,
    onData,
    onRefused,
    attempts,
    latest,
    adopt,
  };
}

const closed = (connection: FakeDataConnection) => connection.calls.includes('close');

beforeEach(() => {
  vi.useFakeTimers();
  // No jitter: Backoff spreads each delay by (random * 2 - 1) * 20 %.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  for (const level of ['info', 'warn'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ContactLinks: connecting to wanted contacts', () => {
  it('connects once to each wanted peer, reliably and with raw text frames', () => {
    const { links, peer } = setup();

    links.setWanted([BOB, CAROL]);
    links.setWanted([BOB, CAROL]);

    expect(peer.outgoing.map((c) => c.peer)).toEqual([BOB, CAROL]);
    for (const connection of peer.outgoing) expect(connection.options).toEqual(CONTACT_OPTIONS);
    expect(links.isOnline(BOB)).toBe(false);
  });

  it('reports a link online once its connection opens', () => {
    const { links, latest, onOpen } = setup();
    links.setWanted([BOB]);

    latest(BOB).simulateOpen();

    expect(links.isOnline(BOB)).toBe(true);
    expect(onOpen).toHaveBeenCalledExactlyOnceWith(BOB);
  });

  it('reports a link that closes, and reconnects after 1 s', () => {
    const { links, attempts, latest, onClose } = setup();
    links.setWanted([BOB]);
    latest(BOB).simulateOpen();

    latest(BOB).simulateRemoteClose();

    expect(onClose).toHaveBeenCalledExactlyOnceWith(BOB);
    expect(links.isOnline(BOB)).toBe(false);
    vi.advanceTimersByTime(999);
    expect(attempts(BOB)).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(attempts(BOB)).toHaveLength(2);
  });

  it('backs off from 1 s, doubling up to 30 s, while connecting keeps failing', () => {
    const { links, peer } = setup();
    const times: number[] = [];
    vi.spyOn(peer, 'connect').mockImplementation(() => {
      times.push(Date.now());
      throw new Error('connect failed');
    });

    links.setWanted([BOB]);
    vi.advanceTimersByTime(200_000);

    const delays = times.slice(1).map((time, i) => time - (times[i] ?? Number.NaN));
    expect(delays.slice(0, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('starts the back-off again at 1 s once a link has stayed open 10 s', () => {
    const { links, peer, attempts, latest } = setup();
    const connect = peer.connect.bind(peer);
    let failures = 3;
    vi.spyOn(peer, 'connect').mockImplementation((target, options) => {
      if (failures-- > 0) throw new Error('connect failed');
      return connect(target, options);
    });
    links.setWanted([BOB]);
    vi.advanceTimersByTime(1_000 + 2_000 + 4_000);
    latest(BOB).simulateOpen();
    vi.advanceTimersByTime(10_000);

    latest(BOB).simulateRemoteClose();
    vi.advanceTimersByTime(1_000);

    expect(attempts(BOB)).toHaveLength(2);
  });

  it('keeps backing off from a peer that closes each link as soon as it opens', () => {
    const { links, attempts, latest } = setup();
    links.setWanted([BOB]);
    const delays: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      latest(BOB).simulateOpen();
      latest(BOB).simulateRemoteClose();
      const closedAt = Date.now();
      const before = attempts(BOB).length;
      while (attempts(BOB).length === before) vi.advanceTimersByTime(100);
      delays.push(Date.now() - closedAt);
    }

    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('an incoming connection from a peer does not undo the back-off', () => {
    const handshakes = new ScriptedHandshakes();
    const { links, attempts, latest, adopt } = setup(OWN, handshakes.start);
    links.setWanted([BOB]);
    const refuse = () =>
      handshakes.latest(BOB).decide({ ok: false, reason: 'key-changed', detail: '' });
    latest(BOB).simulateOpen();
    refuse(); // retry in 1 s
    vi.advanceTimersByTime(1_000);
    latest(BOB).simulateOpen();
    refuse(); // retry in 2 s

    const theirs = adopt(BOB);
    theirs.simulateOpen();
    refuse(); // still growing: retry in 4 s, not 1 s

    vi.advanceTimersByTime(3_999);
    expect(attempts(BOB)).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(attempts(BOB)).toHaveLength(3);
  });

  it('retries at once on retryAllNow, and not again when the back-off would have', () => {
    const { links, attempts, latest } = setup();
    links.setWanted([BOB]);
    latest(BOB).simulateOpen();
    latest(BOB).simulateRemoteClose();

    links.retryAllNow();

    expect(attempts(BOB)).toHaveLength(2);
    vi.advanceTimersByTime(1_000);
    expect(attempts(BOB)).toHaveLength(2);
  });

  it('drops an attempt still negotiating when the server comes back, and dials again at once', () => {
    const { links, attempts, latest } = setup();
    links.setWanted([BOB]);
    const stale = latest(BOB);

    links.retryAllNow();

    expect(closed(stale)).toBe(true);
    expect(attempts(BOB)).toHaveLength(2);
    latest(BOB).simulateOpen();
    expect(links.isOnline(BOB)).toBe(true);
  });

  it('gives up on an incoming connection that never opens', () => {
    const { adopt, known } = setup();
    known.add(BOB);
    const theirs = adopt(BOB);

    vi.advanceTimersByTime(14_999);
    expect(closed(theirs)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(closed(theirs)).toBe(true);
  });

  it('does not connect while offline from the server, and connects on retryAllNow', () => {
    const { links, peer, state } = setup();
    state.registered = false;

    links.setWanted([BOB]);
    vi.advanceTimersByTime(10 * 60_000);
    expect(peer.outgoing).toEqual([]);

    state.registered = true;
    links.retryAllNow();
    expect(peer.outgoing.map((c) => c.peer)).toEqual([BOB]);
  });

  it('drops the link to a peer that is neither wanted nor known any more', () => {
    const { links, attempts, latest, onClose } = setup();
    links.setWanted([BOB]);
    latest(BOB).simulateOpen();

    links.setWanted([]);

    expect(closed(latest(BOB))).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(BOB);
    vi.advanceTimersByTime(60_000);
    expect(attempts(BOB)).toHaveLength(1);
  });

  it('drops the link to a peer that became blocked, on the next sync', () => {
    const { links, blocked, attempts, latest, onClose } = setup();
    links.setWanted([BOB]);
    latest(BOB).simulateOpen();

    blocked.add(BOB);
    links.setWanted([]);

    expect(closed(latest(BOB))).toBe(true);
    expect(onClose).toHaveBeenCalledWith(BOB);
    expect(links.isOnline(BOB)).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(attempts(BOB)).toHaveLength(1);
  });

  it('closes every link on closeAll and does not reconnect by itself', () => {
    const { links, peer, latest } = setup();
    links.setWanted([BOB, CAROL]);
    latest(BOB).simulateOpen();

    links.closeAll();

    expect(peer.outgoing.every(closed)).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(peer.outgoing).toHaveLength(2);
  });
});

describe('ContactLinks: attempts that fail', () => {
  it('closes the attempt the server reports unavailable, and no other', () => {
    const { links, peer, latest } = setup();
    links.setWanted([BOB, CAROL]);

    peer.emit('error', { type: 'network', message: `Lost connection while calling ${BOB}` });
    expect(closed(latest(BOB))).toBe(false);

    peer.emit('error', { type: 'peer-unavailable', message: `Could not connect to peer ${BOB}` });
    expect(closed(latest(BOB))).toBe(true);
    expect(closed(latest(CAROL))).toBe(false);
  });

  it('abandons an attempt that has not opened after 15 s', () => {
    const { links, latest } = setup();
    links.setWanted([BOB]);

    vi.advanceTimersByTime(14_999);
    expect(closed(latest(BOB))).toBe(false);
    vi.advanceTimersByTime(1);
    expect(closed(latest(BOB))).toBe(true);
  });

  it('keeps an attempt that opens within 15 s', () => {
    const { links, latest } = setup();
    links.setWanted([BOB]);
    vi.advanceTimersByTime(14_000);

    latest(BOB).simulateOpen();
    vi.advanceTimersByTime(60_000);

    expect(closed(latest(BOB))).toBe(false);
    expect(links.isOnline(BOB)).toBe(true);
  });

  it('closes a link whose connection reports an error, and reconnects after 1 s', () => {
    const { links, attempts, latest, onClose } = setup();
    links.setWanted([BOB]);
    latest(BOB).simulateOpen();

    latest(BOB).simulateError('negotiation-failed');

    expect(closed(latest(BOB))).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(BOB);
    vi.advanceTimersByTime(1_000);
    expect(attempts(BOB)).toHaveLength(2);
  });

  // PeerJS 1.5 emits 'close' only for a connection that was open, so an attempt that is
  // given up must be taken down by the links themselves, or that contact is never retried.
  it('tries again after abandoning an attempt that never opened', () => {
    const { links, attempts } = setup();
    links.setWanted([BOB]);

    vi.advanceTimersByTime(15_000 + 1_000);

    expect(attempts(BOB)).toHaveLength(2);
  });

  it('tries again after the server reports the peer unavailable', () => {
    const { links, peer, attempts } = setup();
    links.setWanted([BOB]);

    peer.emit('error', { type: 'peer-unavailable', message: `Could not connect to peer ${BOB}` });
    vi.advanceTimersByTime(1_000);

    expect(attempts(BOB)).toHaveLength(2);
  });

  it('tries again on retryAllNow after an attempt failed', () => {
    const { links, peer, attempts } = setup();
    links.setWanted([BOB]);
    peer.emit('error', { type: 'peer-unavailable', message: `Could not connect to peer ${BOB}` });

    links.retryAllNow();

    expect(attempts(BOB)).toHaveLength(2);
  });

  // With the smaller ID we would otherwise keep a dead attempt and close the contact's live
  // connection when it comes online and calls us, so the two would never meet.
  it('takes the connection of a contact that was offline when we tried it', () => {
    const { links, peer, adopt, onOpen } = setup(SMALLER);
    links.setWanted([LARGER]);
    peer.emit('error', {
      type: 'peer-unavailable',
      message: `Could not connect to peer ${LARGER}`,
    });

    const theirs = adopt(LARGER);
    theirs.simulateOpen();

    expect(closed(theirs)).toBe(false);
    expect(onOpen).toHaveBeenCalledWith(LARGER);
  });

  // PeerJS names the unavailable peer only inside its message; a prefix must not match.
  it('does not mistake an unavailable peer for one whose ID is a prefix of it', () => {
    const { links, peer, latest } = setup();
    links.setWanted([BOB, `${BOB}-2`]);

    peer.emit('error', {
      type: 'peer-unavailable',
      message: `Could not connect to peer ${BOB}-2`,
    });

    expect(closed(latest(BOB))).toBe(false);
  });
});

describe('ContactLinks: incoming connections', () => {
  it('refuses a blocked peer at once', () => {
    const { links, blocked, adopt, onOpen } = setup();
    blocked.add(BOB);

    const connection = adopt(BOB);
    connection.simulateOpen();

    expect(closed(connection)).toBe(true);
    expect(onOpen).not.toHaveBeenCalled();
    expect(links.isOnline(BOB)).toBe(false);
  });

  it('keeps a known peer and reports the link when it opens', () => {
    const { links, known, adopt, onOpen } = setup();
    known.add(BOB);

    const connection = adopt(BOB);
    connection.simulateOpen();
    vi.advanceTimersByTime(10 * 60_000);

    expect(closed(connection)).toBe(false);
    expect(links.isOnline(BOB)).toBe(true);
    expect(onOpen).toHaveBeenCalledExactlyOnceWith(BOB);
  });

  it('drops the incoming link of a contact that was removed, on the next sync', () => {
    const { links, known, adopt, onClose } = setup();
    known.add(BOB);
    const connection = adopt(BOB);
    connection.simulateOpen();

    known.delete(BOB);
    links.setWanted([]);

    expect(closed(connection)).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(BOB);
  });

  it('leaves a stranger its grace period when the contacts change', () => {
    const { links, adopt } = setup();
    const connection = adopt(CAROL);
    connection.simulateOpen();

    links.setWanted([BOB]);

    expect(closed(connection)).toBe(false);
    expect(links.isOnline(CAROL)).toBe(true);
  });

  it('closes a stranger after 60 s', () => {
    const { links, adopt, onClose } = setup();
    const connection = adopt(CAROL);
    connection.simulateOpen();

    vi.advanceTimersByTime(59_999);
    expect(closed(connection)).toBe(false);
    vi.advanceTimersByTime(1);

    expect(closed(connection)).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(CAROL);
    expect(links.isOnline(CAROL)).toBe(false);
  });

  it('keeps a stranger who becomes known within 60 s', () => {
    const { links, known, adopt } = setup();
    const connection = adopt(CAROL);
    connection.simulateOpen();

    vi.advanceTimersByTime(30_000);
    known.add(CAROL);
    vi.advanceTimersByTime(60_000);

    expect(closed(connection)).toBe(false);
    expect(links.isOnline(CAROL)).toBe(true);
  });

  it('keeps at most 16 strangers, but always a known peer', () => {
    const { known, adopt } = setup();
    const strangers = Array.from({ length: 16 }, (_, i) => adopt(`stranger-${i}`));
    for (const connection of strangers) connection.simulateOpen();

    const seventeenth = adopt('stranger-16');
    known.add(BOB);
    const contact = adopt(BOB);

    expect(strangers.some(closed)).toBe(false);
    expect(closed(seventeenth)).toBe(true);
    expect(closed(contact)).toBe(false);
  });

  it('makes room for a new stranger once one has left', () => {
    const { adopt } = setup();
    const strangers = Array.from({ length: 16 }, (_, i) => adopt(`stranger-${i}`));
    for (const connection of strangers) connection.simulateOpen();

    strangers[0]?.simulateRemoteClose();

    expect(closed(adopt('stranger-16'))).toBe(false);
  });

  // A stranger's connection that never opened emits no 'close' (PeerJS 1.5); its slot must
  // still be freed, or 16 half-open offers would lock every new contact request out.
  it('frees the slot of a stranger whose connection never opened', () => {
    const { adopt } = setup();
    const strangers = Array.from({ length: 16 }, (_, i) => adopt(`stranger-${i}`));

    vi.advanceTimersByTime(60_000);
    expect(strangers.every(closed)).toBe(true);

    expect(closed(adopt('stranger-16'))).toBe(false);
  });
});

describe('ContactLinks: both sides connect at once', () => {
  it('with the smaller ID, keeps its own attempt and closes the incoming connection', () => {
    const { links, latest, adopt, onOpen } = setup(SMALLER);
    links.setWanted([LARGER]);

    const theirs = adopt(LARGER);
    latest(LARGER).simulateOpen();

    expect(closed(theirs)).toBe(true);
    expect(closed(latest(LARGER))).toBe(false);
    expect(onOpen).toHaveBeenCalledExactlyOnceWith(LARGER);
  });

  it('with the smaller ID, keeps its own open link and closes the incoming connection', () => {
    const { links, latest, adopt, onClose } = setup(SMALLER);
    links.setWanted([LARGER]);
    latest(LARGER).simulateOpen();

    const theirs = adopt(LARGER);

    expect(closed(theirs)).toBe(true);
    expect(links.isOnline(LARGER)).toBe(true);
    expect(onClose).not.toHaveBeenCalled();
  });

  it('with the larger ID, closes its own attempt and keeps the incoming connection', () => {
    const { links, attempts, latest, adopt, onOpen } = setup(LARGER);
    links.setWanted([SMALLER]);
    const mine = latest(SMALLER);

    const theirs = adopt(SMALLER);
    theirs.simulateOpen();

    expect(closed(mine)).toBe(true);
    expect(closed(theirs)).toBe(false);
    expect(links.isOnline(SMALLER)).toBe(true);
    expect(onOpen).toHaveBeenCalledExactlyOnceWith(SMALLER);
    vi.advanceTimersByTime(60_000);
    expect(attempts(SMALLER)).toHaveLength(1);
  });

  it('with the larger ID, replaces its own open link with the incoming one', () => {
    const { links, latest, adopt, onOpen, onClose } = setup(LARGER);
    links.setWanted([SMALLER]);
    const mine = latest(SMALLER);
    mine.simulateOpen();

    const theirs = adopt(SMALLER);
    theirs.simulateOpen();

    expect(closed(mine)).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(SMALLER);
    expect(onOpen).toHaveBeenCalledTimes(2);
    expect(links.isOnline(SMALLER)).toBe(true);
  });

  it.each(['smaller', 'larger'])(
    'both sides keep the connection the smaller ID opened (the %s side adopts first)',
    (first) => {
      const small = setup(SMALLER);
      const large = setup(LARGER);
      small.links.setWanted([LARGER]);
      large.links.setWanted([SMALLER]);
      // Each side's attempt arrives at the other as an incoming connection: two channels.
      const fromSmall = { caller: small.latest(LARGER), callee: new FakeDataConnection(SMALLER) };
      const fromLarge = { caller: large.latest(SMALLER), callee: new FakeDataConnection(LARGER) };
      const deliver = {
        smaller: () => small.links.adopt(fromLarge.callee as unknown as DataConnection),
        larger: () => large.links.adopt(fromSmall.callee as unknown as DataConnection),
      };

      if (first === 'smaller') deliver.smaller();
      deliver.larger();
      if (first === 'larger') deliver.smaller();

      const survives = (channel: { caller: FakeDataConnection; callee: FakeDataConnection }) =>
        !closed(channel.caller) && !closed(channel.callee);
      expect(survives(fromSmall)).toBe(true);
      expect(survives(fromLarge)).toBe(false);

      fromSmall.caller.simulateOpen();
      fromSmall.callee.simulateOpen();
      expect(small.links.isOnline(LARGER)).toBe(true);
      expect(large.links.isOnline(SMALLER)).toBe(true);
      expect(small.onOpen).toHaveBeenCalledExactlyOnceWith(LARGER);
      expect(large.onOpen).toHaveBeenCalledExactlyOnceWith(SMALLER);
    },
  );
});

describe('ContactLinks: sending and receiving', () => {
  it('hands a frame over only while the link is open', () => {
    const { links, latest } = setup();
    expect(links.send(BOB, 'before any link')).toBe(false);

    links.setWanted([BOB]);
    const connection = latest(BOB);
    expect(links.send(BOB, 'while connecting')).toBe(false);

    connection.simulateOpen();
    expect(links.send(BOB, 'hello')).toBe(true);

    connection.simulateRemoteClose();
    expect(links.send(BOB, 'after close')).toBe(false);
    expect(connection.sent).toEqual(['hello']);
  });

  it('closes a link whose connection throws on send, and answers false', () => {
    const { links, latest, onClose } = setup();
    links.setWanted([BOB]);
    const connection = latest(BOB);
    connection.simulateOpen();
    vi.spyOn(connection, 'send').mockImplementation(() => {
      throw new Error('channel closed');
    });

    expect(links.send(BOB, 'hello')).toBe(false);
    expect(closed(connection)).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(BOB);
  });

  it('delivers data only from the current, open connection', () => {
    const { links, latest, adopt, onData } = setup(LARGER);
    links.setWanted([SMALLER]);
    const mine = latest(SMALLER);
    mine.simulateData('before open');
    mine.simulateOpen();
    mine.simulateData('first');

    const theirs = adopt(SMALLER);
    mine.simulateData('from the replaced connection');
    theirs.simulateData('before their open');
    theirs.simulateOpen();
    theirs.simulateData('second');

    expect(onData.mock.calls).toEqual([
      [SMALLER, 'first'],
      [SMALLER, 'second'],
    ]);
  });
});

describe('ContactLinks: a peer that vanishes without closing', () => {
  function openWithIce() {
    const harness = setup();
    harness.links.setWanted([BOB]);
    const connection = harness.latest(BOB);
    const ice = Object.assign(new EventTarget(), { iceConnectionState: 'connected' });
    connection.peerConnection = ice as unknown as RTCPeerConnection;
    connection.simulateOpen();
    const iceState = (state: string) => {
      ice.iceConnectionState = state;
      ice.dispatchEvent(new Event('iceconnectionstatechange'));
    };
    return { ...harness, connection, iceState };
  }

  it('closes the link when ICE fails', () => {
    const { connection, iceState, onClose } = openWithIce();

    iceState('failed');

    expect(closed(connection)).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(BOB);
  });

  it('closes the link after 3 s of ICE disconnected', () => {
    const { connection, iceState } = openWithIce();

    iceState('disconnected');
    vi.advanceTimersByTime(2_999);
    expect(closed(connection)).toBe(false);
    vi.advanceTimersByTime(1);

    expect(closed(connection)).toBe(true);
  });

  it('keeps the link when ICE recovers within 3 s', () => {
    const { links, connection, iceState } = openWithIce();

    iceState('disconnected');
    vi.advanceTimersByTime(2_000);
    iceState('connected');
    vi.advanceTimersByTime(10_000);

    expect(closed(connection)).toBe(false);
    expect(links.isOnline(BOB)).toBe(true);
  });
});

/** Every connection `peer` makes from now on negotiates over `pc` (a stand-in). */
function givePeerConnection(peer: FakePeer, pc: EventTarget): void {
  const connect = peer.connect.bind(peer);
  peer.connect = (target, options) => {
    const connection = connect(target, options);
    connection.peerConnection = pc as unknown as RTCPeerConnection;
    return connection;
  };
}

describe('ContactLinks: the identity handshake gates every link', () => {
  it('a connection that opens is not a link until its handshake passes', () => {
    const handshakes = new ScriptedHandshakes();
    const { links, latest, onOpen, onData } = setup(OWN, handshakes.start);
    links.setWanted([BOB]);
    const connection = latest(BOB);

    connection.simulateOpen();
    connection.simulateData('identity frame');
    connection.simulateData('after 1');
    connection.simulateData('after 2');

    expect(links.isOnline(BOB)).toBe(false);
    expect(onOpen).not.toHaveBeenCalled();
    expect(onData).not.toHaveBeenCalled();
    expect(links.send(BOB, 'hello')).toBe(false);
    expect(links.openChannel(BOB, 64)).toBeNull();
    expect(handshakes.latest(BOB).received).toEqual(['identity frame']);

    handshakes.latest(BOB).decide({ ok: true });

    expect(links.isOnline(BOB)).toBe(true);
    expect(onOpen).toHaveBeenCalledWith(BOB);
    // What came after their identity frame is delivered, in order, once it passed.
    expect(onData.mock.calls).toEqual([
      [BOB, 'after 1'],
      [BOB, 'after 2'],
    ]);
  });

  it('a failed handshake closes the connection, drops what it held and reports it', () => {
    const handshakes = new ScriptedHandshakes();
    const { links, latest, onOpen, onData, onRefused } = setup(OWN, handshakes.start);
    links.setWanted([BOB]);
    const connection = latest(BOB);
    connection.simulateOpen();
    connection.simulateData('identity frame');
    connection.simulateData('chat');

    const outcome = { ok: false, reason: 'bad-signature', detail: 'no match' } as const;
    handshakes.latest(BOB).decide(outcome);

    expect(closed(connection)).toBe(true);
    expect(onRefused).toHaveBeenCalledWith(BOB, outcome);
    expect(onOpen).not.toHaveBeenCalled();
    expect(onData).not.toHaveBeenCalled();
    expect(links.isOnline(BOB)).toBe(false);
  });

  it('retries a wanted contact after a failed handshake, with back-off', () => {
    const handshakes = new ScriptedHandshakes();
    const { links, attempts, latest } = setup(OWN, handshakes.start);
    links.setWanted([BOB]);
    latest(BOB).simulateOpen();
    handshakes.latest(BOB).decide({ ok: false, reason: 'key-changed', detail: 'other key' });
    expect(attempts(BOB)).toHaveLength(1);

    vi.advanceTimersByTime(1_000);

    expect(attempts(BOB)).toHaveLength(2);
  });

  it('cuts off a peer that floods frames while its handshake is being decided', () => {
    const handshakes = new ScriptedHandshakes();
    const { links, latest, onData } = setup(OWN, handshakes.start);
    links.setWanted([BOB]);
    const connection = latest(BOB);
    connection.simulateOpen();
    for (let i = 0; i <= 257; i += 1) connection.simulateData(`frame ${i}`);

    expect(closed(connection)).toBe(true);
    handshakes.latest(BOB).decide({ ok: true });
    expect(links.isOnline(BOB)).toBe(false);
    expect(onData).not.toHaveBeenCalled();
  });

  it('a connection that closes mid-handshake cancels it, and a late outcome changes nothing', () => {
    const handshakes = new ScriptedHandshakes();
    const { links, latest, onOpen } = setup(OWN, handshakes.start);
    links.setWanted([BOB]);
    const connection = latest(BOB);
    connection.simulateOpen();

    connection.simulateError('connection-closed');
    handshakes.latest(BOB).decide({ ok: true });

    expect(handshakes.latest(BOB).cancelled).toBe(true);
    expect(onOpen).not.toHaveBeenCalled();
    expect(links.isOnline(BOB)).toBe(false);
  });

  it('reports DTLS failing before the channel opens: the SDP fingerprint was not the certificate', () => {
    const handshakes = new ScriptedHandshakes();
    const { links, peer, onRefused } = setup(OWN, handshakes.start);
    const pc = Object.assign(new EventTarget(), {
      connectionState: 'connecting',
      sctp: { transport: { state: 'connecting' } },
    });
    givePeerConnection(peer, pc);
    links.setWanted([BOB]);

    pc.connectionState = 'failed';
    pc.sctp.transport.state = 'failed';
    pc.dispatchEvent(new Event('connectionstatechange'));

    expect(onRefused).toHaveBeenCalledWith(BOB, expect.objectContaining({ reason: 'dtls-failed' }));
    expect(closed(peer.outgoing[0]!)).toBe(true);
  });

  it('does not call an ICE failure (DTLS never started) an attack', () => {
    const { links, peer, onRefused } = setup(OWN, new ScriptedHandshakes().start);
    const pc = Object.assign(new EventTarget(), {
      connectionState: 'failed',
      sctp: { transport: { state: 'new' } },
    });
    givePeerConnection(peer, pc);
    links.setWanted([BOB]);

    pc.dispatchEvent(new Event('connectionstatechange'));

    expect(onRefused).not.toHaveBeenCalled();
  });
});

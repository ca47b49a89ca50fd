import {
  fakeNegotiated,
  HandshakePartner,
  randomFingerprint,
} from '../identity/testing/handshake-partner.ts';
import { handshakeTranscript } from '../identity/handshake-transcript.ts';
import {
  createIdentityKeys,
  verifySignature,
  type IdentityKeys,
} from '../identity/identity-keys.ts';
import { safetyNumber, verificationCode } from '../identity/safety-number.ts';
import type { Peer } from 'peerjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostState } from '../protocol/host-state.ts';
import type { Settings } from '../settings/settings.ts';
import { ChatStore } from '../chat/chat-store.ts';
import type { HostPlatform } from '../platform/host-platform.ts';
import { DEFAULT_PREFERENCES, PeerHost } from './peer-host.ts';
import type { PeerIdentity } from './peer-identity.ts';
import { FakePeer, type FakeDataConnection } from './testing/fake-peer.ts';
import { idleTransferPorts } from '../transfer/testing/idle-transfer-ports.ts';
import { CallStore } from '../call/call-store.ts';
import { TransferStore } from '../transfer/transfer-store.ts';

const identity: PeerIdentity = {
  peerId: 'abcd-efgh-jkmn-pqrs',
  token: 'feedfacefeedfacefeedfacefeedface',
};
const settings: Settings = {
  server: { host: 'peer.example.org', port: 443, path: '/', secure: true, key: 'peerjs' },
  iceServers: [],
};
const otherServer: Settings = {
  server: { host: '[2001:db8::5]', port: 9000, path: '/parley', secure: false, key: 'parley' },
  iceServers: [{ url: 'stun:stun.example.org', username: 'dropped', credential: 'dropped' }],
};

let peers: FakePeer[];
let saveSettings: ReturnType<typeof vi.fn<(settings: Settings) => Promise<void>>>;
let published: HostState[];
let host: PeerHost;
let chatStore: ChatStore;
let transferStore: TransferStore;
let callStore: CallStore;
let platformRequests: Parameters<HostPlatform['request']>[0][];
let databaseCount = 0;
let keys: IdentityKeys;

const lastPeer = (): FakePeer => {
  const peer = peers.at(-1);
  if (!peer) throw new Error('no peer was created');
  return peer;
};

beforeEach(async () => {
  for (const level of ['info', 'warn'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  peers = [];
  published = [];
  platformRequests = [];
  saveSettings = vi.fn(() => Promise.resolve());
  databaseCount += 1;
  chatStore = await ChatStore.open(`peer-host-test-${databaseCount}`);
  transferStore = await TransferStore.open(`peer-host-transfers-test-${databaseCount}`);
  callStore = await CallStore.open(`peer-host-calls-test-${databaseCount}`);
  host = new PeerHost({
    identity,
    identityKeys: (keys = await createIdentityKeys()),
    settings,
    preferences: DEFAULT_PREFERENCES,
    chatStore,
    callStore,
    platform: { request: (operation) => platformRequests.push(operation) },
    savePreferences: () => Promise.resolve(),
    createPeer: (id, options) => {
      const peer = new FakePeer(id, options);
      peers.push(peer);
      return peer as unknown as Peer;
    },
    saveSettings,
    transfers: idleTransferPorts(transferStore),
  });
  host.onState((state) => published.push(state));
  await host.start();
});

afterEach(() => {
  host.stop();
  chatStore.close();
  transferStore.close();
  callStore.close();
  vi.restoreAllMocks();
});

describe('PeerHost', () => {
  it('getState tells the views the peer ID, the identity key, the connection and the settings', async () => {
    expect(await host.handlers.getState(undefined)).toEqual({
      peerId: identity.peerId,
      identityKey: keys.publicKey,
      verificationCode: `parley-verify:1:${identity.peerId}:${keys.publicKey}`,
      connection: { phase: 'connecting', server: 'wss://peer.example.org:443/' },
      settings,
      preferences: DEFAULT_PREFERENCES,
      contacts: [],
      unreadTotal: 0,
      transfers: [],
      calls: [],
    });
    lastPeer().emit('open', identity.peerId);
    expect((await host.handlers.getState(undefined)).connection.phase).toBe('online');
    expect(published.at(-1)?.connection.phase).toBe('online');
  });

  it('refuses invalid settings field by field, and changes nothing', async () => {
    lastPeer().emit('open', identity.peerId);
    await Promise.resolve(); // states are pushed once per turn of the event loop
    const before = published.length;

    const result = await host.handlers.saveSettings({
      ...settings,
      server: { ...settings.server, host: 'https://x.org', port: 0 },
    });

    expect(result).toEqual({
      saved: false,
      errors: { 'server-host': expect.any(String), 'server-port': expect.any(String) },
    });
    expect(saveSettings).not.toHaveBeenCalled();
    expect(peers).toHaveLength(1);
    expect(lastPeer().calls).toEqual([]);
    expect(published).toHaveLength(before);
    expect(host.state.settings).toEqual(settings);
  });

  it('stores valid settings, tells the views and reconnects with the same ID and token', async () => {
    const first = lastPeer();
    first.emit('open', identity.peerId);
    const normalized: Settings = {
      server: { ...otherServer.server, host: '2001:db8::5' },
      iceServers: [{ url: 'stun:stun.example.org', username: '', credential: '' }],
    };

    expect(await host.handlers.saveSettings(otherServer)).toEqual({ saved: true });

    expect(saveSettings).toHaveBeenCalledExactlyOnceWith(normalized);
    expect(published.at(-1)).toMatchObject({
      peerId: identity.peerId,
      connection: { phase: 'connecting', server: 'ws://[2001:db8::5]:9000/parley' },
      settings: normalized,
    });
    expect(first.calls).toContain('destroy');
    expect(peers).toHaveLength(2);
    expect(lastPeer().id).toBe(identity.peerId);
    expect(lastPeer().options).toMatchObject({
      host: '2001:db8::5',
      port: 9000,
      token: identity.token,
    });
  });

  it('keeps the old settings and connection when storing the new ones fails', async () => {
    saveSettings.mockRejectedValue(new Error('QuotaExceededError'));
    await expect(host.handlers.saveSettings(otherServer)).rejects.toThrow('QuotaExceededError');
    expect(host.state.settings).toEqual(settings);
    expect(peers).toHaveLength(1);
    expect(lastPeer().calls).toEqual([]);
  });

  it.each(['', 'not valid!', '-abc', 'x'.repeat(65), 42])(
    'checkPeer answers an error for the invalid ID %j',
    async (peerId) => {
      lastPeer().emit('open', identity.peerId);
      const presence = await host.handlers.checkPeer({ peerId: peerId as string });
      expect(presence).toEqual({
        presence: 'error',
        message: expect.stringMatching(/not a valid/),
      });
      expect(lastPeer().outgoing).toEqual([]);
    },
  );

  it('checkPeer answers an error for your own ID, however it is spaced', async () => {
    lastPeer().emit('open', identity.peerId);
    expect(await host.handlers.checkPeer({ peerId: ` ${identity.peerId}\n` })).toEqual({
      presence: 'error',
      message: expect.stringMatching(/your own/),
    });
  });

  it('checkPeer answers an error while the host is offline', async () => {
    expect(await host.handlers.checkPeer({ peerId: 'zzzz-zzzz' })).toEqual({
      presence: 'error',
      message: expect.stringMatching(/offline/),
    });
    expect(lastPeer().outgoing).toEqual([]);
  });

  it('checkPeer finds a peer online when a probe connection opens, then closes it', async () => {
    const peer = lastPeer();
    peer.emit('open', identity.peerId);
    const answer = host.handlers.checkPeer({ peerId: ' wxyz-2345 ' });
    const probe = peer.outgoing[0];
    expect(probe?.peer).toBe('wxyz-2345');

    probe?.emit('open');
    expect(await answer).toEqual({ presence: 'online' });
    expect(probe?.calls).toContain('close');
  });

  it('checkPeer finds a peer offline when the server reports it unavailable', async () => {
    const peer = lastPeer();
    peer.emit('open', identity.peerId);
    const answer = host.handlers.checkPeer({ peerId: 'wxyz-2345' });

    peer.emit('error', {
      type: 'peer-unavailable',
      message: 'Could not connect to peer wxyz-2345',
    });
    expect(await answer).toEqual({ presence: 'offline' });
    expect(host.state.connection.phase).toBe('online');
  });
});

describe('PeerHost: unchanged settings', () => {
  it('saving the settings in force keeps the connection as it is', async () => {
    lastPeer().emit('open', identity.peerId);
    const created = peers.length;

    expect(await host.handlers.saveSettings(structuredClone(settings))).toEqual({ saved: true });

    expect(peers).toHaveLength(created);
    expect(lastPeer().calls).not.toContain('destroy');
    expect(host.state.connection.phase).toBe('online');
  });
});

/** Opens a test connection and completes the far end's half of the identity handshake. */
async function handshake(connection: FakeDataConnection, partner: HandshakePartner): Promise<void> {
  const ours = randomFingerprint();
  const theirs = randomFingerprint();
  connection.peerConnection = fakeNegotiated(ours, theirs);
  connection.simulateOpen();
  connection.simulateData(await partner.identityFrame(identity.peerId, theirs, ours));
}

describe('PeerHost: calls', () => {
  const BOB = 'bcde-fghj-kmnp-qrst';
  let bob: HandshakePartner;

  beforeEach(async () => {
    bob = await HandshakePartner.create(BOB);
  });

  /** Bob becomes an accepted contact over an open link; returns that link. */
  async function acceptedBob(): Promise<FakeDataConnection> {
    const peer = lastPeer();
    peer.emit('open', identity.peerId);
    expect(await host.handlers.addContact({ peerId: BOB, nickname: 'Bob' })).toEqual({ ok: true });
    const link = await vi.waitFor(() => {
      const connection = peer.outgoing.find((candidate) => candidate.peer === BOB);
      if (!connection) throw new Error('no connection to Bob yet');
      return connection;
    });
    await handshake(link, bob);
    link.simulateData(JSON.stringify({ v: 1, type: 'contact-accept', name: 'Bob' }));
    await vi.waitFor(() =>
      expect(host.state.contacts.find((contact) => contact.peerId === BOB)?.status).toBe(
        'accepted',
      ),
    );
    return link;
  }

  it('refuses to call an offline contact with a sentence naming them', async () => {
    const link = await acceptedBob();
    link.simulateRemoteClose();
    expect(await host.handlers.startCall({ peerId: BOB, video: true })).toEqual({
      ok: false,
      error: 'Bob is offline.',
    });
  });

  it('rings: invites over the link and opens the call page', async () => {
    const link = await acceptedBob();
    const result = await host.handlers.startCall({ peerId: BOB, video: true });
    if (!result.ok) throw new Error(result.error);
    expect(link.sent.map((frame) => JSON.parse(String(frame)) as { type: string })).toContainEqual({
      v: 1,
      type: 'call-invite',
      id: result.callId,
      video: true,
    });
    expect(platformRequests).toContainEqual({ op: 'open-call', callId: result.callId });
    expect(host.state.calls).toEqual([
      expect.objectContaining({ callId: result.callId, state: 'ringing', direction: 'out' }),
    ]);
  });

  it('an incoming call: a notification with buttons and a ringing badge, gone once declined', async () => {
    const link = await acceptedBob();
    const callId = crypto.randomUUID();
    link.simulateData(JSON.stringify({ v: 1, type: 'call-invite', id: callId, video: false }));
    const notificationId = `parley:call:${callId}:${BOB}`;
    await vi.waitFor(() =>
      expect(platformRequests).toContainEqual({
        op: 'notify',
        id: notificationId,
        title: 'Bob',
        message: 'Audio call',
        buttons: ['Accept', 'Decline'],
        requireInteraction: true,
      }),
    );
    await vi.waitFor(() =>
      expect(platformRequests).toContainEqual({ op: 'badge', count: 0, ringing: true }),
    );

    expect(await host.handlers.answerCall({ callId, accept: false })).toEqual({ ok: true });
    await vi.waitFor(() =>
      expect(platformRequests).toContainEqual({ op: 'clear-notification', id: notificationId }),
    );
    await vi.waitFor(() =>
      expect(platformRequests.at(-1)).toEqual({ op: 'badge', count: 0, ringing: false }),
    );
    expect(host.state.calls[0]).toMatchObject({ state: 'ended', endReason: 'declined' });
  });
});

describe('PeerHost: identity', () => {
  const BOB = 'bcde-fghj-kmnp-qrst';
  let bob: HandshakePartner;

  beforeEach(async () => {
    bob = await HandshakePartner.create(BOB);
    lastPeer().emit('open', identity.peerId);
    expect(await host.handlers.addContact({ peerId: BOB, nickname: 'Bob' })).toEqual({ ok: true });
  });

  const bobSummary = () => host.state.contacts.find((contact) => contact.peerId === BOB);
  const connectionsToBob = () => lastPeer().outgoing.filter((candidate) => candidate.peer === BOB);
  const latestToBob = () =>
    vi.waitFor(() => {
      const connection = connectionsToBob().at(-1);
      if (!connection) throw new Error('no connection to Bob yet');
      return connection;
    });
  const framesOn = (connection: FakeDataConnection) =>
    connection.sent.map((frame) => JSON.parse(String(frame)) as { type: string; key?: string });

  it('proves itself first on every link, and pins the key Bob proves (trust on first use)', async () => {
    const link = await latestToBob();
    const ours = randomFingerprint();
    const theirs = randomFingerprint();
    link.peerConnection = fakeNegotiated(ours, theirs);
    link.simulateOpen();
    await vi.waitFor(() => expect(link.sent).toHaveLength(1));
    const [first] = framesOn(link);
    expect(first).toMatchObject({ type: 'identity', key: keys.publicKey });
    // Bob checks it exactly as the protocol says, from his side of the connection.
    const { signature } = JSON.parse(String(link.sent[0])) as { signature: string };
    const transcript = handshakeTranscript(
      { peerId: identity.peerId, publicKey: keys.publicKey, fingerprints: ours },
      { peerId: BOB, fingerprints: theirs },
    );
    expect(await verifySignature(keys.publicKey, transcript, signature)).toBe(true);

    link.simulateData(await bob.identityFrame(identity.peerId, theirs, ours));

    await vi.waitFor(() => expect(bobSummary()?.online).toBe(true));
    expect(bobSummary()).toMatchObject({ publicKey: bob.keys.publicKey, alarm: null });
    // Only now does the contact request follow the identity frame.
    expect(framesOn(link).map((frame) => frame.type)).toEqual(['identity', 'contact-request']);
    const expected = await safetyNumber(
      { peerId: identity.peerId, publicKey: keys.publicKey },
      { peerId: BOB, publicKey: bob.keys.publicKey },
    );
    await vi.waitFor(() => expect(bobSummary()?.safetyNumber).toBe(expected));
  });

  it('a different key later: a loud alarm, the link closed, nothing sent until it is accepted', async () => {
    await handshake(await latestToBob(), bob);
    await vi.waitFor(() => expect(bobSummary()?.publicKey).toBe(bob.keys.publicKey));
    (await latestToBob()).simulateData(
      JSON.stringify({ v: 1, type: 'contact-accept', name: 'Bob' }),
    );
    await vi.waitFor(() => expect(bobSummary()?.status).toBe('accepted'));
    (await latestToBob()).simulateRemoteClose();
    const mallory = await HandshakePartner.create(BOB);
    expect(await host.handlers.sendMessage({ peerId: BOB, text: 'for Bob only' })).toMatchObject({
      ok: true,
    });

    const hijacked = await vi.waitFor(
      () => {
        const connection = connectionsToBob().at(-1);
        if (!connection || connection.open || connection === connectionsToBob()[0])
          throw new Error('no new attempt yet');
        return connection;
      },
      { timeout: 5_000 },
    );
    await handshake(hijacked, mallory);

    await vi.waitFor(() =>
      expect(bobSummary()?.alarm).toEqual({ kind: 'key-changed', newKey: mallory.keys.publicKey }),
    );
    expect(hijacked.calls).toContain('close');
    expect(framesOn(hijacked).map((frame) => frame.type)).toEqual(['identity']);
    expect(bobSummary()).toMatchObject({ online: false, publicKey: bob.keys.publicKey });

    expect(await host.handlers.acceptContactKey({ peerId: BOB })).toEqual({ ok: true });
    expect(bobSummary()).toMatchObject({
      publicKey: mallory.keys.publicKey,
      pendingKey: null,
      verified: false,
      alarm: null,
    });
    expect(await host.handlers.acceptContactKey({ peerId: BOB })).toEqual({
      ok: false,
      error: 'There is no new key to accept.',
    });
  });

  it('a signature for another connection: the handshake-failed alarm, until one verifies', async () => {
    const link = await latestToBob();
    const ours = randomFingerprint();
    const theirs = randomFingerprint();
    link.peerConnection = fakeNegotiated(ours, theirs);
    link.simulateOpen();
    // Signed over the fingerprints of the leg a relay in the middle has with Bob.
    link.simulateData(await bob.identityFrame(identity.peerId, randomFingerprint(), ours));

    await vi.waitFor(() => expect(bobSummary()?.alarm).toMatchObject({ kind: 'handshake-failed' }));
    expect(link.calls).toContain('close');
    expect(framesOn(link).map((frame) => frame.type)).toEqual(['identity']);
    expect(bobSummary()).toMatchObject({ online: false, publicKey: null });
  });

  it('verifies Bob by his code only if it holds the key he proved', async () => {
    expect(
      await host.handlers.verifyContactCode({
        peerId: BOB,
        code: verificationCode(BOB, bob.keys.publicKey),
      }),
    ).toEqual({ ok: false, error: 'No key yet: connect to them once first.' });
    await handshake(await latestToBob(), bob);
    await vi.waitFor(() => expect(bobSummary()?.publicKey).toBe(bob.keys.publicKey));

    const impostor = await HandshakePartner.create(BOB);
    const refused = await host.handlers.verifyContactCode({
      peerId: BOB,
      code: verificationCode(BOB, impostor.keys.publicKey),
    });
    expect(refused).toMatchObject({ ok: false });
    expect(bobSummary()?.verified).toBe(false);
    expect(await host.handlers.verifyContactCode({ peerId: BOB, code: 'hello' })).toEqual({
      ok: false,
      error: 'That is not a Parley verification code.',
    });

    expect(
      await host.handlers.verifyContactCode({
        peerId: BOB,
        code: verificationCode(BOB, bob.keys.publicKey),
      }),
    ).toEqual({ ok: true });
    expect(bobSummary()?.verified).toBe(true);
    expect(await host.handlers.setContactVerified({ peerId: BOB, verified: false })).toEqual({
      ok: true,
    });
    expect(bobSummary()?.verified).toBe(false);
  });
});

import fc from 'fast-check';
import type { DataConnection } from 'peerjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HandshakeOutcome } from './handshake-outcome.ts';
import { identityHandshake, type JudgeKey } from './identity-handshake.ts';
import { createIdentityKeys, type IdentityKeys } from './identity-keys.ts';
import {
  fakeNegotiated,
  HandshakePartner,
  randomFingerprint,
} from './testing/handshake-partner.ts';

const ALICE = 'alic-e234-5678-9abc';
const BOB = 'bobb-2345-6789-abcd';

/** One end of a connection: what it sent, and the descriptions it negotiated. */
function end(local: string, remote: string) {
  const sent: string[] = [];
  const connection = {
    peerConnection: fakeNegotiated(local, remote),
    send: (data: string) => sent.push(data),
  } as unknown as DataConnection;
  return { connection, sent };
}

/**
 * Starts a handshake for `ownId` on `connection` and returns its outcome; as the side that
 * dialled the connection unless `dialled` is false.
 */
function start(
  ownId: string,
  keys: IdentityKeys,
  peerId: string,
  connection: DataConnection,
  {
    judge = () => Promise.resolve('trusted'),
    dialled = true,
  }: { judge?: JudgeKey; dialled?: boolean } = {},
) {
  let resolve!: (outcome: HandshakeOutcome) => void;
  const outcome = new Promise<HandshakeOutcome>((done) => (resolve = done));
  const handshake = identityHandshake({ ownId, keys, judge, timeoutMs: 10_000 })(
    peerId,
    connection,
    dialled,
    resolve,
  );
  return { handshake, outcome };
}

let aliceKeys: IdentityKeys;
let bobKeys: IdentityKeys;

beforeEach(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  [aliceKeys, bobKeys] = await Promise.all([createIdentityKeys(), createIdentityKeys()]);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('identityHandshake', () => {
  it('two honest ends over one connection both pass, and each is judged by the key it holds', async () => {
    const alicePrint = randomFingerprint();
    const bobPrint = randomFingerprint();
    const aliceEnd = end(alicePrint, bobPrint);
    const bobEnd = end(bobPrint, alicePrint);
    const judged: string[] = [];
    const judge: JudgeKey = (peerId, key) => {
      judged.push(`${peerId}=${key === aliceKeys.publicKey ? 'alice' : 'bob'}`);
      return Promise.resolve('trusted');
    };
    const alice = start(ALICE, aliceKeys, BOB, aliceEnd.connection, { judge });
    const bob = start(BOB, bobKeys, ALICE, bobEnd.connection, { judge, dialled: false });
    // Alice dialled: she speaks first. Bob, dialled, waits to hear her (see the module).
    await vi.waitFor(() => expect(aliceEnd.sent).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bobEnd.sent, 'what Bob sent before hearing Alice').toEqual([]);

    expect(bob.handshake.receive(aliceEnd.sent[0])).toBe(true);
    await vi.waitFor(() => expect(bobEnd.sent).toHaveLength(1));
    expect(alice.handshake.receive(bobEnd.sent[0])).toBe(true);

    expect(await alice.outcome).toEqual({ ok: true });
    expect(await bob.outcome).toEqual({ ok: true });
    expect(judged.sort()).toEqual([`${ALICE}=alice`, `${BOB}=bob`]);
    // The handshake takes only the first frame; the link holds the rest.
    expect(alice.handshake.receive('later')).toBe(false);
  });

  it('a relay in the middle fails on both sides: each leg has other certificates', async () => {
    const [aliceLeg, bobLeg] = [
      { alice: randomFingerprint(), relay: randomFingerprint() },
      { bob: randomFingerprint(), relay: randomFingerprint() },
    ];
    const aliceEnd = end(aliceLeg.alice, aliceLeg.relay);
    const bobEnd = end(bobLeg.bob, bobLeg.relay);
    const alice = start(ALICE, aliceKeys, BOB, aliceEnd.connection);
    const bob = start(BOB, bobKeys, ALICE, bobEnd.connection, { dialled: false });
    await vi.waitFor(() => expect(aliceEnd.sent).toHaveLength(1));

    // The relay passes each identity frame on, untouched.
    bob.handshake.receive(aliceEnd.sent[0]);
    await vi.waitFor(() => expect(bobEnd.sent).toHaveLength(1));
    alice.handshake.receive(bobEnd.sent[0]);

    expect(await alice.outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await bob.outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a key someone claims without holding it, and a signature reflected back', async () => {
    const ours = randomFingerprint();
    const theirs = randomFingerprint();
    const mallory = await HandshakePartner.create(BOB);

    const claimed = start(ALICE, aliceKeys, BOB, end(ours, theirs).connection);
    claimed.handshake.receive(await mallory.identityFrame(ALICE, theirs, ours, bobKeys.publicKey));
    expect(await claimed.outcome).toMatchObject({ reason: 'bad-signature' });

    const aliceEnd = end(ours, theirs);
    const reflected = start(ALICE, aliceKeys, BOB, aliceEnd.connection);
    await vi.waitFor(() => expect(aliceEnd.sent).toHaveLength(1));
    reflected.handshake.receive(aliceEnd.sent[0]);
    expect(await reflected.outcome).toMatchObject({ reason: 'bad-signature' });
  });

  it('says key-changed when the judge does not trust the proven key', async () => {
    const ours = randomFingerprint();
    const theirs = randomFingerprint();
    const bob = await HandshakePartner.create(BOB);
    const { handshake, outcome } = start(ALICE, aliceKeys, BOB, end(ours, theirs).connection, {
      judge: () => Promise.resolve('changed'),
    });
    handshake.receive(await bob.identityFrame(ALICE, theirs, ours));
    expect(await outcome).toMatchObject({ ok: false, reason: 'key-changed' });
  });

  it('fails when the first frame is anything but an identity frame', async () => {
    const { handshake, outcome } = start(
      ALICE,
      aliceKeys,
      BOB,
      end(randomFingerprint(), randomFingerprint()).connection,
    );
    handshake.receive(JSON.stringify({ v: 1, type: 'contact-request', name: 'Bob' }));
    expect(await outcome).toMatchObject({ ok: false, reason: 'no-identity' });
  });

  it('fails, sending nothing, on a connection whose SDP names no certificate', async () => {
    const sent: string[] = [];
    const connection = {
      peerConnection: {
        localDescription: { sdp: 'v=0\r\n' },
        remoteDescription: { sdp: 'v=0\r\n' },
      },
      send: (data: string) => sent.push(data),
    } as unknown as DataConnection;
    const { outcome } = start(ALICE, aliceKeys, BOB, connection);
    expect(await outcome).toMatchObject({ ok: false, reason: 'no-fingerprint' });
    expect(sent).toEqual([]);
  });

  it("waits for the answer's description when the channel opened before it was set", async () => {
    const ours = randomFingerprint();
    const theirs = randomFingerprint();
    const negotiated = fakeNegotiated(ours, theirs);
    const pc = Object.assign(new EventTarget(), {
      signalingState: 'have-local-offer',
      localDescription: negotiated.localDescription,
      remoteDescription: null as RTCSessionDescription | null,
    });
    const sent: string[] = [];
    const connection = {
      peerConnection: pc,
      send: (data: string) => sent.push(data),
    } as unknown as DataConnection;
    const bob = await HandshakePartner.create(BOB);
    const { handshake, outcome } = start(ALICE, aliceKeys, BOB, connection);
    handshake.receive(await bob.identityFrame(ALICE, theirs, ours));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([]);

    pc.remoteDescription = negotiated.remoteDescription;
    pc.signalingState = 'stable';
    pc.dispatchEvent(new Event('signalingstatechange'));

    expect(await outcome).toEqual({ ok: true });
    expect(sent).toHaveLength(1);
  });

  it('as the dialled side, sends its frame only once the dialler has spoken, and then passes', async () => {
    const ours = randomFingerprint();
    const theirs = randomFingerprint();
    const bobEnd = end(ours, theirs);
    const alice = await HandshakePartner.create(ALICE);
    const bob = start(BOB, bobKeys, ALICE, bobEnd.connection, { dialled: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bobEnd.sent, 'sent before the dialler spoke').toEqual([]);

    bob.handshake.receive(await alice.identityFrame(BOB, theirs, ours));
    expect(await bob.outcome).toEqual({ ok: true });
    expect(bobEnd.sent).toHaveLength(1);
    expect(JSON.parse(bobEnd.sent[0]!)).toMatchObject({ type: 'identity', key: bobKeys.publicKey });
  });

  it('as the dialled side, times out sending nothing when the dialler never speaks', async () => {
    vi.useFakeTimers();
    const bobEnd = end(randomFingerprint(), randomFingerprint());
    const { outcome } = start(BOB, bobKeys, ALICE, bobEnd.connection, { dialled: false });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await outcome).toMatchObject({ ok: false, reason: 'timeout' });
    expect(bobEnd.sent).toEqual([]);
  });

  it('gives up after the timeout when no identity frame comes', async () => {
    vi.useFakeTimers();
    const { outcome } = start(
      ALICE,
      aliceKeys,
      BOB,
      end(randomFingerprint(), randomFingerprint()).connection,
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await outcome).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('reports nothing once cancelled', async () => {
    vi.useFakeTimers();
    const done = vi.fn();
    const handshake = identityHandshake({
      ownId: ALICE,
      keys: aliceKeys,
      judge: () => Promise.resolve('trusted'),
      timeoutMs: 10_000,
    })(BOB, end(randomFingerprint(), randomFingerprint()).connection, true, done);
    handshake.cancel();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(done).not.toHaveBeenCalled();
  });

  it('never throws and never passes, whatever the first frame is', async () => {
    const ours = randomFingerprint();
    const theirs = randomFingerprint();
    const bob = await HandshakePartner.create(BOB);
    const honest = JSON.parse(await bob.identityFrame(ALICE, theirs, ours)) as Record<
      string,
      unknown
    >;
    const mutated = fc
      .record({
        key: fc.oneof(fc.constant(honest.key), fc.string(), fc.base64String()),
        signature: fc.oneof(
          fc.string(),
          fc.base64String(),
          fc.stringMatching(/^[A-Za-z0-9_-]{86}$/),
        ),
        extra: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
      })
      .map(({ key, signature, extra }) =>
        JSON.stringify({ v: 1, type: 'identity', key, signature, ...extra }),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutated, fc.string(), fc.jsonValue(), fc.anything()),
        async (frame) => {
          const { handshake, outcome } = start(ALICE, aliceKeys, BOB, end(ours, theirs).connection);
          expect(() => handshake.receive(frame)).not.toThrow();
          expect((await outcome).ok).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});

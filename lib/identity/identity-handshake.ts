import type { DataConnection } from 'peerjs';
import { logger } from '../log.ts';
import { decodeFrame } from '../wire/decode-frame.ts';
import { encodeFrame } from '../wire/encode-frame.ts';
import { dtlsFingerprints } from './dtls-fingerprints.ts';
import type { HandshakeOutcome, LinkHandshake, StartHandshake } from './handshake-outcome.ts';
import { handshakeTranscript } from './handshake-transcript.ts';
import { signWith, verifySignature, type IdentityKeys } from './identity-keys.ts';

/** What the handshake asks of whoever keeps the pinned keys (see ContactKeys). */
export type JudgeKey = (peerId: string, key: string) => Promise<'trusted' | 'changed'>;

export interface IdentityHandshakeOptions {
  ownId: string;
  keys: IdentityKeys;
  judge: JudgeKey;
  timeoutMs: number;
}

/** A peer gets this long after the connection opens to send its identity frame. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * An offerer's data channel can open before its setRemoteDescription(answer) has finished
 * (the answerer's DTLS completed first): the fingerprints are waited for this long.
 */
const DESCRIPTIONS_WAIT_MS = 5_000;

/**
 * The identity handshake of docs/protocol.md#identity-handshake, for ContactLinks: sends
 * our signed identity frame, checks theirs against this connection's DTLS fingerprints,
 * and asks `judge` whether the key they proved is the one we trust.
 *
 * The side that dialled sends its frame as soon as the channel opens; the side that was
 * dialled sends its own only once it has heard the dialler's. Chromium can lose a message
 * the dialled side sends the moment its channel opens: the dialler's channel may not take
 * it yet. Two Chromiums on loopback lost 1 such first message in 200, and never a reply to
 * a message received (tests/probes/first-message-at-open.ts).
 */
export function identityHandshake(options: IdentityHandshakeOptions): StartHandshake {
  return (peerId, connection, initiatedByMe, done) =>
    new Handshake(options, peerId, connection, initiatedByMe, done);
}

class Handshake implements LinkHandshake {
  readonly #options: IdentityHandshakeOptions;
  readonly #peerId: string;
  readonly #done: (outcome: HandshakeOutcome) => void;
  readonly #connection: DataConnection;
  readonly #fingerprints: Promise<{ own: string; theirs: string } | null>;
  /** Our frame going out: at once if we dialled, else once theirs has come. */
  #sent: Promise<boolean> | null = null;
  readonly #timer: ReturnType<typeof setTimeout>;
  #received = false;
  #finished = false;

  constructor(
    options: IdentityHandshakeOptions,
    peerId: string,
    connection: DataConnection,
    initiatedByMe: boolean,
    done: (outcome: HandshakeOutcome) => void,
  ) {
    this.#options = options;
    this.#peerId = peerId;
    this.#connection = connection;
    this.#done = done;
    this.#fingerprints = connectionFingerprints(connection, DESCRIPTIONS_WAIT_MS);
    this.#timer = setTimeout(
      () => this.#fail('timeout', `no identity frame within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    if (initiatedByMe) this.#sent = this.#sendOwn();
    void this.#fingerprints.then((fingerprints) => {
      if (!fingerprints) this.#fail('no-fingerprint', 'the SDP names no DTLS certificate');
    });
  }

  receive(data: unknown): boolean {
    if (this.#received) return false;
    this.#received = true;
    this.#sent ??= this.#sendOwn();
    void this.#check(data).then(
      (outcome) => this.#finish(outcome),
      (error: unknown) => this.#fail('bad-signature', `could not be checked: ${String(error)}`),
    );
    return true;
  }

  cancel(): void {
    this.#finished = true;
    clearTimeout(this.#timer);
  }

  async #sendOwn(): Promise<boolean> {
    const fingerprints = await this.#fingerprints;
    if (!fingerprints || this.#finished) return false;
    const { ownId, keys } = this.#options;
    try {
      const transcript = handshakeTranscript(
        { peerId: ownId, publicKey: keys.publicKey, fingerprints: fingerprints.own },
        { peerId: this.#peerId, fingerprints: fingerprints.theirs },
      );
      const signature = await signWith(keys, transcript);
      if (this.#finished) return false;
      this.#connection.send(
        encodeFrame({ v: 1, type: 'identity', key: keys.publicKey, signature }),
      );
      return true;
    } catch (error) {
      this.#fail('send-failed', String(error));
      return false;
    }
  }

  async #check(data: unknown): Promise<HandshakeOutcome> {
    const decoded = decodeFrame(data);
    if (!decoded.ok || decoded.message.type !== 'identity')
      return failure(
        'no-identity',
        decoded.ok ? `the first frame was '${decoded.message.type}'` : decoded.detail,
      );
    const fingerprints = await this.#fingerprints;
    if (!fingerprints) return failure('no-fingerprint', 'the SDP names no DTLS certificate');
    const { key, signature } = decoded.message;
    const transcript = handshakeTranscript(
      { peerId: this.#peerId, publicKey: key, fingerprints: fingerprints.theirs },
      { peerId: this.#options.ownId, fingerprints: fingerprints.own },
    );
    if (!(await verifySignature(key, transcript, signature)))
      return failure('bad-signature', 'the signature does not match this connection');
    if ((await this.#options.judge(this.#peerId, key)) === 'changed')
      return failure('key-changed', 'a key other than the pinned one');
    // Ours must be on the wire before anything else we send once the link is open.
    if (!(await this.#sent)) return failure('send-failed', 'our identity frame was not sent');
    return { ok: true };
  }

  #fail(reason: Exclude<HandshakeOutcome, { ok: true }>['reason'], detail: string): void {
    this.#finish(failure(reason, detail));
  }

  #finish(outcome: HandshakeOutcome): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    if (!outcome.ok)
      logger.warn('identity-handshake-failed', {
        peerId: this.#peerId,
        reason: outcome.reason,
        detail: outcome.detail,
      });
    this.#done(outcome);
  }
}

function failure(
  reason: Exclude<HandshakeOutcome, { ok: true }>['reason'],
  detail: string,
): HandshakeOutcome {
  return { ok: false, reason, detail };
}

/**
 * Both sides' fingerprints, from the descriptions the connection was negotiated with,
 * once both are set (waiting at most `waitMs`); `null` if either names none.
 */
async function connectionFingerprints(
  connection: DataConnection,
  waitMs: number,
): Promise<{ own: string; theirs: string } | null> {
  const pc = connection.peerConnection as RTCPeerConnection | undefined;
  if (!pc) return null;
  const read = () => {
    const own = dtlsFingerprints(pc.localDescription?.sdp ?? '');
    const theirs = dtlsFingerprints(pc.remoteDescription?.sdp ?? '');
    return own && theirs ? { own, theirs } : null;
  };
  const now = read();
  if (now || !pc.addEventListener) return now;
  return new Promise((resolve) => {
    const settle = () => {
      const fingerprints = read();
      if (!fingerprints && pc.signalingState !== 'closed' && !timedOut) return;
      clearTimeout(timer);
      pc.removeEventListener('signalingstatechange', settle);
      resolve(fingerprints);
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      settle();
    }, waitMs);
    pc.addEventListener('signalingstatechange', settle);
  });
}

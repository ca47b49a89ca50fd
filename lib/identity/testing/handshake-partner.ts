import { encodeFrame } from '../../wire/encode-frame.ts';
import { handshakeTranscript } from '../handshake-transcript.ts';
import { createIdentityKeys, signWith, type IdentityKeys } from '../identity-keys.ts';

/** An SDP with just the line the handshake reads. */
export function sdpWithFingerprint(fingerprint: string): string {
  return `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=fingerprint:${fingerprint}\r\n`;
}

/** Random DTLS-looking fingerprints, one per certificate. */
export function randomFingerprint(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `sha-256 ${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

/** The descriptions of one end of a connection, as the handshake reads them. */
export function fakeNegotiated(local: string, remote: string): RTCPeerConnection {
  return {
    localDescription: { type: 'offer', sdp: sdpWithFingerprint(local) },
    remoteDescription: { type: 'answer', sdp: sdpWithFingerprint(remote) },
    addEventListener: () => undefined,
  } as unknown as RTCPeerConnection;
}

/**
 * The far end of a test connection, doing its half of the handshake by hand with a real
 * key: it can sign honestly, for the wrong connection, or with a key it does not hold.
 */
export class HandshakePartner {
  readonly peerId: string;
  readonly keys: IdentityKeys;

  private constructor(peerId: string, keys: IdentityKeys) {
    this.peerId = peerId;
    this.keys = keys;
  }

  static async create(peerId: string): Promise<HandshakePartner> {
    return new HandshakePartner(peerId, await createIdentityKeys());
  }

  /** Its identity frame for a connection where it has `ownFingerprint` and we `theirs`. */
  async identityFrame(
    to: string,
    ownFingerprint: string,
    theirFingerprint: string,
    claimedKey = this.keys.publicKey,
  ): Promise<string> {
    const transcript = handshakeTranscript(
      { peerId: this.peerId, publicKey: claimedKey, fingerprints: ownFingerprint },
      { peerId: to, fingerprints: theirFingerprint },
    );
    const signature = await signWith(this.keys, transcript);
    return encodeFrame({ v: 1, type: 'identity', key: claimedKey, signature });
  }
}

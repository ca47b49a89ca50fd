const encoder = new TextEncoder();

/** One side of a connection, as the handshake transcript names it. */
export interface TranscriptParty {
  peerId: string;
  /** Its DTLS fingerprints on this connection (see dtlsFingerprints). */
  fingerprints: string;
}

/**
 * What each side signs with its identity key, and checks the other's signature over
 * (docs/protocol.md#identity-handshake). Binding both sides' DTLS fingerprints ties the
 * key to this very connection; naming both peers stops a signature being replayed to
 * someone else or reflected back.
 */
export function handshakeTranscript(
  signer: TranscriptParty & { publicKey: string },
  verifier: TranscriptParty,
): Uint8Array<ArrayBuffer> {
  return encoder.encode(
    [
      'parley-identity-v1',
      signer.peerId,
      signer.publicKey,
      signer.fingerprints,
      verifier.peerId,
      verifier.fingerprints,
    ].join('\n'),
  );
}

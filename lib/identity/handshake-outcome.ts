import type { DataConnection } from 'peerjs';

/** Why a connection's identity handshake did not let it become a link. */
export type HandshakeFailure =
  /** No identity frame within the time allowed: a slow or silent peer (not an alarm). */
  | 'timeout'
  /** The first frame was not an identity frame. */
  | 'no-identity'
  /** The signature does not verify for this connection's transcript: someone in the middle. */
  | 'bad-signature'
  /** This connection's SDP declares no DTLS fingerprint to bind the signature to. */
  | 'no-fingerprint'
  /** DTLS failed after ICE connected: the certificate did not match the relayed SDP. */
  | 'dtls-failed'
  /** They proved a key other than the one pinned for them. */
  | 'key-changed'
  /** Our own identity frame could not be signed or sent. */
  | 'send-failed';

export type HandshakeOutcome =
  { ok: true } | { ok: false; reason: HandshakeFailure; detail: string };

/** A handshake under way on one connection (see identityHandshake). */
export interface LinkHandshake {
  /**
   * A frame arrived before the handshake ended. True if the handshake took it (the first
   * frame, which must be theirs); false if the link should hold it until the outcome.
   */
  receive(data: unknown): boolean;
  /** The connection went away: stop, and report nothing. */
  cancel(): void;
}

/**
 * Starts the handshake on a connection that just opened; `done` is called once.
 * `initiatedByMe`: whether this side dialled the connection (it speaks first).
 */
export type StartHandshake = (
  peerId: string,
  connection: DataConnection,
  initiatedByMe: boolean,
  done: (outcome: HandshakeOutcome) => void,
) => LinkHandshake;

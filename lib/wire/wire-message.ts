import type { CallEndReason, CallMedia, CallSignal } from '../call/call-types.ts';

// Peer-to-peer wire protocol, version 1: the types. Schemas live in ./wire-schema.ts,
// decoding in ./decode-frame.ts; the specification is docs/protocol.md#peer--peer-wire-protocol.

export const WIRE_VERSION = 1;

/** A frame longer than this (in UTF-8 bytes) is rejected before it is parsed. */
export const MAX_FRAME_BYTES = 32 * 1024;

/**
 * The identity handshake: the first frame each side sends on a new connection, before
 * any other (docs/protocol.md#identity-handshake). The signature covers both peer IDs,
 * the sender's key and both DTLS certificate fingerprints of this connection.
 */
export interface IdentityFrame {
  v: 1;
  type: 'identity';
  /** The sender's public identity key (PUBLIC_KEY_PATTERN). */
  key: string;
  /** ECDSA P-256 over the handshake transcript (SIGNATURE_PATTERN). */
  signature: string;
}

/** Asks to become contacts; sent on every new connection until accepted. */
export interface ContactRequestFrame {
  v: 1;
  type: 'contact-request';
  /** The sender's chosen display name (may be ''). */
  name: string;
}

/** Accepts a contact request; also sent on reconnect so both sides agree. */
export interface ContactAcceptFrame {
  v: 1;
  type: 'contact-accept';
  name: string;
}

/** One chat message. */
export interface ChatFrame {
  v: 1;
  type: 'chat';
  id: string;
  seq: number;
  text: string;
  sentAt: number;
}

/** Acknowledges messages: stored by the recipient's host, or seen by its user. */
export interface ReceiptFrame {
  v: 1;
  type: 'receipt';
  ids: string[];
  state: 'delivered' | 'read';
}

/** Offers a file; the receiver answers file-accept or file-decline. */
export interface FileOfferFrame {
  v: 1;
  type: 'file-offer';
  /** The transfer: a UUID the sender chose, the same in every frame about this file. */
  id: string;
  /** The sender's name for the file: peer input, cleaned before it is shown or saved. */
  name: string;
  /** In bytes. */
  size: number;
}

/**
 * Asks for the file's bytes from `offset` on (0 at first; where the receiver's stored
 * data ends when resuming), over the negotiated data channel `channel`.
 */
export interface FileAcceptFrame {
  v: 1;
  type: 'file-accept';
  id: string;
  offset: number;
  channel: number;
  /**
   * The SHA-256 (lower-case hex) of the bytes the receiver holds, [0, offset): the empty
   * string's when offset is 0. A sender whose user attached the file again checks it.
   */
  prefixSha256: string;
}

/**
 * The sender cannot send now: its file was lost (its browser restarted) and its user has
 * to attach it again. The receiver keeps what it stored; a file-offer with the same id
 * says the file is back.
 */
export interface FilePauseFrame {
  v: 1;
  type: 'file-pause';
  id: string;
}

export interface FileDeclineFrame {
  v: 1;
  type: 'file-decline';
  id: string;
}

/** Why a transfer ended without the file: said by whichever side ended it. */
export type FileCancelReason =
  /** The user cancelled. */
  | 'cancelled'
  /** The sender can no longer read the file: it vanished, changed, or was left behind by a restart. */
  | 'source-unreadable'
  /** The receiver ran out of disk space or storage quota. */
  | 'no-space'
  /** The bytes received did not hash to the sender's SHA-256. */
  | 'hash-mismatch'
  /** Anything else (an error that was logged). */
  | 'failed';

export interface FileCancelFrame {
  v: 1;
  type: 'file-cancel';
  id: string;
  reason: FileCancelReason;
}

/** Sent after the last byte: the SHA-256 of the whole file, lower-case hex. */
export interface FileEndFrame {
  v: 1;
  type: 'file-end';
  id: string;
  sha256: string;
}

/** The receiver has every byte, and they hash to the sender's SHA-256. */
export interface FileCompleteFrame {
  v: 1;
  type: 'file-complete';
  id: string;
}

export type FileFrame =
  | FileOfferFrame
  | FileAcceptFrame
  | FileDeclineFrame
  | FilePauseFrame
  | FileCancelFrame
  | FileEndFrame
  | FileCompleteFrame;

/** Rings the peer: a new call, audio only or with video. Answered by call-answer or call-end. */
export interface CallInviteFrame {
  v: 1;
  type: 'call-invite';
  /** The call: a UUID the caller chose, the same in every frame about this call. */
  id: string;
  video: boolean;
}

/** The callee's answer to call-invite (declining also ends the call: call-end `declined`). */
export interface CallAnswerFrame {
  v: 1;
  type: 'call-answer';
  id: string;
  accept: boolean;
}

/** One step of the call pages' WebRTC negotiation, carried for them (see CallSignal). */
export interface CallSignalFrame {
  v: 1;
  type: 'call-signal';
  id: string;
  signal: CallSignal;
}

/** The sender's own media state (muted, camera off, sharing the screen). */
export interface CallMediaFrame {
  v: 1;
  type: 'call-media';
  id: string;
  media: CallMedia;
}

/** Ends the call on both sides, saying why. */
export interface CallEndFrame {
  v: 1;
  type: 'call-end';
  id: string;
  reason: CallEndReason;
}

/** "Still here": sent every 2 s while a call is up; 10 s of silence ends it as `lost`. */
export interface CallPingFrame {
  v: 1;
  type: 'call-ping';
  id: string;
}

export type CallFrame =
  | CallInviteFrame
  | CallAnswerFrame
  | CallSignalFrame
  | CallMediaFrame
  | CallEndFrame
  | CallPingFrame;

export type WireMessage =
  | IdentityFrame
  | ContactRequestFrame
  | ContactAcceptFrame
  | ChatFrame
  | ReceiptFrame
  | FileFrame
  | CallFrame;

export type DecodeFailure =
  'not-text' | 'oversized' | 'malformed-json' | 'wrong-version' | 'invalid';

export type DecodeResult =
  { ok: true; message: WireMessage } | { ok: false; reason: DecodeFailure; detail: string };

// Peer-to-peer wire protocol, version 1: the types. Schemas live in ./wire-schema.ts,
// decoding in ./decode-frame.ts; the specification is docs/protocol.md#peer--peer-wire-protocol.

export const WIRE_VERSION = 1;

/** A frame longer than this (in UTF-8 bytes) is rejected before it is parsed. */
export const MAX_FRAME_BYTES = 32 * 1024;

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

export type WireMessage = ContactRequestFrame | ContactAcceptFrame | ChatFrame | ReceiptFrame;

export type DecodeFailure =
  'not-text' | 'oversized' | 'malformed-json' | 'wrong-version' | 'invalid';

export type DecodeResult =
  { ok: true; message: WireMessage } | { ok: false; reason: DecodeFailure; detail: string };

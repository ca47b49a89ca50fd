import type { RawData } from 'ws';

/** Longest peer ID accepted as a destination; PeerJS IDs are short tokens or UUIDs. */
const MAX_PEER_ID_LENGTH = 256;

/** The messages a PeerJS client sends to the server, after decoding. */
export type ClientMessage =
  | { readonly type: 'HEARTBEAT' }
  | {
      readonly type: 'OFFER' | 'ANSWER' | 'CANDIDATE';
      readonly dst: string;
      readonly payload: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'LEAVE'; readonly dst: string };

export type ClientMessageType = ClientMessage['type'];

export type DecodeResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly reason: string };

type Fields = Readonly<Record<string, unknown>>;
type Validator = (fields: Fields) => string | undefined;

const needsDestination: Validator = (fields) =>
  typeof fields.dst === 'string' && fields.dst.length > 0 && fields.dst.length <= MAX_PEER_ID_LENGTH
    ? undefined
    : '"dst" must be a peer ID string';

const needsDestinationAndPayload: Validator = (fields) =>
  needsDestination(fields) ??
  (isObject(fields.payload) ? undefined : '"payload" must be an object');

/**
 * One validator per message type a client may send. EXPIRE, OPEN, ID-TAKEN and ERROR only
 * ever come from the server; LEAVE needs a `dst` because PeerServer treats a LEAVE without
 * one as "forget me" while leaving the socket open.
 */
const VALIDATORS: Readonly<Record<ClientMessageType, Validator>> = {
  HEARTBEAT: () => undefined,
  OFFER: needsDestinationAndPayload,
  ANSWER: needsDestinationAndPayload,
  CANDIDATE: needsDestinationAndPayload,
  LEAVE: needsDestination,
};

/**
 * Decodes one WebSocket message from a client, or says why it is not a valid one. The
 * network is untrusted: this runs before PeerServer sees anything.
 */
export function decodeClientMessage(data: RawData, isBinary: boolean): DecodeResult {
  if (isBinary) return fail('binary frames are not supported');
  // Size needs no check here: ws refuses a message over PARLEY_MAX_MESSAGE_BYTES before
  // buffering it (its maxPayload), so nothing bigger ever arrives.
  const text = rawToBuffer(data);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text.toString('utf8'));
  } catch {
    return fail('message is not JSON');
  }
  if (!isObject(parsed)) return fail('message must be a JSON object');

  const { type } = parsed;
  if (typeof type !== 'string') return fail('"type" must be a string');
  if (!Object.hasOwn(VALIDATORS, type)) return fail('unknown message type');

  const problem = VALIDATORS[type as ClientMessageType](parsed);
  return problem ? fail(problem) : { ok: true, message: parsed as unknown as ClientMessage };
}

function fail(reason: string): DecodeResult {
  return { ok: false, reason };
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The frame PeerServer itself uses for errors, so PeerJS clients understand it. */
export function errorFrame(msg: string): string {
  return JSON.stringify({ type: 'ERROR', payload: { msg } });
}

// Outgoing frames. The peer decodes them with decodeFrame (./decode-frame.ts), which
// rejects unknown fields, so only the contract's fields are ever written.

import type { CallSignal } from '../call/call-types.ts';
import type { WireMessage } from './wire-message.ts';

/**
 * Serializes one message as a text frame (JSON). Every message that satisfies the
 * limits in ./wire-schema.ts fits in MAX_FRAME_BYTES, even with every character escaped.
 *
 * The fields are copied one by one, so a caller that builds a frame by spreading a
 * stored record (a ChatMessage's `peerId`, `state`, …) cannot leak local data to the
 * peer or have its frame rejected. `satisfies` keeps this in step with the contract.
 */
export function encodeFrame(message: WireMessage): string {
  switch (message.type) {
    case 'identity': {
      const { v, type, key, signature } = message;
      return JSON.stringify({ v, type, key, signature } satisfies Required<typeof message>);
    }
    case 'contact-request':
    case 'contact-accept': {
      const { v, type, name } = message;
      return JSON.stringify({ v, type, name } satisfies Required<typeof message>);
    }
    case 'chat': {
      const { v, type, id, seq, text, sentAt } = message;
      return JSON.stringify({ v, type, id, seq, text, sentAt } satisfies Required<typeof message>);
    }
    case 'receipt': {
      const { v, type, ids, state } = message;
      return JSON.stringify({ v, type, ids, state } satisfies Required<typeof message>);
    }
    case 'file-offer': {
      const { v, type, id, name, size } = message;
      return JSON.stringify({ v, type, id, name, size } satisfies Required<typeof message>);
    }
    case 'file-accept': {
      const { v, type, id, offset, channel, prefixSha256 } = message;
      return JSON.stringify({
        v,
        type,
        id,
        offset,
        channel,
        prefixSha256,
      } satisfies Required<typeof message>);
    }
    case 'file-decline':
    case 'file-pause':
    case 'file-complete': {
      const { v, type, id } = message;
      return JSON.stringify({ v, type, id } satisfies Required<typeof message>);
    }
    case 'file-cancel': {
      const { v, type, id, reason } = message;
      return JSON.stringify({ v, type, id, reason } satisfies Required<typeof message>);
    }
    case 'file-end': {
      const { v, type, id, sha256 } = message;
      return JSON.stringify({ v, type, id, sha256 } satisfies Required<typeof message>);
    }
    case 'call-invite': {
      const { v, type, id, video } = message;
      return JSON.stringify({ v, type, id, video } satisfies Required<typeof message>);
    }
    case 'call-answer': {
      const { v, type, id, accept } = message;
      return JSON.stringify({ v, type, id, accept } satisfies Required<typeof message>);
    }
    case 'call-signal': {
      const { v, type, id } = message;
      const signal = copySignal(message.signal);
      return JSON.stringify({ v, type, id, signal } satisfies Required<typeof message>);
    }
    case 'call-media': {
      const { v, type, id } = message;
      const { muted, cameraOff, screen } = message.media;
      const media = { muted, cameraOff, screen };
      return JSON.stringify({ v, type, id, media } satisfies Required<typeof message>);
    }
    case 'call-end': {
      const { v, type, id, reason } = message;
      return JSON.stringify({ v, type, id, reason } satisfies Required<typeof message>);
    }
    case 'call-ping': {
      const { v, type, id } = message;
      return JSON.stringify({ v, type, id } satisfies Required<typeof message>);
    }
  }
}

/**
 * A signal from a call page may be a browser object's toJSON() with more in it; only the
 * contract's fields go out.
 */
function copySignal(signal: CallSignal): CallSignal {
  if (signal.kind === 'description') {
    const { type, sdp } = signal.description;
    return { kind: 'description', description: { type, sdp } };
  }
  if (signal.candidate === null) return { kind: 'candidate', candidate: null };
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = signal.candidate;
  return { kind: 'candidate', candidate: { candidate, sdpMid, sdpMLineIndex, usernameFragment } };
}

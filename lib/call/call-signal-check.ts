import type { CallSignal } from './call-types.ts';

/** The longest SDP accepted; real ones are a few KiB. */
const MAX_SDP_LENGTH = 100_000;
const MAX_CANDIDATE_LENGTH = 2_000;

/**
 * Whether `value` is a well-formed CallSignal. The host's wire decoder checks peer input
 * first; the page checks again because a malformed signal must never reach
 * RTCPeerConnection (which would throw at an awkward moment, or worse, accept it).
 */
export function isCallSignal(value: unknown): value is CallSignal {
  if (!isRecord(value)) return false;
  if (value.kind === 'description') {
    const description = value.description;
    return (
      isRecord(description) &&
      (description.type === 'offer' || description.type === 'answer') &&
      typeof description.sdp === 'string' &&
      description.sdp.length > 0 &&
      description.sdp.length <= MAX_SDP_LENGTH
    );
  }
  if (value.kind === 'candidate') {
    const candidate = value.candidate;
    if (candidate === null) return true;
    return (
      isRecord(candidate) &&
      typeof candidate.candidate === 'string' &&
      candidate.candidate.length <= MAX_CANDIDATE_LENGTH &&
      (candidate.sdpMid === null || typeof candidate.sdpMid === 'string') &&
      (candidate.sdpMLineIndex === null ||
        (Number.isInteger(candidate.sdpMLineIndex) && (candidate.sdpMLineIndex as number) >= 0)) &&
      (candidate.usernameFragment === null || typeof candidate.usernameFragment === 'string')
    );
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

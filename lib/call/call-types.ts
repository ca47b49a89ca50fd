// The shapes a call is made of, shared by the host (which rings, relays and keeps the
// call's record) and the call page (which owns the RTCPeerConnection and the media).
// MediaStreams cannot move between documents, so the host never touches media: it
// carries the page's signaling over the contact's existing data connection.

/**
 * One step of WebRTC negotiation, as the call page hands it to the host and the host
 * hands it to the other side's page. Peer input when it arrives: validated by the wire
 * decoder before it reaches a page.
 */
export type CallSignal =
  | { kind: 'description'; description: { type: 'offer' | 'answer'; sdp: string } }
  /** An ICE candidate; `candidate: null` says gathering ended. */
  | {
      kind: 'candidate';
      candidate: {
        candidate: string;
        sdpMid: string | null;
        sdpMLineIndex: number | null;
        usernameFragment: string | null;
      } | null;
    };

/** What one side sends of itself, shown on the other side's page. */
export interface CallMedia {
  muted: boolean;
  cameraOff: boolean;
  /** Sharing the screen instead of the camera. */
  screen: boolean;
}

/**
 * Why a call ended, as both users are told:
 * - `hangup`: either side hung up after it was answered.
 * - `declined`: the callee declined.
 * - `cancelled`: the caller hung up while it rang.
 * - `unanswered`: nobody answered in time (a missed call on the callee's side).
 * - `offline`: the contact could not be reached to ring.
 * - `busy`: the callee is in another call.
 * - `lost`: the other side vanished (no frame for 7 s, or its connection closed).
 * - `failed`: media or negotiation failed.
 */
export type CallEndReason =
  'hangup' | 'declined' | 'cancelled' | 'unanswered' | 'offline' | 'busy' | 'lost' | 'failed';

/**
 * Where a call stands, on either side:
 * - `ringing`: invited, not yet answered (outgoing: waiting; incoming: ringing here).
 * - `connecting`: answered; the pages negotiate.
 * - `active`: media flows.
 * - `ended`: over; `endReason` says why.
 */
export type CallState = 'ringing' | 'connecting' | 'active' | 'ended';

/** A call as views see it in HostState.calls. */
export interface CallSummary {
  /** A UUID, chosen by the caller. */
  callId: string;
  peerId: string;
  direction: 'out' | 'in';
  /** Whether the caller asked for video (else audio only). */
  video: boolean;
  state: CallState;
  endReason: CallEndReason | null;
  /** Epoch ms: invited, answered (null until then), ended (null until then). */
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  /** What the other side last said of its media. */
  remoteMedia: CallMedia;
}

import type { CallEndReason, CallSummary } from './call-types.ts';

/** Why the call ended, as one sentence for the person whose page this is. */
export function endReasonText(
  reason: CallEndReason | null,
  direction: CallSummary['direction'],
): string {
  switch (reason) {
    case 'hangup':
      return 'The call ended.';
    case 'declined':
      return direction === 'out' ? 'They declined the call.' : 'You declined the call.';
    case 'cancelled':
      return direction === 'out' ? 'You cancelled the call.' : 'They hung up before you answered.';
    case 'unanswered':
      return direction === 'out' ? 'No answer.' : 'You missed this call.';
    case 'offline':
      return 'They are offline, so the call could not ring.';
    case 'busy':
      return 'They are in another call.';
    case 'lost':
      return 'The connection to them was lost.';
    case 'failed':
      return 'The call failed: the browsers could not set up audio and video between you.';
    case null:
      return 'The call ended.';
  }
}

/** Elapsed call time as m:ss, or h:mm:ss past an hour. */
export function formatCallDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** The status line of a call page, from the page's side of the call. */
export function callStatusText(
  phase: 'waiting' | CallSummary['state'],
  direction: CallSummary['direction'] | null,
  reconnecting: boolean,
): string {
  switch (phase) {
    case 'waiting':
      return 'Opening the call…';
    case 'ringing':
      return direction === 'in' ? 'Incoming call' : 'Ringing…';
    case 'connecting':
      return 'Connecting…';
    case 'active':
      return reconnecting ? 'Reconnecting…' : 'Connected';
    case 'ended':
      return 'Call ended';
  }
}

/** What the quality indicator says, for people and screen readers alike. */
export const QUALITY_TEXT = {
  good: 'Good connection',
  fair: 'Fair connection',
  poor: 'Poor connection',
} as const;

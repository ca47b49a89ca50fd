import type { CallSummary } from '../lib/call/call-types.ts';
import type { ContactSummary } from '../lib/contacts/contact.ts';

/** "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * What a conversation notes of an ended call, from this side's point of view:
 * "Missed video call", "You declined a call", "Call, 3 min 05 s"…
 */
export function callNote(call: CallSummary, peerName: string): string {
  const kind = call.video ? 'video call' : 'call';
  const Kind = call.video ? 'Video call' : 'Call';
  const incoming = call.direction === 'in';
  if (call.answeredAt !== null && call.endedAt !== null) {
    const duration = formatDuration(call.endedAt - call.answeredAt);
    if (call.endReason === 'lost') return `${Kind} lost the connection after ${duration}`;
    if (call.endReason === 'failed') return `${Kind} failed after ${duration}`;
    return `${Kind}, ${duration}`;
  }
  switch (call.endReason) {
    case 'declined':
      return incoming ? `You declined a ${kind}` : `${peerName} declined your ${kind}`;
    case 'cancelled':
    case 'unanswered':
      return incoming ? `Missed ${kind}` : `${peerName} did not answer your ${kind}`;
    case 'busy':
      return incoming
        ? `Missed ${kind} (you were in another call)`
        : `${peerName} was in another call`;
    case 'offline':
      return `${peerName} could not be reached for a ${kind}`;
    case 'lost':
      return incoming
        ? `Missed ${kind} (the connection was lost)`
        : `${Kind} to ${peerName} lost the connection`;
    default:
      return `${Kind} failed`;
  }
}

/** Ended calls with this contact, oldest first: the conversation's call notes. */
export function endedCallsWith(calls: readonly CallSummary[], peerId: string): CallSummary[] {
  return calls
    .filter((call) => call.peerId === peerId && call.state === 'ended')
    .sort((a, b) => a.startedAt - b.startedAt || a.callId.localeCompare(b.callId));
}

/** The call ringing here, waiting for the user, if any (one call at a time). */
export function ringingIn(calls: readonly CallSummary[] | undefined): CallSummary | null {
  return calls?.find((call) => call.direction === 'in' && call.state === 'ringing') ?? null;
}

/** Why the call button cannot be used now, or null if it can. */
export function cannotCall(
  contact: Pick<ContactSummary, 'status' | 'online' | 'alarm'>,
  name: string,
  calls: readonly CallSummary[] | undefined,
): string | null {
  if (contact.status !== 'accepted') return `${name} has to accept you first.`;
  if (contact.alarm) return 'Calls wait until the identity warning is resolved.';
  if (!contact.online) return `${name} is offline.`;
  if (calls?.some((call) => call.state !== 'ended')) return 'You are already in a call.';
  return null;
}

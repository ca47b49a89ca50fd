import type { OfflineReason } from '../protocol/host-state.ts';

export interface Failure {
  reason: OfflineReason;
  message: string;
}

/** The reasons a retry cannot fix without a change on one side, so retries slow down. */
export const REFUSALS: ReadonlySet<OfflineReason> = new Set(['bad-key', 'id-taken']);
/** The reasons no retry can fix: the user must change a setting or the browser. */
export const FATAL: ReadonlySet<OfflineReason> = new Set(['invalid-settings', 'unsupported']);

/** Turns a PeerJS error (its `type` and message) into a reason a person can act on. */
export function describePeerError(
  error: { type?: string; message?: string },
  server: string,
): Failure {
  const detail = error.message ?? '';
  switch (error.type) {
    case 'network':
    case 'socket-error':
    case 'socket-closed':
    case 'disconnected':
      return { reason: 'unreachable', message: `Cannot reach the server at ${server}.` };
    case 'invalid-key':
      return {
        reason: 'bad-key',
        message: 'The server refused the key. Check the key in Settings.',
      };
    case 'unavailable-id':
      return {
        reason: 'id-taken',
        message: 'Another session holds your peer ID on the server; retrying until it is free.',
      };
    case 'invalid-id':
      return { reason: 'invalid-settings', message: 'Your saved peer ID is not valid.' };
    case 'ssl-unavailable':
      return { reason: 'tls', message: `A secure connection to ${server} could not be set up.` };
    case 'browser-incompatible':
      return { reason: 'unsupported', message: 'This browser does not support WebRTC.' };
    case 'server-error':
      if (/key/i.test(detail))
        return {
          reason: 'bad-key',
          message: 'The server refused the key. Check the key in Settings.',
        };
      return { reason: 'error', message: `The server reported an error: ${detail || 'unknown'}.` };
    default:
      return { reason: 'error', message: detail || 'An unknown error occurred.' };
  }
}

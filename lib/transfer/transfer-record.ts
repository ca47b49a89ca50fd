import type { FileCancelReason } from '../wire/wire-message.ts';

/**
 * Where a transfer stands, on either side:
 * - `offered`: the offer is out (or waits for the contact to come online); no answer yet.
 * - `transferring`: bytes are flowing on the transfer's data channel.
 * - `interrupted`: the connection dropped mid-way; it resumes when the contact is back.
 * - `paused`: the sender's file was lost (its browser restarted): it resumes once the
 *   sender's user attaches the file again. The receiver keeps what it stored meanwhile.
 * - `verifying`: every byte is across; the receiver is checking the SHA-256.
 * - `complete`: verified (and, on the receiving side, saved to Downloads).
 * - `declined`, `cancelled`, `failed`: ended without the file; `reason` says why.
 */
export type TransferState =
  | 'offered'
  | 'transferring'
  | 'interrupted'
  | 'paused'
  | 'verifying'
  | 'complete'
  | 'declined'
  | 'cancelled'
  | 'failed';

/** States a transfer never leaves. */
export const FINAL_STATES: ReadonlySet<TransferState> = new Set([
  'complete',
  'declined',
  'cancelled',
  'failed',
]);

/** Why a transfer ended without the file, as the user is told. */
export type TransferFailure =
  | FileCancelReason
  /** Saving to Downloads failed after the file was verified. */
  | 'save-failed'
  /** The peer broke the protocol (more bytes than offered, a bad offset…). */
  | 'protocol'
  /**
   * Outgoing and paused, not an ending: the file the user attached again does not begin
   * with the bytes the receiver already has.
   */
  | 'different-file';

/** What the host stores of a transfer, so it survives a restart. */
export interface TransferRecord {
  /** The transfer's UUID, chosen by the sender. */
  id: string;
  peerId: string;
  direction: 'out' | 'in';
  /** As the sender named it. Peer input when incoming: shown and saved only once cleaned. */
  name: string;
  size: number;
  /**
   * Outgoing: the file's lastModified when it was offered, so that a file attached again
   * after a restart can be told from a changed one. Null when incoming (and in records
   * stored before it existed, where it is missing).
   */
  lastModified?: number | null;
  /** Epoch ms when it was offered (sent or received). */
  offeredAt: number;
  state: TransferState;
  /** Why it ended without the file; while paused, why a file attached again was refused. */
  reason: TransferFailure | null;
  /** Who ended it, once declined, cancelled or failed: this side, or the peer. */
  endedBy: 'me' | 'peer' | null;
  /**
   * Incoming: bytes written and flushed to disk, with the hash state after them: where a
   * resumed transfer starts. Outgoing: 0.
   */
  storedBytes: number;
  hashState: Uint8Array | null;
  /** Outgoing: every byte ever handed to a data channel, resends included. */
  sentBytes: number;
  /** Lower-case hex SHA-256 of the whole file, once known. */
  sha256: string | null;
  /** Incoming and complete: the downloads API's id of the saved file (to show it). */
  downloadId: number | null;
  /**
   * A frame the peer must still hear (it was offline when this side ended or finished
   * the transfer): sent when its connection opens next.
   */
  owed: 'file-cancel' | 'file-decline' | 'file-complete' | null;
}

/** A transfer just offered, by us (`out`) or to us (`in`): nothing has moved yet. */
export function offeredTransfer(
  offer: Pick<TransferRecord, 'id' | 'peerId' | 'direction' | 'name' | 'size' | 'lastModified'>,
): TransferRecord {
  return {
    lastModified: null,
    ...offer,
    offeredAt: Date.now(),
    state: 'offered',
    reason: null,
    endedBy: null,
    storedBytes: 0,
    hashState: null,
    sentBytes: 0,
    sha256: null,
    downloadId: null,
    owed: null,
  };
}

import type { TransferFailure, TransferState } from './transfer-record.ts';

/** A transfer as views show it: the record's facts, cleaned, plus live progress. */
export interface TransferSummary {
  id: string;
  peerId: string;
  direction: 'out' | 'in';
  /** Safe to show and to save under (see safeFileName). */
  name: string;
  size: number;
  offeredAt: number;
  state: TransferState;
  reason: TransferFailure | null;
  /** Who ended it, once declined, cancelled or failed: this side, or the peer. */
  endedBy: 'me' | 'peer' | null;
  /** Bytes across so far (incoming: received; outgoing: taken by the channel). */
  doneBytes: number;
  /** Outgoing: every byte ever sent, resends included (a resumed transfer sends less). */
  sentBytes: number;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** Incoming, saved: the downloads API's id, to show the file in its folder. */
  downloadId: number | null;
}

import type { TransferRecord } from './transfer-record.ts';

/** A transfer as views show it: the record's facts, cleaned, plus live progress. */
export interface TransferSummary extends Pick<
  TransferRecord,
  | 'id'
  | 'peerId'
  | 'direction'
  | 'size'
  | 'offeredAt'
  | 'state'
  | 'reason'
  | 'endedBy'
  | 'sentBytes'
  | 'downloadId'
> {
  /** Safe to show and to save under (see safeFileName). */
  name: string;
  /** Bytes across so far (incoming: received; outgoing: taken by the channel). */
  doneBytes: number;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
}

import { formatBytes } from '../lib/transfer/format-bytes.ts';
import type { TransferFailure } from '../lib/transfer/transfer-record.ts';
import type { TransferSummary } from '../lib/transfer/transfer-summary.ts';

/** A transfer card's words, worked out here so that the Svelte card only renders them. */
export interface TransferText {
  /** "You sent" or "Bob sent". */
  who: string;
  /** The file's size: "12 MB". */
  size: string;
  /** Where it stands: "Sending…", "Waiting for Bob to accept", "Failed"… */
  status: string;
  /** Why it ended without the file, or why a file attached again was refused; else null. */
  problem: string | null;
  /** 0–100 while a progress bar makes sense (bytes are or were flowing); else null. */
  percent: number | null;
  /** "7.4 MB of 12 MB", alongside the bar. */
  amount: string | null;
  /** "4.2 MB/s · about 12 s left" while transferring and measured; else null. */
  rate: string | null;
}

/** Which buttons a card offers. */
export interface TransferActions {
  accept: boolean;
  decline: boolean;
  cancel: boolean;
  show: boolean;
  /** Outgoing and paused: choose (or drop) the file again to resume. */
  reattach: boolean;
}

/** "4.2 MB/s"; null while the speed is unknown. */
export function formatSpeed(bytesPerSecond: number | null): string | null {
  if (bytesPerSecond === null || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0)
    return null;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * "about 12 s left", "about 3 min left", "about 1 h 20 min left"; null when unknown.
 * Minutes are rounded, not cut: 89 s is "about 1 min", 90 s "about 2 min".
 */
export function formatTimeLeft(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 1) return 'almost done';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `about ${hours} h left` : `about ${hours} h ${rest} min left`;
}

/** Whole percent done, rounded down so that 100 % means every byte. */
export function progressPercent(doneBytes: number, size: number): number {
  if (size <= 0) return doneBytes >= size ? 100 : 0;
  return Math.min(100, Math.max(0, Math.floor((doneBytes / size) * 100)));
}

/** Why a transfer failed, as a sentence for the person on this side. */
export function failureText(
  reason: TransferFailure | null,
  direction: TransferSummary['direction'],
  peerName: string,
): string {
  const incoming = direction === 'in';
  switch (reason) {
    case 'source-unreadable':
      return incoming
        ? `The file changed or was deleted on ${peerName}’s side before it was sent.`
        : 'The file changed or was deleted before it was sent.';
    case 'no-space':
      return incoming ? 'Not enough disk space.' : `${peerName} did not have enough disk space.`;
    case 'hash-mismatch':
      return incoming
        ? 'The file arrived damaged (checksum mismatch) and was deleted.'
        : `The file arrived damaged at ${peerName}’s side (checksum mismatch).`;
    case 'save-failed':
      return incoming
        ? 'The file arrived but could not be saved to your Downloads folder.'
        : `${peerName} could not save the file.`;
    case 'protocol':
      return `${peerName}’s Parley sent something unexpected, so the transfer was stopped.`;
    case 'cancelled':
      return 'The transfer was cancelled.';
    case 'different-file':
      return incoming
        ? `${peerName} attached a different file.`
        : `The file you chose is not the one you were sending: its start differs from what ${peerName} already has. Choose the original file.`;
    case 'failed':
    case null:
      return 'Something went wrong, and the transfer stopped.';
  }
}

function statusText(transfer: TransferSummary, peerName: string): string {
  const incoming = transfer.direction === 'in';
  switch (transfer.state) {
    case 'offered':
      return incoming ? 'Waiting for you to accept' : `Waiting for ${peerName} to accept`;
    case 'transferring':
      return incoming ? 'Receiving…' : 'Sending…';
    case 'interrupted':
      return `Waiting for ${peerName} to come back`;
    case 'paused':
      return incoming
        ? `Waiting for ${peerName} to resume`
        : `Paused: attach ${transfer.name} again to resume`;
    case 'verifying':
      return incoming ? 'Checking the file…' : `${peerName} is checking the file…`;
    case 'complete':
      return incoming ? 'Saved to Downloads' : 'Delivered';
    case 'declined':
      return incoming ? 'You declined' : `${peerName} declined`;
    case 'cancelled':
      return transfer.endedBy === 'peer' ? `${peerName} cancelled` : 'You cancelled';
    case 'failed':
      return 'Failed';
  }
}

/** States in which bytes are, were, or are about to be checked: a bar tells how far. */
const WITH_PROGRESS = new Set<TransferSummary['state']>([
  'transferring',
  'interrupted',
  'paused',
  'verifying',
]);

/** Everything a card says about `transfer`; `peerName` is the contact's display name. */
export function describeTransfer(transfer: TransferSummary, peerName: string): TransferText {
  const showsProgress = WITH_PROGRESS.has(transfer.state);
  const done = transfer.state === 'verifying' ? transfer.size : transfer.doneBytes;
  const rate =
    transfer.state === 'transferring'
      ? [formatSpeed(transfer.bytesPerSecond), formatTimeLeft(transfer.secondsLeft)]
          .filter((part) => part !== null)
          .join(' · ') || null
      : null;
  return {
    who: transfer.direction === 'in' ? `${peerName} sent` : 'You sent',
    size: formatBytes(transfer.size),
    status: statusText(transfer, peerName),
    problem:
      transfer.state === 'failed' || (transfer.state === 'paused' && transfer.reason !== null)
        ? failureText(transfer.reason, transfer.direction, peerName)
        : null,
    percent: showsProgress ? progressPercent(done, transfer.size) : null,
    amount: showsProgress ? `${formatBytes(done)} of ${formatBytes(transfer.size)}` : null,
    rate,
  };
}

/**
 * The buttons for `transfer`: an incoming offer is accepted or declined; anything not yet
 * ended, and not an incoming offer, can be cancelled; a received file can be shown; a
 * paused outgoing file can be attached again.
 */
export function transferActions(transfer: TransferSummary): TransferActions {
  const incomingOffer = transfer.direction === 'in' && transfer.state === 'offered';
  const running = ['offered', 'transferring', 'interrupted', 'paused', 'verifying'].includes(
    transfer.state,
  );
  return {
    accept: incomingOffer,
    decline: incomingOffer,
    cancel: running && !incomingOffer,
    show: transfer.direction === 'in' && transfer.state === 'complete',
    reattach: transfer.direction === 'out' && transfer.state === 'paused',
  };
}

/** A short label for the file's icon: its extension, upper-case, or '' when it has none. */
export function fileBadge(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  const extension = name.slice(dot + 1);
  return extension.length <= 4 && /^[\p{L}\p{N}]+$/u.test(extension) ? extension.toUpperCase() : '';
}

/** A choice of "Accept files up to … automatically". */
export interface AutoAcceptChoice {
  bytes: number;
  label: string;
}

/** The limits offered; 0 turns it off. Decimal units, as formatBytes shows sizes. */
export const AUTO_ACCEPT_CHOICES: readonly AutoAcceptChoice[] = [
  { bytes: 0, label: 'Off' },
  { bytes: 10_000_000, label: '10 MB' },
  { bytes: 100_000_000, label: '100 MB' },
  { bytes: 1_000_000_000, label: '1 GB' },
  { bytes: Number.MAX_SAFE_INTEGER, label: 'Any size' },
];

/** The choices, with `current` among them in its place if it is none of them (set elsewhere). */
export function autoAcceptChoices(current: number): AutoAcceptChoice[] {
  if (AUTO_ACCEPT_CHOICES.some((choice) => choice.bytes === current))
    return [...AUTO_ACCEPT_CHOICES];
  return [...AUTO_ACCEPT_CHOICES, { bytes: current, label: formatBytes(current) }].sort(
    (a, b) => a.bytes - b.bytes,
  );
}

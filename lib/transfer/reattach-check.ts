import { formatBytes } from './format-bytes.ts';
import { EMPTY_SHA256 } from './prefix-digest.ts';
import type { OutgoingFiles } from './transfer-ports.ts';
import type { TransferRecord } from './transfer-record.ts';

/** Why a file attached again was refused: a code for the log, a sentence for the user. */
export interface ReattachProblem {
  code: 'not-a-file' | 'name' | 'size' | 'modified';
  message: string;
}

/**
 * Why `file` cannot be the file of the outgoing transfer `record`, or null when its name,
 * size and (if it was stored) last-modified time match. These are cheap and catch the
 * usual slip; the prefix check below catches the rest.
 */
export function reattachProblem(record: TransferRecord, file: unknown): ReattachProblem | null {
  if (!(file instanceof File))
    return { code: 'not-a-file', message: 'That is not a file Parley can read.' };
  const wanted = record.name;
  if ((file.name || 'file') !== wanted)
    return {
      code: 'name',
      message: `That file is called “${file.name}”; choose “${wanted}” to resume.`,
    };
  if (file.size !== record.size)
    return {
      code: 'size',
      message: `That file is ${formatBytes(file.size)}, but “${wanted}” was ${formatBytes(record.size)}: choose the same file to resume.`,
    };
  const lastModified = record.lastModified ?? null;
  if (lastModified !== null && file.lastModified !== lastModified)
    return {
      code: 'modified',
      message: `“${wanted}” was changed since you sent it, so it cannot be resumed. Cancel, and send it again.`,
    };
  return null;
}

/**
 * Whether `file`'s first `offset` bytes hash to `expected`, the receiver's digest of what
 * it stored: a different file of the same name and size would otherwise be spliced onto
 * them (the final SHA-256 would refuse it, but only after sending the whole rest).
 */
export async function prefixMatches(
  digest: OutgoingFiles['digest'],
  file: Blob,
  offset: number,
  expected: string,
  signal: AbortSignal,
): Promise<boolean> {
  if (offset === 0) return expected === EMPTY_SHA256;
  return (await digest(file.slice(0, offset), signal)) === expected;
}

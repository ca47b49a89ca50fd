import type { FileCancelReason } from '../../wire/wire-message.ts';

/**
 * Why storing a received file failed. Both are `file-cancel` reasons, so the caller can
 * pass one on to the sender as it is:
 * - `no-space`: the disk or the origin's storage quota is full.
 * - `failed`: anything else (the file vanished, the browser refused, a bug).
 */
export type FileSinkErrorReason = Extract<FileCancelReason, 'no-space' | 'failed'>;

/** The one kind of error the file sink throws or reports. */
export class FileSinkError extends Error {
  override readonly name = 'FileSinkError';
  readonly reason: FileSinkErrorReason;

  constructor(reason: FileSinkErrorReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

/**
 * Turns whatever a storage call threw into a FileSinkError. Only the name is trusted: a
 * DOMException may come from another realm (the worker's), and recent Chrome throws a
 * QuotaExceededError class of its own that still carries that name.
 */
export function toFileSinkError(error: unknown): FileSinkError {
  if (error instanceof FileSinkError) return error;
  const name = errorName(error);
  const detail = `${name ?? 'Error'}: ${errorMessage(error)}`;
  return new FileSinkError(name === 'QuotaExceededError' ? 'no-space' : 'failed', detail);
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined;
  return typeof error.name === 'string' ? error.name : undefined;
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error)
    return String(error.message);
  return String(error);
}

/**
 * The file can no longer be read: it was moved, deleted or changed after the user picked it
 * (Chrome and Firefox then reject reads with NotReadableError or NotFoundError). The peer
 * is told `source-unreadable`; trying again will not help.
 */
export class SourceUnreadableError extends Error {
  override readonly name = 'SourceUnreadableError';

  constructor(options?: { cause?: unknown }) {
    super('The file can no longer be read; it may have been moved, deleted or changed', options);
  }
}

/** The data channel closed or failed before every byte was handed to it. */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';

  constructor(options?: { cause?: unknown }) {
    super('The data channel closed before the file was sent', options);
  }
}

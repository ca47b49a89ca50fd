import { TransferError, type DataChannelLike } from './transfer-ports.ts';

/** Resolves when a channel is open; a negotiated one usually is at once. */
export function waitUntilOpen(channel: DataChannelLike): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const opened = () => {
      cleanup();
      resolve();
    };
    const closed = () => {
      cleanup();
      reject(new TransferError('channel-closed', 'The data channel closed before it opened.'));
    };
    const cleanup = () => {
      channel.removeEventListener('open', opened);
      channel.removeEventListener('close', closed);
    };
    channel.addEventListener('open', opened);
    channel.addEventListener('close', closed);
  });
}

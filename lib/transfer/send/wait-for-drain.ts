import type { ByteChannel } from './byte-channel.ts';
import type { Interruptions } from './interruptions.ts';

/**
 * Waits, without polling, until the channel's buffer has drained to its
 * bufferedAmountLowThreshold and 'bufferedamountlow' has said so, or the run is interrupted.
 * The listener is removed however the wait ends.
 */
export async function waitForDrain(
  channel: ByteChannel,
  interruptions: Interruptions,
): Promise<void> {
  let onLow!: () => void;
  const low = new Promise<void>((resolve) => (onLow = resolve));
  channel.addEventListener('bufferedamountlow', onLow);
  try {
    // The event is not replayed to late listeners, so if the buffer is already low (the event
    // came before we listened), the level is all that says so.
    if (channel.bufferedAmount <= channel.bufferedAmountLowThreshold) return;
    await interruptions.wait(low);
  } finally {
    channel.removeEventListener('bufferedamountlow', onLow);
  }
}

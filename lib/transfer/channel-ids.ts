import { FIRST_FILE_CHANNEL, LAST_FILE_CHANNEL } from '../wire/wire-schema.ts';

/**
 * A stream id for a new transfer's data channel: even ones for the peer whose ID sorts
 * first, odd ones for the other (docs/protocol.md, File transfer), so two transfers
 * accepted at once in opposite directions never collide. The next free one after `after`
 * (the last one this side picked), never one in use.
 */
export function pickChannelId(
  ownId: string,
  peerId: string,
  inUse: ReadonlySet<number>,
  after = -1,
): number | null {
  const first = FIRST_FILE_CHANNEL + (ownId < peerId ? 0 : 1);
  const count = Math.floor((LAST_FILE_CHANNEL - first) / 2) + 1;
  // Round the ring, starting past `after`: a stream that just closed is still being reset
  // on both sides for a moment, and a new channel on it would never open.
  const start = after < first ? 0 : Math.floor((after - first) / 2) + 1;
  for (let step = 0; step < count; step += 1) {
    const id = first + ((start + step) % count) * 2;
    if (!inUse.has(id)) return id;
  }
  return null;
}

/** Whether `id` is one the peer may pick for a channel (the parity that is not ours). */
export function isPeersChannelId(ownId: string, peerId: string, id: number): boolean {
  const peerParity = peerId < ownId ? 0 : 1;
  return id >= FIRST_FILE_CHANNEL && id <= LAST_FILE_CHANNEL && id % 2 === peerParity;
}

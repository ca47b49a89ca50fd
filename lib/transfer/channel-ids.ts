import { FIRST_FILE_CHANNEL, LAST_FILE_CHANNEL } from '../wire/wire-schema.ts';

/**
 * The stream ids this side may pick for a transfer's data channel: even ones for the
 * peer whose ID sorts first, odd ones for the other (docs/protocol.md, File transfer), so
 * two transfers accepted at once in opposite directions never collide.
 */
export function pickChannelId(
  ownId: string,
  peerId: string,
  inUse: ReadonlySet<number>,
): number | null {
  const parity = ownId < peerId ? 0 : 1;
  for (let id = FIRST_FILE_CHANNEL + parity; id <= LAST_FILE_CHANNEL; id += 2)
    if (!inUse.has(id)) return id;
  return null;
}

/** Whether `id` is one the peer may pick for a channel (the parity that is not ours). */
export function isPeersChannelId(ownId: string, peerId: string, id: number): boolean {
  const peerParity = peerId < ownId ? 0 : 1;
  return id >= FIRST_FILE_CHANNEL && id <= LAST_FILE_CHANNEL && id % 2 === peerParity;
}

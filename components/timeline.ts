import type { ChatMessage } from '../lib/chat/chat-message.ts';
import type { TransferSummary } from '../lib/transfer/transfer-summary.ts';

/** One entry of a conversation as shown: a message or a file transfer. */
export type TimelineItem =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'transfer'; key: string; transfer: TransferSummary };

/** `peerId`'s transfers, oldest offer first. */
export function transfersWith(
  transfers: readonly TransferSummary[],
  peerId: string,
): TransferSummary[] {
  return transfers
    .filter((transfer) => transfer.peerId === peerId)
    .sort((a, b) => a.offeredAt - b.offeredAt || a.id.localeCompare(b.id));
}

/**
 * Messages (in their stored order) and transfers (oldest first) in one list, by time.
 * It merges rather than sorts: messages keep the order this device stored them in even
 * when the sender's clock (`sentAt`) disagrees, and each transfer goes before the first
 * message sent after it was offered. A tie goes to the message.
 */
export function timeline(
  messages: readonly ChatMessage[],
  transfers: readonly TransferSummary[],
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let next = 0;
  for (const message of messages) {
    while (next < transfers.length && transfers[next]!.offeredAt < message.sentAt) {
      items.push(transferItem(transfers[next]!));
      next += 1;
    }
    items.push({ kind: 'message', key: `m:${message.id}`, message });
  }
  for (; next < transfers.length; next += 1) items.push(transferItem(transfers[next]!));
  return items;
}

function transferItem(transfer: TransferSummary): TimelineItem {
  return { kind: 'transfer', key: `t:${transfer.id}`, transfer };
}

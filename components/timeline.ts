import type { CallSummary } from '../lib/call/call-types.ts';
import type { ChatMessage } from '../lib/chat/chat-message.ts';
import type { TransferSummary } from '../lib/transfer/transfer-summary.ts';

/** One entry of a conversation as shown: a message, a file transfer or a call's note. */
export type TimelineItem =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'transfer'; key: string; transfer: TransferSummary }
  | { kind: 'call'; key: string; call: CallSummary };

/** A transfer or a call, and when it began: what goes among the messages. */
type Event = { at: number; item: TimelineItem };

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
 * Messages (in their stored order), transfers and calls (each oldest first) in one list,
 * by time. It merges rather than sorts: messages keep the order this device stored them
 * in even when the sender's clock (`sentAt`) disagrees, and each transfer (call) goes
 * before the first message sent after it was offered (started). A tie goes to the
 * message, then to the transfer.
 */
export function timeline(
  messages: readonly ChatMessage[],
  transfers: readonly TransferSummary[],
  calls: readonly CallSummary[] = [],
): TimelineItem[] {
  const events = mergeEvents(
    transfers.map((transfer) => ({
      at: transfer.offeredAt,
      item: { kind: 'transfer', key: `t:${transfer.id}`, transfer },
    })),
    calls.map((call) => ({
      at: call.startedAt,
      item: { kind: 'call', key: `c:${call.callId}`, call },
    })),
  );
  const items: TimelineItem[] = [];
  let next = 0;
  for (const message of messages) {
    while (next < events.length && events[next]!.at < message.sentAt) {
      items.push(events[next]!.item);
      next += 1;
    }
    items.push({ kind: 'message', key: `m:${message.id}`, message });
  }
  for (; next < events.length; next += 1) items.push(events[next]!.item);
  return items;
}

/** Two lists in time order as one, the first's item first on a tie. */
function mergeEvents(first: Event[], second: Event[]): Event[] {
  const merged: Event[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    if (j >= second.length || (i < first.length && first[i]!.at <= second[j]!.at))
      merged.push(first[i++]!);
    else merged.push(second[j++]!);
  }
  return merged;
}

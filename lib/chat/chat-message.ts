/**
 * A message's state as its sender sees it:
 * `sending` (stored, not yet handed to a connection), `sent` (handed to the data
 * channel), `delivered` (the recipient's host stored it), `read` (the recipient saw it).
 * A received message is `received` until we show it, then `read`.
 */
export type MessageState = 'sending' | 'sent' | 'delivered' | 'read' | 'received';

/** What a receipt, or handing a message to the link, can move an outgoing message to. */
export type OutgoingProgress = Extract<MessageState, 'sent' | 'delivered' | 'read'>;

/** How far an outgoing message has got; its state only ever moves right. */
const OUTGOING_PROGRESS: readonly MessageState[] = ['sending', 'sent', 'delivered', 'read'];

/** Whether `state` is further along than `than`, for an outgoing message. */
export function isFurther(state: MessageState, than: MessageState): boolean {
  return OUTGOING_PROGRESS.indexOf(state) > OUTGOING_PROGRESS.indexOf(than);
}

export interface ChatMessage {
  /** UUID chosen by the sender; the same on both sides, the key for exactly-once. */
  id: string;
  /** The conversation: the other peer's ID. */
  peerId: string;
  direction: 'in' | 'out';
  /** Peer input when `direction` is 'in': render as text only. */
  text: string;
  /** The sender's clock, epoch ms. */
  sentAt: number;
  /** The sender's sequence number in this conversation, from 1. */
  seq: number;
  /** Order of arrival or creation on this device; conversations sort by it. */
  localOrder: number;
  state: MessageState;
}

/** Longest chat message, in UTF-16 code units (what a textarea's maxlength counts). */
export const MAX_MESSAGE_LENGTH = 4000;

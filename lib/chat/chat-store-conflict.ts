/**
 * A peer sent a message whose ID already belongs to a message it does not own: one in
 * another conversation, or one we sent. Storing it would let a peer overwrite, or
 * confirm the existence of, someone else's message, so the store refuses it.
 */
export class ChatStoreConflict extends Error {
  override readonly name = 'ChatStoreConflict';
  /** The peer whose frame carried the ID. */
  readonly peerId: string;
  readonly messageId: string;

  constructor(peerId: string, messageId: string) {
    // The owner of the existing message stays out of the text: errors get logged.
    super(`Message ID ${messageId} from ${peerId} is already taken by another message`);
    this.peerId = peerId;
    this.messageId = messageId;
  }
}

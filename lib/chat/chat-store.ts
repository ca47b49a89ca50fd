import { openDB, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import type { Contact } from '../contacts/contact.ts';
import { logger } from '../log.ts';
import type { ChatMessage, MessageState } from './chat-message.ts';
import { ChatStoreConflict } from './chat-store-conflict.ts';
import { DB_VERSION, upgradeChatDb, type ChatDb, type CounterKey } from './chat-store-schema.ts';

export { ChatStoreConflict } from './chat-store-conflict.ts';

/** How far an outgoing message has got; its state only ever moves right. */
const OUTGOING_PROGRESS: readonly MessageState[] = ['sending', 'sent', 'delivered', 'read'];

/** A chat frame's fields, as the host decoded them from the peer. */
export interface IncomingFrame {
  id: string;
  seq: number;
  text: string;
  sentAt: number;
}

/** Every message of one conversation in the `by-conversation` index. */
function conversationRange(peerId: string): IDBKeyRange {
  return IDBKeyRange.bound([peerId, -Infinity], [peerId, Infinity]);
}

/** Every unread message in the `by-state` index: [peerId] ends the key, and arrays sort after strings. */
const UNREAD_RANGE = IDBKeyRange.bound(['in', 'received'], ['in', 'received', []]);

type MetaStore = IDBPObjectStore<ChatDb, ArrayLike<'messages' | 'meta'>, 'meta', 'readwrite'>;

/** Hands out the next number of a counter. Atomic because readwrite transactions on `meta` never overlap. */
async function takeNext(meta: MetaStore, key: CounterKey): Promise<number> {
  const next = ((await meta.get(key)) ?? 0) + 1;
  await meta.put(next, key);
  return next;
}

/**
 * Contacts and chat history in IndexedDB, the one storage Chrome's offscreen document
 * (where the host runs) has. Every method is one transaction, so concurrent calls and
 * a browser closing mid-way leave no half-done state.
 */
export class ChatStore {
  readonly #db: IDBPDatabase<ChatDb>;

  private constructor(db: IDBPDatabase<ChatDb>) {
    this.#db = db;
  }

  static async open(databaseName = 'parley-chat'): Promise<ChatStore> {
    const db: IDBPDatabase<ChatDb> = await openDB<ChatDb>(databaseName, DB_VERSION, {
      upgrade: (database, oldVersion) => upgradeChatDb(database, oldVersion),
      // Another connection wants to migrate (a newer Parley) or delete the database:
      // step aside rather than block it. This store is unusable afterwards.
      blocking: (_currentVersion, blockedVersion) => {
        logger.warn('chat-store-yielded', { databaseName, blockedVersion });
        db.close();
      },
      terminated: () => logger.error('chat-store-terminated', { databaseName }),
    });
    return new ChatStore(db);
  }

  close(): void {
    this.#db.close();
  }

  listContacts(): Promise<Contact[]> {
    return this.#db.getAll('contacts');
  }

  getContact(peerId: string): Promise<Contact | undefined> {
    return this.#db.get('contacts', peerId);
  }

  async putContact(contact: Contact): Promise<void> {
    await this.#db.put('contacts', contact);
  }

  /** Deletes the contact and every trace of its conversation, in one transaction. */
  async deleteContact(peerId: string): Promise<void> {
    const tx = this.#db.transaction(['contacts', 'messages', 'meta'], 'readwrite');
    await tx.objectStore('contacts').delete(peerId);
    await tx.objectStore('meta').delete(['last-outgoing-seq', peerId]);
    const byConversation = tx.objectStore('messages').index('by-conversation');
    let cursor = await byConversation.openCursor(conversationRange(peerId));
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  /** Stores a new outgoing message as 'sending', with the next seq and localOrder. */
  async addOutgoing(peerId: string, text: string, now: number): Promise<ChatMessage> {
    const tx = this.#db.transaction(['messages', 'meta'], 'readwrite');
    const meta = tx.objectStore('meta');
    const message: ChatMessage = {
      id: crypto.randomUUID(),
      peerId,
      direction: 'out',
      text,
      sentAt: now,
      seq: await takeNext(meta, ['last-outgoing-seq', peerId]),
      localOrder: await takeNext(meta, 'last-local-order'),
      state: 'sending',
    };
    // `add`, not `put`: an ID that somehow exists already must fail, not overwrite.
    await tx.objectStore('messages').add(message);
    await tx.done;
    return message;
  }

  /**
   * Stores a received message exactly once. A repeat of one of this peer's messages is
   * returned as a duplicate; an ID owned by another conversation, or by a message we
   * sent, throws `ChatStoreConflict`. Either way nothing is written.
   */
  async addIncoming(
    peerId: string,
    frame: IncomingFrame,
  ): Promise<{ message: ChatMessage; duplicate: boolean }> {
    // Strict durability: once this resolves the host tells the sender 'delivered'.
    const tx = this.#db.transaction(['messages', 'meta'], 'readwrite', { durability: 'strict' });
    const messages = tx.objectStore('messages');
    const existing = await messages.get(frame.id);
    if (existing) {
      if (existing.peerId !== peerId || existing.direction !== 'in') {
        throw new ChatStoreConflict(peerId, frame.id);
      }
      return { message: existing, duplicate: true };
    }
    // Field by field, never a spread: the frame is peer input and may carry anything.
    const message: ChatMessage = {
      id: frame.id,
      peerId,
      direction: 'in',
      text: frame.text,
      sentAt: frame.sentAt,
      seq: frame.seq,
      localOrder: await takeNext(tx.objectStore('meta'), 'last-local-order'),
      state: 'received',
    };
    await messages.add(message);
    await tx.done;
    return { message, duplicate: false };
  }

  /**
   * Moves this conversation's outgoing messages forward to `state`, never back.
   * IDs that are unknown, incoming or another conversation's are ignored: receipts
   * come from the peer. Returns the messages that changed.
   */
  async advanceOutgoing(
    peerId: string,
    ids: readonly string[],
    state: 'sent' | 'delivered' | 'read',
  ): Promise<ChatMessage[]> {
    const tx = this.#db.transaction('messages', 'readwrite');
    const changed: ChatMessage[] = [];
    for (const id of new Set(ids)) {
      const message = await tx.store.get(id);
      if (!message || message.peerId !== peerId || message.direction !== 'out') continue;
      if (OUTGOING_PROGRESS.indexOf(state) <= OUTGOING_PROGRESS.indexOf(message.state)) continue;
      const advanced: ChatMessage = { ...message, state };
      await tx.store.put(advanced);
      changed.push(advanced);
    }
    await tx.done;
    return changed;
  }

  /** Marks every unread message of the conversation 'read'; returns them in display order. */
  async markConversationRead(peerId: string): Promise<ChatMessage[]> {
    const tx = this.#db.transaction('messages', 'readwrite');
    const unread = await tx.store.index('by-state').getAll(['in', 'received', peerId]);
    const read = unread
      .map((message): ChatMessage => ({ ...message, state: 'read' }))
      .sort((a, b) => a.localOrder - b.localOrder);
    await Promise.all([...read.map((message) => tx.store.put(message)), tx.done]);
    return read;
  }

  /** Outgoing messages not yet delivered, by ascending seq: what to resend on connecting. */
  async undelivered(peerId: string): Promise<ChatMessage[]> {
    const byState = this.#db.transaction('messages').store.index('by-state');
    const [sending, sent] = await Promise.all([
      byState.getAll(['out', 'sending', peerId]),
      byState.getAll(['out', 'sent', peerId]),
    ]);
    return [...sending, ...sent].sort((a, b) => a.seq - b.seq);
  }

  /** The latest `limit` messages of the conversation, oldest first. Reads only those. */
  async conversation(peerId: string, limit: number): Promise<ChatMessage[]> {
    const latest: ChatMessage[] = [];
    if (!(limit > 0)) return latest;
    const byConversation = this.#db.transaction('messages').store.index('by-conversation');
    let cursor = await byConversation.openCursor(conversationRange(peerId), 'prev');
    while (cursor) {
      latest.push(cursor.value);
      if (latest.length >= limit) break;
      cursor = await cursor.continue();
    }
    return latest.reverse();
  }

  /** Unread count per conversation; conversations with none are absent. */
  async unreadCounts(): Promise<Map<string, number>> {
    const byState = this.#db.transaction('messages').store.index('by-state');
    const counts = new Map<string, number>();
    // 'nextunique' stops once per conversation; count() tallies it without reading messages.
    let cursor = await byState.openKeyCursor(UNREAD_RANGE, 'nextunique');
    while (cursor) {
      counts.set(cursor.key[2], await byState.count(cursor.key));
      cursor = await cursor.continue();
    }
    return counts;
  }

  /** The last message (highest localOrder) of each conversation that has one. */
  async lastMessages(): Promise<Map<string, ChatMessage>> {
    const byConversation = this.#db.transaction('messages').store.index('by-conversation');
    const last = new Map<string, ChatMessage>();
    let cursor = await byConversation.openCursor(null, 'prev');
    while (cursor) {
      const message = cursor.value;
      last.set(message.peerId, message);
      // Jump over the rest of this conversation to the previous one's last message.
      cursor = await cursor.continue([message.peerId, -Infinity]);
    }
    return last;
  }
}

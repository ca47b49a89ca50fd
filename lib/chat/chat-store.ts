import { openDB, type IDBPDatabase } from 'idb';
import type { Contact } from '../contacts/contact.ts';
import { logger } from '../log.ts';
import { ReopeningDatabase } from '../storage/reopening-database.ts';
import { isFurther, type ChatMessage, type OutgoingProgress } from './chat-message.ts';
import { ChatStoreConflict } from './chat-store-conflict.ts';
import { DB_VERSION, upgradeChatDb, type ChatDb } from './chat-store-schema.ts';

export { ChatStoreConflict } from './chat-store-conflict.ts';

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

/**
 * Contacts and chat history in IndexedDB, the one storage Chrome's offscreen document
 * (where the host runs) has. Every method is one transaction, so concurrent calls and
 * a browser closing mid-way leave no half-done state.
 */
export class ChatStore {
  readonly #database: ReopeningDatabase<ChatDb>;
  /**
   * The counters of `meta`, kept in memory too: the host is the only writer, and reading
   * them back would cost a round trip to the storage process on every message. Each is
   * bumped before its transaction commits; one that fails leaves a gap, never a repeat.
   * (Were a second writer ever to appear, the unique `by-conversation` index would make
   * its clashing writes fail rather than mix two messages up.)
   */
  #lastLocalOrder: number;
  readonly #lastOutgoingSeq: Map<string, number>;

  private constructor(
    database: ReopeningDatabase<ChatDb>,
    lastLocalOrder: number,
    lastOutgoingSeq: Map<string, number>,
  ) {
    this.#database = database;
    this.#lastLocalOrder = lastLocalOrder;
    this.#lastOutgoingSeq = lastOutgoingSeq;
  }

  static async open(databaseName = 'parley-chat'): Promise<ChatStore> {
    const database = await ReopeningDatabase.open<ChatDb>(databaseName, (terminated) => {
      const db: Promise<IDBPDatabase<ChatDb>> = openDB<ChatDb>(databaseName, DB_VERSION, {
        upgrade: (database, oldVersion) => upgradeChatDb(database, oldVersion),
        // Another connection wants to migrate (a newer Parley) or delete the database:
        // step aside rather than block it. This store is unusable afterwards.
        blocking: (_currentVersion, blockedVersion) => {
          logger.warn('chat-store-yielded', { databaseName, blockedVersion });
          void db.then((connection) => connection.close());
        },
        terminated,
      });
      return db;
    });
    const meta = database.connection.transaction('meta').store;
    const seqRange = IDBKeyRange.bound(['last-outgoing-seq'], ['last-outgoing-seq', []]);
    const [lastLocalOrder, seqKeys, seqs] = await Promise.all([
      meta.get('last-local-order'),
      meta.getAllKeys(seqRange),
      meta.getAll(seqRange),
    ]);
    const lastOutgoingSeq = new Map(
      seqKeys.map((key, i) => [(key as [string, string])[1], seqs[i]!] as const),
    );
    return new ChatStore(database, lastLocalOrder ?? 0, lastOutgoingSeq);
  }

  /** The next localOrder: arrival or creation order on this device. */
  #takeLocalOrder(): number {
    return ++this.#lastLocalOrder;
  }

  /** The connection, reopened if the browser ended the last one (see ReopeningDatabase). */
  get #db(): IDBPDatabase<ChatDb> {
    return this.#database.connection;
  }

  close(): void {
    this.#database.close();
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
    this.#lastOutgoingSeq.delete(peerId);
    await tx.objectStore('meta').delete(['last-outgoing-seq', peerId]);
    const byConversation = tx.objectStore('messages').index('by-conversation');
    let cursor = await byConversation.openCursor(conversationRange(peerId));
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  /**
   * Stores a new outgoing message as 'sending', with the next seq and localOrder.
   * This write is on every message's critical path, so it reads nothing and its requests
   * go out together: each awaited request is a round trip to the storage process.
   */
  async addOutgoing(peerId: string, text: string, now: number): Promise<ChatMessage> {
    const seq = (this.#lastOutgoingSeq.get(peerId) ?? 0) + 1;
    this.#lastOutgoingSeq.set(peerId, seq);
    const message: ChatMessage = {
      id: crypto.randomUUID(),
      peerId,
      direction: 'out',
      text,
      sentAt: now,
      seq,
      localOrder: this.#takeLocalOrder(),
      state: 'sending',
    };
    const tx = this.#db.transaction(['messages', 'meta'], 'readwrite');
    const meta = tx.objectStore('meta');
    // `add`, not `put`: an ID that somehow exists already must fail, not overwrite.
    await Promise.all([
      tx.objectStore('messages').add(message),
      meta.put(message.seq, ['last-outgoing-seq', peerId]),
      meta.put(message.localOrder, 'last-local-order'),
      tx.done,
    ]);
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
      localOrder: this.#takeLocalOrder(),
      state: 'received',
    };
    await Promise.all([
      messages.add(message),
      tx.objectStore('meta').put(message.localOrder, 'last-local-order'),
      tx.done,
    ]);
    return { message, duplicate: false };
  }

  /**
   * Moves this conversation's outgoing messages forward to `state`, never back.
   * IDs that are unknown, incoming or another conversation's are ignored: receipts
   * come from the peer. Returns the messages that changed.
   */
  advanceOutgoing(
    peerId: string,
    ids: readonly string[],
    state: OutgoingProgress,
  ): Promise<ChatMessage[]> {
    return this.advanceOutgoingEach(
      peerId,
      ids.map((id) => [id, state]),
    );
  }

  /** As `advanceOutgoing`, with a state of its own for each message, in one transaction. */
  async advanceOutgoingEach(
    peerId: string,
    progress: Iterable<readonly [id: string, state: OutgoingProgress]>,
  ): Promise<ChatMessage[]> {
    const wanted = new Map(progress);
    const tx = this.#db.transaction('messages', 'readwrite');
    const ids = [...wanted.keys()];
    // All reads go out at once: each awaited request is a round trip to the storage process.
    const found = await Promise.all(ids.map((id) => tx.store.get(id)));
    const changed: ChatMessage[] = [];
    for (const message of found) {
      if (!message || message.peerId !== peerId || message.direction !== 'out') continue;
      const state = wanted.get(message.id)!;
      if (!isFurther(state, message.state)) continue;
      changed.push({ ...message, state });
    }
    await Promise.all([...changed.map((message) => tx.store.put(message)), tx.done]);
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

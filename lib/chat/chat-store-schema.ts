import type { DBSchema, IDBPDatabase } from 'idb';
import type { Contact } from '../contacts/contact.ts';
import type { ChatMessage } from './chat-message.ts';

/**
 * Bump this and add a step to `upgradeChatDb` whenever a store or index changes.
 * Version 1: contacts, messages (by-conversation, by-state), meta.
 */
export const DB_VERSION = 1;

/** Keys of the `meta` store: the last number handed out by each counter. */
export type CounterKey =
  /** Last `localOrder` given to any message on this device. */
  | 'last-local-order'
  /** Last `seq` we gave an outgoing message in the conversation with this peer. */
  | ['last-outgoing-seq', string];

export interface ChatDb extends DBSchema {
  contacts: { key: string; value: Contact };
  messages: {
    key: string;
    value: ChatMessage;
    indexes: {
      /** [peerId, localOrder]: a conversation in display order, and its last message. */
      'by-conversation': [string, number];
      /**
       * [direction, state, peerId]: unread ('in', 'received') and undelivered
       * ('out', 'sending' | 'sent') messages, per conversation or, because the
       * peer ID comes last, across all conversations in one range.
       */
      'by-state': [string, string, string];
    };
  };
  meta: { key: CounterKey; value: number };
}

/**
 * Brings the database from `oldVersion` up to `DB_VERSION`, one version step at a time,
 * so a browser that skipped releases still passes through every migration.
 */
export function upgradeChatDb(db: IDBPDatabase<ChatDb>, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore('contacts', { keyPath: 'peerId' });
    const messages = db.createObjectStore('messages', { keyPath: 'id' });
    messages.createIndex('by-conversation', ['peerId', 'localOrder'], { unique: true });
    messages.createIndex('by-state', ['direction', 'state', 'peerId']);
    db.createObjectStore('meta');
  }
}

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { logger } from '../log.ts';
import { ReopeningDatabase } from '../storage/reopening-database.ts';
import type { CallSummary } from './call-types.ts';

interface CallDb extends DBSchema {
  calls: { key: string; value: CallSummary; indexes: { 'by-peer': string; 'by-start': number } };
}

/** Version 1: calls (by-peer, by-start). Bump it and add an upgrade step on any change. */
const DB_VERSION = 1;

/**
 * Ended calls, kept so a conversation still notes its missed, declined and finished calls
 * after a restart. A database of its own, like the transfers': the chat's schema stays
 * the chat's. A call is written once, when it ends (a running call has nothing to resume).
 */
export class CallStore {
  readonly #database: ReopeningDatabase<CallDb>;

  private constructor(database: ReopeningDatabase<CallDb>) {
    this.#database = database;
  }

  static async open(databaseName = 'parley-calls'): Promise<CallStore> {
    const database = await ReopeningDatabase.open<CallDb>(databaseName, (terminated) => {
      const db: Promise<IDBPDatabase<CallDb>> = openDB<CallDb>(databaseName, DB_VERSION, {
        upgrade(database, oldVersion) {
          if (oldVersion < 1) {
            const calls = database.createObjectStore('calls', { keyPath: 'callId' });
            calls.createIndex('by-peer', 'peerId');
            calls.createIndex('by-start', 'startedAt');
          }
        },
        // A newer Parley wants to migrate: step aside rather than block it.
        blocking: () => {
          logger.warn('call-store-yielded', { databaseName });
          void db.then((connection) => connection.close());
        },
        terminated,
      });
      return db;
    });
    return new CallStore(database);
  }

  get #db(): IDBPDatabase<CallDb> {
    return this.#database.connection;
  }

  close(): void {
    this.#database.close();
  }

  async put(call: CallSummary): Promise<void> {
    await this.#db.put('calls', call);
  }

  /** The `limit` latest calls (by start), oldest first. */
  async latest(limit: number): Promise<CallSummary[]> {
    const calls: CallSummary[] = [];
    let cursor = await this.#db
      .transaction('calls')
      .store.index('by-start')
      .openCursor(null, 'prev');
    while (cursor && calls.length < limit) {
      calls.push(cursor.value);
      cursor = await cursor.continue();
    }
    return calls.reverse();
  }

  /** Forgets every call with this contact (the contact was removed or blocked). */
  async deleteForPeer(peerId: string): Promise<void> {
    const tx = this.#db.transaction('calls', 'readwrite');
    const ids = await tx.store.index('by-peer').getAllKeys(peerId);
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  }
}

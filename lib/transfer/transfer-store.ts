import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { logger } from '../log.ts';
import { ReopeningDatabase } from '../storage/reopening-database.ts';
import type { TransferRecord } from './transfer-record.ts';

interface TransferDb extends DBSchema {
  transfers: { key: string; value: TransferRecord; indexes: { 'by-peer': string } };
  /** Per contact: files up to this many bytes are accepted without asking. */
  'auto-accept': { key: string; value: number };
}

/**
 * Version 1: transfers (by-peer), auto-accept. Bump it and add a step to the upgrade
 * whenever a store or index changes.
 */
const DB_VERSION = 1;

/**
 * The host's record of file transfers and the per-contact auto-accept limits, in a
 * database of their own: the chat database's schema stays the chat's business.
 * A record is written on every change of state and at every checkpoint, never per chunk.
 */
export class TransferStore {
  readonly #database: ReopeningDatabase<TransferDb>;

  private constructor(database: ReopeningDatabase<TransferDb>) {
    this.#database = database;
  }

  static async open(databaseName = 'parley-transfers'): Promise<TransferStore> {
    const database = await ReopeningDatabase.open<TransferDb>(databaseName, (terminated) => {
      const db: Promise<IDBPDatabase<TransferDb>> = openDB<TransferDb>(databaseName, DB_VERSION, {
        upgrade(database, oldVersion) {
          if (oldVersion < 1) {
            database
              .createObjectStore('transfers', { keyPath: 'id' })
              .createIndex('by-peer', 'peerId');
            database.createObjectStore('auto-accept');
          }
        },
        // A newer Parley wants to migrate: step aside rather than block it.
        blocking: () => {
          logger.warn('transfer-store-yielded', { databaseName });
          void db.then((connection) => connection.close());
        },
        terminated,
      });
      return db;
    });
    return new TransferStore(database);
  }

  /** The connection, reopened if the browser ended the last one (see ReopeningDatabase). */
  get #db(): IDBPDatabase<TransferDb> {
    return this.#database.connection;
  }

  close(): void {
    this.#database.close();
  }

  list(): Promise<TransferRecord[]> {
    return this.#db.getAll('transfers');
  }

  get(id: string): Promise<TransferRecord | undefined> {
    return this.#db.get('transfers', id);
  }

  async put(record: TransferRecord): Promise<void> {
    await this.#db.put('transfers', record);
  }

  /** Forgets every transfer with this contact (the contact was removed). */
  async deleteForPeer(peerId: string): Promise<string[]> {
    const tx = this.#db.transaction(['transfers', 'auto-accept'], 'readwrite');
    const ids = await tx.objectStore('transfers').index('by-peer').getAllKeys(peerId);
    await Promise.all([
      ...ids.map((id) => tx.objectStore('transfers').delete(id)),
      tx.objectStore('auto-accept').delete(peerId),
      tx.done,
    ]);
    return ids;
  }

  async autoAcceptLimits(): Promise<Map<string, number>> {
    const tx = this.#db.transaction('auto-accept');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    return new Map(keys.map((key, i) => [key, values[i]!]));
  }

  async setAutoAcceptLimit(peerId: string, bytes: number): Promise<void> {
    if (bytes > 0) await this.#db.put('auto-accept', bytes, peerId);
    else await this.#db.delete('auto-accept', peerId);
  }
}

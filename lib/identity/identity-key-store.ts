import { openDB, type DBSchema } from 'idb';
import { logger } from '../log.ts';
import { createIdentityKeys, PUBLIC_KEY_PATTERN, type IdentityKeys } from './identity-keys.ts';

interface IdentityDb extends DBSchema {
  keys: { key: 'self'; value: IdentityKeys };
}

/** Version 1: keys. Bump it and add an upgrade step on any change. */
const DB_VERSION = 1;

/**
 * This installation's identity keys, made on first start and kept in IndexedDB: a
 * CryptoKey survives structured clone there, non-extractable as it was made, where
 * extension storage would need the private key's bytes. Read once at start-up, so it
 * needs none of ReopeningDatabase's care.
 */
export async function loadOrCreateIdentityKeys(
  databaseName = 'parley-identity',
): Promise<IdentityKeys> {
  const db = await openDB<IdentityDb>(databaseName, DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) database.createObjectStore('keys');
    },
  });
  try {
    const saved = await db.get('keys', 'self');
    if (saved && saved.privateKey instanceof CryptoKey && PUBLIC_KEY_PATTERN.test(saved.publicKey))
      return saved;
    const keys = await createIdentityKeys();
    // `add`, not `put`: if two starts race, the second fails instead of replacing the
    // key the first may already have shown to contacts.
    try {
      await db.add('keys', keys, 'self');
    } catch (error) {
      const winner = await db.get('keys', 'self');
      if (winner) return winner;
      throw error;
    }
    logger.info('identity-keys-created', {});
    return keys;
  } finally {
    db.close();
  }
}

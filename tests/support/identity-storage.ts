// Changes to what a profile's Parley keeps in IndexedDB, made from one of its extension
// pages (they share the host's origin, so its databases): the steps by which an installation
// gets a new identity key, or another installation's peer ID. The host reads these only at
// start, so each change takes effect when the profile's browser restarts.
import { toBase64Url } from '../../lib/identity/base64url.ts';
import type { Contact } from '../../lib/contacts/contact.ts';
import type { PeerIdentity } from '../../lib/host/peer-identity.ts';
import type { ExtensionPage } from './host-requests.ts';

/**
 * Deletes the database that holds the installation's identity key (`parley-identity`),
 * so the host makes a new key on its next start. The host closes the database once it has
 * read the key; if it still held it open the deletion would wait, and this says so.
 */
export async function deleteIdentityKeys(page: ExtensionPage): Promise<void> {
  const outcome = await page.evaluate(
    (name) =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(`failed: ${String(request.error)}`);
        request.onblocked = () => resolve('blocked: a connection still holds it open');
      }),
    'parley-identity',
  );
  if (outcome !== 'deleted') throw new Error(`Deleting parley-identity: ${outcome}`);
}

/** A valid public identity key nobody holds the private half of: for codes that must fail. */
export async function strangerPublicKey(): Promise<string> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  return toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
}

/**
 * Puts `value` under `key` (or under its key path, when `key` is left out) in an existing
 * object store. Never creates a database: an empty one would stop the host from setting
 * it up.
 */
async function putStored(
  page: ExtensionPage,
  database: string,
  store: string,
  value: unknown,
  key?: string,
): Promise<void> {
  await page.evaluate(
    async ({ database, store, value, key }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error(`cannot open ${database}`));
      });
      try {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction(store, 'readwrite');
          if (key === null) tx.objectStore(store).put(value);
          else tx.objectStore(store).put(value, key);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error ?? new Error(`cannot write to ${store}`));
        });
      } finally {
        db.close();
      }
    },
    { database, store, value, key: key ?? null },
  );
}

/**
 * Makes the profile's Parley register as `peerId` from its next start: its saved peer
 * identity (`parley-host`, `identity`) gets that ID, with a token of its own, as a
 * modified install of someone who knows the ID could. Its identity key stays its own.
 */
export async function takePeerId(page: ExtensionPage, peerId: string): Promise<PeerIdentity> {
  const token = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const identity: PeerIdentity = { peerId, token };
  await putStored(page, 'parley-host', 'values', identity, 'identity');
  return identity;
}

/**
 * Writes `peerId` into the profile's contacts as an accepted contact with no key pinned,
 * as a modified install could claim a contact it never made: its host then sends that
 * peer chat on every connection, not just a request.
 */
export async function claimAcceptedContact(page: ExtensionPage, peerId: string): Promise<void> {
  const contact: Contact = {
    peerId,
    nickname: '',
    offeredName: '',
    status: 'accepted',
    addedAt: Date.now(),
    publicKey: null,
    verified: false,
    pendingKey: null,
  };
  await putStored(page, 'parley-chat', 'contacts', contact);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

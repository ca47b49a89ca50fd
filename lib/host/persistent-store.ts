import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { Preferences } from '../protocol/host-state.ts';
import type { Settings } from '../settings/settings.ts';
import type { PeerIdentity } from './peer-identity.ts';

/** What the host keeps across browser restarts, by key. */
interface StoredValues {
  identity: PeerIdentity;
  settings: Settings;
  preferences: Preferences;
}

/**
 * The host's own small key-value store in IndexedDB. IndexedDB rather than
 * `browser.storage`: Chrome's offscreen document, where the host lives, can use no
 * extension API but `runtime`.
 */
export class PersistentStore {
  readonly #store: UseStore;

  constructor(databaseName = 'parley-host') {
    this.#store = createStore(databaseName, 'values');
  }

  load<K extends keyof StoredValues>(key: K): Promise<StoredValues[K] | undefined> {
    return get<StoredValues[K]>(key, this.#store);
  }

  save<K extends keyof StoredValues>(key: K, value: StoredValues[K]): Promise<void> {
    return set(key, value, this.#store);
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../settings/settings.ts';
import { isPeerIdentity } from './peer-identity.ts';
import { PersistentStore } from './persistent-store.ts';
import { loadOrCreateIdentity, loadSettings } from './start-peer-host.ts';

let databaseName: string;
let errors: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  // A fresh IndexedDB database per test (fake-indexeddb keeps them for the whole file).
  databaseName = `parley-test-${crypto.randomUUID()}`;
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const loggedEvents = () => errors.mock.calls.map((call: unknown[]) => call[0]);

describe('loadOrCreateIdentity', () => {
  it('creates an identity once and finds the same one after a browser restart', async () => {
    const first = await loadOrCreateIdentity(new PersistentStore(databaseName));
    expect(isPeerIdentity(first)).toBe(true);

    const afterRestart = await loadOrCreateIdentity(new PersistentStore(databaseName));
    expect(afterRestart).toEqual(first);
  });

  it('gives separate installations (databases) separate identities', async () => {
    const mine = await loadOrCreateIdentity(new PersistentStore(databaseName));
    const theirs = await loadOrCreateIdentity(new PersistentStore(`${databaseName}-other`));
    expect(theirs.peerId).not.toBe(mine.peerId);
  });

  it.each([
    ['a malformed ID', { peerId: 'not valid!', token: 'abc' }],
    ['a missing token', { peerId: 'abcd-efgh-jkmn-pqrs' }],
    ['a string', 'abcd-efgh-jkmn-pqrs'],
    ['null', null],
  ])('replaces a stored identity with %s, logs it and keeps the replacement', async (_, stored) => {
    const store = new PersistentStore(databaseName);
    await store.save('identity', stored as never);

    const identity = await loadOrCreateIdentity(store);

    expect(isPeerIdentity(identity)).toBe(true);
    expect(loggedEvents()).toContain('[parley] identity-unreadable');
    expect(await new PersistentStore(databaseName).load('identity')).toEqual(identity);
  });
});

describe('loadSettings', () => {
  const saved: Settings = {
    server: { host: 'saved.example.org', port: 9443, path: '/p', secure: true, key: 'saved' },
    iceServers: [{ url: 'stun:stun.example.org', username: '', credential: '' }],
  };

  beforeEach(() => {
    vi.stubEnv('WXT_PARLEY_SIGNALING_URL', 'https://build.example.org:8443/parley');
    vi.stubEnv('WXT_PARLEY_SIGNALING_KEY', 'build-key');
    vi.stubEnv('WXT_PARLEY_ICE_URLS', 'stun:build.example.org:3478');
  });

  const buildDefaults: Settings = {
    server: {
      host: 'build.example.org',
      port: 8443,
      path: '/parley',
      secure: true,
      key: 'build-key',
    },
    iceServers: [{ url: 'stun:build.example.org:3478', username: '', credential: '' }],
  };

  it("returns this build's defaults when nothing is saved", async () => {
    expect(await loadSettings(new PersistentStore(databaseName))).toEqual(buildDefaults);
  });

  it('returns the saved settings, also after a browser restart', async () => {
    await new PersistentStore(databaseName).save('settings', saved);
    expect(await loadSettings(new PersistentStore(databaseName))).toEqual(saved);
  });

  it('falls back to the defaults, and logs it, when the saved settings are invalid', async () => {
    const store = new PersistentStore(databaseName);
    await store.save('settings', { ...saved, server: { ...saved.server, port: 0 } });

    expect(await loadSettings(store)).toEqual(buildDefaults);
    expect(loggedEvents()).toContain('[parley] settings-unreadable');
  });

  it('falls back to the defaults when the saved value is not settings at all', async () => {
    const store = new PersistentStore(databaseName);
    await store.save('settings', 'garbage' as never);
    expect(await loadSettings(store)).toEqual(buildDefaults);
  });
});

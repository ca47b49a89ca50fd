import { deleteDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadOrCreateIdentityKeys } from './identity-key-store.ts';
import { signWith, verifySignature } from './identity-keys.ts';

const NAME = 'identity-key-store-test';

afterEach(async () => {
  await deleteDB(NAME);
  vi.restoreAllMocks();
});

describe('loadOrCreateIdentityKeys', () => {
  it('makes the keys once and finds the same ones on every later start', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const first = await loadOrCreateIdentityKeys(NAME);
    const again = await loadOrCreateIdentityKeys(NAME);

    expect(again.publicKey).toBe(first.publicKey);
    expect(again.privateKey.extractable).toBe(false);
    const data = new TextEncoder().encode('still mine');
    expect(await verifySignature(first.publicKey, data, await signWith(again, data))).toBe(true);
  });

  it('two starts at once agree on one key', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const [a, b] = await Promise.all([
      loadOrCreateIdentityKeys(NAME),
      loadOrCreateIdentityKeys(NAME),
    ]);
    expect(a.publicKey).toBe(b.publicKey);
  });
});

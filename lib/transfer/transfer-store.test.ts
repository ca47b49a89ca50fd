import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferRecord } from './transfer-record.ts';
import { TransferStore } from './transfer-store.ts';

const opened: { store: TransferStore; name: string }[] = [];

async function openStore(name = `transfer-store-test-${crypto.randomUUID()}`) {
  const store = await TransferStore.open(name);
  opened.push({ store, name });
  return store;
}

afterEach(async () => {
  for (const { store, name } of opened.splice(0)) {
    store.close();
    await deleteDB(name);
  }
});

function record(
  id: string,
  peerId: string,
  overrides: Partial<TransferRecord> = {},
): TransferRecord {
  return {
    id,
    peerId,
    direction: 'in',
    name: 'photo.jpg',
    size: 1000,
    offeredAt: 1,
    state: 'transferring',
    reason: null,
    storedBytes: 512,
    hashState: new Uint8Array([1, 2, 3]),
    sentBytes: 0,
    sha256: null,
    downloadId: null,
    endedBy: null,
    owed: null,
    ...overrides,
  };
}

describe('TransferStore', () => {
  it('keeps records, hash state included, across a reopen', async () => {
    const name = `transfer-store-test-${crypto.randomUUID()}`;
    const before = await openStore(name);
    await before.put(record('a', 'alice'));
    await before.put(record('a', 'alice', { storedBytes: 768 }));
    before.close();

    const after = await openStore(name);
    expect(await after.list()).toEqual([record('a', 'alice', { storedBytes: 768 })]);
    expect((await after.get('a'))?.hashState).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("forgets one contact's transfers and auto-accept limit, and no one else's", async () => {
    const store = await openStore();
    await store.put(record('a1', 'alice'));
    await store.put(record('a2', 'alice'));
    await store.put(record('b1', 'bob'));
    await store.setAutoAcceptLimit('alice', 10);
    await store.setAutoAcceptLimit('bob', 20);

    expect((await store.deleteForPeer('alice')).sort()).toEqual(['a1', 'a2']);
    expect((await store.list()).map((kept) => kept.id)).toEqual(['b1']);
    expect(await store.autoAcceptLimits()).toEqual(new Map([['bob', 20]]));
  });

  it('stores an auto-accept limit of 0 as none at all', async () => {
    const store = await openStore();
    await store.setAutoAcceptLimit('alice', 10);
    await store.setAutoAcceptLimit('alice', 0);
    expect(await store.autoAcceptLimits()).toEqual(new Map());
  });
});

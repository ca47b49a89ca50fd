import { openDB, unwrap, type DBSchema, type IDBPDatabase } from 'idb';
import { describe, expect, it } from 'vitest';
import { ReopeningDatabase, type OpenDatabase } from './reopening-database.ts';

interface ThingsDb extends DBSchema {
  things: { key: string; value: number };
}

/** A fresh database per test: fake-indexeddb keeps them for the whole file. */
const freshName = () => `reopening-test-${crypto.randomUUID()}`;

function opener(name: string, failures = 0): OpenDatabase<ThingsDb> & { calls: number } {
  const open = Object.assign(
    (terminated: () => void) => {
      open.calls += 1;
      if (open.calls > 1 && failures-- > 0)
        return Promise.reject(new DOMException('The disk is full.', 'QuotaExceededError'));
      return openDB<ThingsDb>(name, 1, {
        upgrade: (database) => database.createObjectStore('things'),
        terminated,
      });
    },
    { calls: 0 },
  );
  return open;
}

/** What Chrome does on a full disk: it closes the connection and fires 'close' on it. */
function terminate(connection: IDBPDatabase<ThingsDb>): void {
  const raw = unwrap(connection);
  raw.close();
  // fake-indexeddb dispatches only events shaped like its own; these are the fields it reads.
  const closeEvent = {
    type: 'close',
    eventPath: [],
    initialized: true,
    dispatched: false,
    bubbles: false,
    cancelable: false,
    propagationStopped: false,
    immediatePropagationStopped: false,
    canceled: false,
    ...{ NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 },
  };
  raw.dispatchEvent(closeEvent as unknown as Event);
}

describe('ReopeningDatabase', () => {
  it('opens the database again after the browser terminates the connection', async () => {
    const database = await ReopeningDatabase.open(freshName(), opener(freshName()));
    const first = database.connection;
    await first.put('things', 1, 'before');
    terminate(first);
    // The ended connection refuses requests, as Chrome's does…
    await expect(first.put('things', 2, 'during')).rejects.toThrow();
    // …and its successor takes them, with the data written before.
    await expect.poll(() => database.connection).not.toBe(first);
    await database.connection.put('things', 3, 'after');
    expect(await database.connection.get('things', 'before')).toBe(1);
    expect(await database.connection.get('things', 'after')).toBe(3);
    database.close();
  });

  it('tries again, with pauses, while the database cannot be opened', async () => {
    const name = freshName();
    const open = opener(name, 2);
    const database = await ReopeningDatabase.open(name, open, [0, 5]);
    const first = database.connection;
    terminate(first);
    await expect.poll(() => database.connection).not.toBe(first);
    // The first open, two refused reopens, then one that worked.
    expect(open.calls).toBe(4);
    await database.connection.put('things', 1, 'key');
    database.close();
  });

  it('reopens each time it is terminated', async () => {
    const name = freshName();
    const database = await ReopeningDatabase.open(name, opener(name), [0]);
    for (let round = 0; round < 3; round += 1) {
      const before = database.connection;
      terminate(before);
      await expect.poll(() => database.connection).not.toBe(before);
    }
    await database.connection.put('things', 1, 'key');
    database.close();
  });

  it('stops trying once closed', async () => {
    const name = freshName();
    const open = opener(name, Infinity);
    const database = await ReopeningDatabase.open(name, open, [5]);
    terminate(database.connection);
    await expect.poll(() => open.calls).toBeGreaterThan(1);
    database.close();
    const calls = open.calls;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(open.calls).toBe(calls);
  });
});

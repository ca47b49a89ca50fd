import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { Contact } from '../contacts/contact.ts';
import { ContactKeys, type ContactRecords } from './contact-keys.ts';
import { createIdentityKeys } from './identity-keys.ts';
import { verificationCode } from './safety-number.ts';

const OWN = 'mmmm-5555';
const BOB = 'bbbb-2222';
const KEY_1 = `B${'1'.repeat(86)}`;
const KEY_2 = `B${'2'.repeat(86)}`;

function contact(overrides: Partial<Contact> = {}): Contact {
  return {
    peerId: BOB,
    nickname: 'Bob',
    offeredName: '',
    status: 'accepted',
    addedAt: 0,
    publicKey: null,
    verified: false,
    pendingKey: null,
    ...overrides,
  };
}

/** Contact records in memory, as ChatService keeps them. */
function records(initial: Contact[]): ContactRecords & { all: Map<string, Contact> } {
  const all = new Map(initial.map((entry) => [entry.peerId, entry]));
  return {
    all,
    contact: (peerId) => all.get(peerId),
    updateContact: (peerId, change) => {
      const current = all.get(peerId);
      if (!current) return Promise.resolve(undefined);
      const changed = change(current);
      if (changed) all.set(peerId, changed);
      return Promise.resolve(changed ?? current);
    },
  };
}

let onChange: Mock<() => void>;

beforeEach(() => {
  onChange = vi.fn<() => void>();
  for (const level of ['info', 'warn'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
});

function keysFor(...contacts: Contact[]) {
  const store = records(contacts);
  const keys = new ContactKeys({ ownId: OWN, ownKey: KEY_1, records: store, onChange });
  return { keys, store, bob: () => store.all.get(BOB)! };
}

describe('ContactKeys: trust on first use', () => {
  it('pins the first key a contact proves, and trusts it after', async () => {
    const { keys, bob } = keysFor(contact());
    expect(await keys.judge(BOB, KEY_1)).toBe('trusted');
    expect(bob().publicKey).toBe(KEY_1);
    expect(await keys.judge(BOB, KEY_1)).toBe('trusted');
  });

  it('sets a different key aside, alarmed, without touching the pinned one', async () => {
    const { keys, bob } = keysFor(contact({ publicKey: KEY_1, verified: true }));
    expect(await keys.judge(BOB, KEY_2)).toBe('changed');
    expect(bob()).toMatchObject({ publicKey: KEY_1, pendingKey: KEY_2, verified: true });
    expect(keys.alarmOf(bob())).toEqual({ kind: 'key-changed', newKey: KEY_2 });
    // Proving it again changes nothing; proving the pinned key again clears the alarm.
    expect(await keys.judge(BOB, KEY_2)).toBe('changed');
    expect(await keys.judge(BOB, KEY_1)).toBe('trusted');
    expect(bob().pendingKey).toBeNull();
    expect(keys.alarmOf(bob())).toBeNull();
  });

  it("remembers a stranger's key for when it becomes a contact", async () => {
    const { keys } = keysFor();
    expect(await keys.judge('stranger', KEY_2)).toBe('trusted');
    expect(keys.provenKey('stranger')).toBe(KEY_2);
    expect(keys.provenKey('nobody')).toBeNull();
  });

  it('accepting the new key pins it and takes the verified mark away', async () => {
    const { keys, bob } = keysFor(contact({ publicKey: KEY_1, verified: true }));
    await keys.judge(BOB, KEY_2);
    expect(await keys.acceptKey(BOB)).toEqual({ ok: true });
    expect(bob()).toMatchObject({ publicKey: KEY_2, pendingKey: null, verified: false });
    expect(await keys.acceptKey(BOB)).toEqual({
      ok: false,
      error: 'There is no new key to accept.',
    });
    expect(await keys.acceptKey('nobody')).toEqual({ ok: false, error: 'No such contact.' });
  });
});

describe('ContactKeys: failed handshakes', () => {
  it('alarms on a failure that means someone in the middle, until a handshake passes', async () => {
    const { keys, bob } = keysFor(contact({ publicKey: KEY_1 }));
    keys.refused(BOB, { ok: false, reason: 'bad-signature', detail: 'no match' });
    expect(keys.alarmOf(bob())).toMatchObject({ kind: 'handshake-failed', detail: 'no match' });
    expect(onChange).toHaveBeenCalled();

    await keys.judge(BOB, KEY_1);
    expect(keys.alarmOf(bob())).toBeNull();
  });

  it('does not alarm on a timeout, a changed key (its own alarm), or for strangers', () => {
    const { keys, bob } = keysFor(contact({ publicKey: KEY_1 }));
    keys.refused(BOB, { ok: false, reason: 'timeout', detail: '' });
    keys.refused(BOB, { ok: false, reason: 'key-changed', detail: '' });
    keys.refused('stranger', { ok: false, reason: 'bad-signature', detail: '' });
    expect(keys.alarmOf(bob())).toBeNull();
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe('ContactKeys: verification', () => {
  it('verifies by code only for the pinned key and the right peer', async () => {
    const { keys, bob } = keysFor(contact({ publicKey: KEY_1 }));
    expect(await keys.verifyCode(BOB, verificationCode('someone-else', KEY_1))).toMatchObject({
      ok: false,
      error: expect.stringContaining('another peer') as unknown,
    });
    expect(await keys.verifyCode(BOB, verificationCode(BOB, KEY_2))).toMatchObject({
      ok: false,
      error: expect.stringContaining('not the one Bob proved') as unknown,
    });
    expect(await keys.verifyCode(BOB, 42)).toMatchObject({ ok: false });
    expect(bob().verified).toBe(false);

    expect(await keys.verifyCode(BOB, verificationCode(BOB, KEY_1))).toEqual({ ok: true });
    expect(bob().verified).toBe(true);
  });

  it('cannot mark verified without a key, or while a new key waits', async () => {
    const none = keysFor(contact());
    expect(await none.keys.setVerified(BOB, true)).toEqual({
      ok: false,
      error: 'No key yet: connect to them once first.',
    });
    const changed = keysFor(contact({ publicKey: KEY_1, pendingKey: KEY_2 }));
    expect(await changed.keys.setVerified(BOB, true)).toMatchObject({ ok: false });
    expect(await changed.keys.setVerified(BOB, false)).toEqual({ ok: true });
  });

  it('computes the safety number once, then serves it', async () => {
    const own = await createIdentityKeys();
    const theirs = await createIdentityKeys();
    const store = records([contact({ publicKey: theirs.publicKey })]);
    const keys = new ContactKeys({ ownId: OWN, ownKey: own.publicKey, records: store, onChange });
    const bob = store.all.get(BOB)!;

    expect(keys.safetyNumberOf(bob)).toBeNull();
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));
    expect(keys.safetyNumberOf(bob)).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(keys.safetyNumberOf(contact())).toBeNull();
  });
});

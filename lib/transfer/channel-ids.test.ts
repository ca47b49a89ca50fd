import { describe, expect, it } from 'vitest';
import { FIRST_FILE_CHANNEL, LAST_FILE_CHANNEL } from '../wire/wire-schema.ts';
import { isPeersChannelId, pickChannelId } from './channel-ids.ts';

const ALICE = 'alice-peer';
const BOB = 'bob-peer';

describe('pickChannelId', () => {
  it('gives the peer whose ID sorts first even ids, the other odd ones, from 64', () => {
    expect(pickChannelId(ALICE, BOB, new Set())).toBe(FIRST_FILE_CHANNEL);
    expect(pickChannelId(BOB, ALICE, new Set())).toBe(FIRST_FILE_CHANNEL + 1);
  });

  it('moves on past the last id picked, round the ring, so a just-closed id waits', () => {
    expect(pickChannelId(ALICE, BOB, new Set(), 64)).toBe(66);
    expect(pickChannelId(BOB, ALICE, new Set(), 65)).toBe(67);
    expect(pickChannelId(ALICE, BOB, new Set(), 1022)).toBe(64);
    expect(pickChannelId(BOB, ALICE, new Set([65]), 1023)).toBe(67);
  });

  it('skips ids in use, and runs out rather than reuse one', () => {
    expect(pickChannelId(ALICE, BOB, new Set([64, 66]))).toBe(68);
    const all = new Set<number>();
    for (let id = FIRST_FILE_CHANNEL; id <= LAST_FILE_CHANNEL; id += 1) all.add(id);
    expect(pickChannelId(ALICE, BOB, all)).toBeNull();
  });

  it('never picks what the other side may pick, so two accepts at once cannot collide', () => {
    for (let used = 0; used < 20; used += 1) {
      const inUse = new Set(Array.from({ length: used }, (_, i) => FIRST_FILE_CHANNEL + i));
      const mine = pickChannelId(ALICE, BOB, inUse)!;
      const theirs = pickChannelId(BOB, ALICE, inUse)!;
      expect(mine).not.toBe(theirs);
      expect(isPeersChannelId(BOB, ALICE, mine)).toBe(true);
      expect(isPeersChannelId(ALICE, BOB, theirs)).toBe(true);
    }
  });
});

describe('isPeersChannelId', () => {
  it("accepts only the peer's parity within 64 … 1023", () => {
    expect(isPeersChannelId(ALICE, BOB, 65)).toBe(true);
    expect(isPeersChannelId(ALICE, BOB, 64)).toBe(false);
    expect(isPeersChannelId(ALICE, BOB, 63)).toBe(false);
    expect(isPeersChannelId(ALICE, BOB, 1025)).toBe(false);
    expect(isPeersChannelId(BOB, ALICE, 1022)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  createPeerId,
  createPeerIdentity,
  isPeerIdentity,
  normalizePeerId,
  PEER_ID_PATTERN,
} from './peer-identity.ts';

// The alphabet without look-alikes: no 0/o, 1/l/i.
const READABLE_ID = /^[a-hjkmnp-z2-9]{4}(?:-[a-hjkmnp-z2-9]{4}){3}$/;

describe('createPeerId', () => {
  it('makes four dash-separated groups of four readable characters that PeerJS accepts', () => {
    for (let i = 0; i < 200; i++) {
      const id = createPeerId();
      expect(id).toMatch(READABLE_ID);
      expect(id).toMatch(PEER_ID_PATTERN);
    }
  });

  it('never repeats itself and uses the whole alphabet', () => {
    const ids = Array.from({ length: 2_000 }, createPeerId);
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set(ids.join('').replaceAll('-', ''));
    expect([...used].sort().join('')).toBe('23456789abcdefghjkmnpqrstuvwxyz');
  });
});

describe('createPeerIdentity', () => {
  it('pairs a readable ID with a 128-bit hex token, both fresh each time', () => {
    const a = createPeerIdentity();
    const b = createPeerIdentity();
    expect(a.peerId).toMatch(READABLE_ID);
    expect(a.token).toMatch(/^[0-9a-f]{32}$/);
    expect(isPeerIdentity(a)).toBe(true);
    expect(b.peerId).not.toBe(a.peerId);
    expect(b.token).not.toBe(a.token);
  });
});

describe('isPeerIdentity', () => {
  it.each([
    null,
    undefined,
    'abcd-efgh',
    42,
    {},
    { peerId: 'abcd-efgh' },
    { token: 'abc' },
    { peerId: 'abcd-efgh', token: '' },
    { peerId: 'abcd-efgh', token: 7 },
    { peerId: 42, token: 'abc' },
    { peerId: '', token: 'abc' },
    { peerId: '-abcd', token: 'abc' },
    { peerId: 'ab--cd', token: 'abc' },
    { peerId: 'ab!cd', token: 'abc' },
  ])('rejects %j', (value) => {
    expect(isPeerIdentity(value)).toBe(false);
  });
});

describe('normalizePeerId', () => {
  it('trims what a person typed or pasted', () => {
    expect(normalizePeerId('  k3xq-9fzt-m2pa-h7wd\n')).toBe('k3xq-9fzt-m2pa-h7wd');
  });

  it('keeps every ID PeerJS allows, up to 64 characters', () => {
    for (const id of ['a', 'Peer_1', 'two words', 'a-b_c d', 'x'.repeat(64)]) {
      expect(normalizePeerId(id)).toBe(id);
    }
  });

  it.each(['', '   ', '-abc', 'abc-', 'a--b', 'a b!', '<script>', 'ä', 'x'.repeat(65)])(
    'rejects %j',
    (input) => {
      expect(normalizePeerId(input)).toBeNull();
    },
  );
});

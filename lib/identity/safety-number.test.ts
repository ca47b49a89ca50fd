import { describe, expect, it } from 'vitest';
import { createIdentityKeys } from './identity-keys.ts';
import { parseVerificationCode, safetyNumber, verificationCode } from './safety-number.ts';

describe('safetyNumber', () => {
  it('is twelve groups of five digits, the same from either side', async () => {
    const [a, b] = await Promise.all([createIdentityKeys(), createIdentityKeys()]);
    const alice = { peerId: 'alice-1', publicKey: a.publicKey };
    const bob = { peerId: 'bob-2', publicKey: b.publicKey };
    const fromAlice = await safetyNumber(alice, bob);
    expect(fromAlice).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(await safetyNumber(bob, alice)).toBe(fromAlice);
  });

  it('changes with either key, and with the peer IDs', async () => {
    const [a, b, c] = await Promise.all([
      createIdentityKeys(),
      createIdentityKeys(),
      createIdentityKeys(),
    ]);
    const base = await safetyNumber(
      { peerId: 'alice-1', publicKey: a.publicKey },
      { peerId: 'bob-2', publicKey: b.publicKey },
    );
    const otherKey = await safetyNumber(
      { peerId: 'alice-1', publicKey: a.publicKey },
      { peerId: 'bob-2', publicKey: c.publicKey },
    );
    const otherId = await safetyNumber(
      { peerId: 'alice-1', publicKey: a.publicKey },
      { peerId: 'bob-3', publicKey: b.publicKey },
    );
    expect(new Set([base, otherKey, otherId]).size).toBe(3);
  });
});

describe('verification codes', () => {
  it('round-trips a peer ID and key, surrounding space ignored', async () => {
    const { publicKey } = await createIdentityKeys();
    const code = verificationCode('k3xq-9fzt-m2pa-h7wd', publicKey);
    expect(parseVerificationCode(`  ${code}\n`)).toEqual({
      peerId: 'k3xq-9fzt-m2pa-h7wd',
      publicKey,
    });
  });

  it.each([
    '',
    'hello',
    'parley-verify:1:',
    'parley-verify:2:abc:' + 'B'.repeat(87),
    'parley-verify:1:abc:' + 'B'.repeat(86),
    'parley-verify:1:abc:' + 'A'.repeat(87),
    'parley-verify:1::' + 'B'.repeat(87),
    'parley-verify:1:' + 'x'.repeat(65) + ':' + 'B'.repeat(87),
  ])('refuses %j', (text) => {
    expect(parseVerificationCode(text)).toBeNull();
  });
});

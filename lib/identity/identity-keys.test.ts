import { describe, expect, it } from 'vitest';
import {
  createIdentityKeys,
  PUBLIC_KEY_PATTERN,
  SIGNATURE_PATTERN,
  signWith,
  verifySignature,
} from './identity-keys.ts';

const data = (text: string) => new TextEncoder().encode(text);

describe('identity keys', () => {
  it('makes a private key that can sign but never be read', async () => {
    const keys = await createIdentityKeys();
    expect(keys.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', keys.privateKey)).rejects.toThrow();
    expect(keys.publicKey).toMatch(PUBLIC_KEY_PATTERN);
  });

  it('verifies its own signature, and nothing tampered with', async () => {
    const [keys, other] = await Promise.all([createIdentityKeys(), createIdentityKeys()]);
    const signature = await signWith(keys, data('transcript'));
    expect(signature).toMatch(SIGNATURE_PATTERN);
    expect(await verifySignature(keys.publicKey, data('transcript'), signature)).toBe(true);
    expect(await verifySignature(keys.publicKey, data('transcript!'), signature)).toBe(false);
    expect(await verifySignature(other.publicKey, data('transcript'), signature)).toBe(false);
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(await verifySignature(keys.publicKey, data('transcript'), flipped)).toBe(false);
  });

  it('says false, without throwing, for keys and signatures that are not ones', async () => {
    const keys = await createIdentityKeys();
    const signature = await signWith(keys, data('x'));
    // The right shape, but not a point on the curve.
    expect(await verifySignature(`B${'A'.repeat(86)}`, data('x'), signature)).toBe(false);
    expect(await verifySignature('not a key', data('x'), signature)).toBe(false);
    expect(await verifySignature(keys.publicKey, data('x'), '*'.repeat(86))).toBe(false);
  });
});

import { fromBase64Url, toBase64Url } from './base64url.ts';

/**
 * ECDSA on P-256 with SHA-256: in WebCrypto in every browser Parley runs in (Ed25519
 * came to Firefox only in 129), and its keys can be kept non-extractable in IndexedDB.
 */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A public key as text: base64url of the 65-byte uncompressed point (87 characters). */
export const PUBLIC_KEY_PATTERN = /^B[A-Za-z0-9_-]{86}$/;
/** A signature as text: base64url of r‖s, 64 bytes (86 characters). */
export const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;

/** This installation's identity: the private key never leaves WebCrypto. */
export interface IdentityKeys {
  /** Non-extractable: script can sign with it, never read it. */
  privateKey: CryptoKey;
  /** The public key as text (PUBLIC_KEY_PATTERN), as it is pinned and sent. */
  publicKey: string;
}

export async function createIdentityKeys(): Promise<IdentityKeys> {
  const pair = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: toBase64Url(raw) };
}

export async function signWith(keys: IdentityKeys, data: Uint8Array<ArrayBuffer>): Promise<string> {
  const signature = await crypto.subtle.sign(SIGNATURE, keys.privateKey, data);
  return toBase64Url(new Uint8Array(signature));
}

/**
 * Whether `signature` is `publicKey`'s over `data`. False, never an exception, for
 * anything malformed: both come from a peer.
 */
export async function verifySignature(
  publicKey: string,
  data: Uint8Array<ArrayBuffer>,
  signature: string,
): Promise<boolean> {
  if (!PUBLIC_KEY_PATTERN.test(publicKey) || !SIGNATURE_PATTERN.test(signature)) return false;
  const rawKey = fromBase64Url(publicKey);
  const rawSignature = fromBase64Url(signature);
  if (!rawKey || !rawSignature) return false;
  try {
    const key = await crypto.subtle.importKey('raw', rawKey, ALGORITHM, false, ['verify']);
    return await crypto.subtle.verify(SIGNATURE, key, rawSignature, data);
  } catch {
    // Not a point on the curve, or otherwise unusable: not a valid signature either way.
    return false;
  }
}

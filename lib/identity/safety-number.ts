import { PUBLIC_KEY_PATTERN } from './identity-keys.ts';

const GROUPS = 12;
const GROUP_DIGITS = 5;
const encoder = new TextEncoder();

/**
 * The number two contacts compare to know that each holds the other's real key: twelve
 * groups of five digits, from a SHA-512 of both peer IDs and keys. The pair is sorted
 * first, so both sides compute the same number.
 */
export async function safetyNumber(
  a: { peerId: string; publicKey: string },
  b: { peerId: string; publicKey: string },
): Promise<string> {
  const [first, second] = [a, b].map(({ peerId, publicKey }) => `${peerId}\n${publicKey}`).sort();
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      'SHA-512',
      encoder.encode(`parley-safety-number-v1\n${first}\n${second}`),
    ),
  );
  const groups: string[] = [];
  for (let group = 0; group < GROUPS; group += 1) {
    // Five bytes (40 bits) per group: reducing them mod 10^5 leaves no visible bias.
    let value = 0;
    for (const byte of digest.subarray(group * 5, group * 5 + 5)) value = value * 256 + byte;
    groups.push(String(value % 10 ** GROUP_DIGITS).padStart(GROUP_DIGITS, '0'));
  }
  return groups.join(' ');
}

const CODE_PREFIX = 'parley-verify:1:';

/** What a verification QR code holds: a peer ID and the key it claims. */
export function verificationCode(peerId: string, publicKey: string): string {
  return `${CODE_PREFIX}${peerId}:${publicKey}`;
}

/** A scanned or pasted verification code, or `null` if it is not one. */
export function parseVerificationCode(text: string): { peerId: string; publicKey: string } | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith(CODE_PREFIX)) return null;
  const rest = trimmed.slice(CODE_PREFIX.length);
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return null;
  const peerId = rest.slice(0, colon);
  const publicKey = rest.slice(colon + 1);
  if (peerId.length > 64 || !PUBLIC_KEY_PATTERN.test(publicKey)) return null;
  return { peerId, publicKey };
}

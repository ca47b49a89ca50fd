import type { IdentityAlarm } from '../lib/contacts/contact.ts';
import { parseVerificationCode } from '../lib/identity/safety-number.ts';

/** The safety number in rows of `perRow` groups (Signal's 3 × 4 layout): easy to compare. */
export function safetyNumberRows(safetyNumber: string, perRow = 4): string[][] {
  const groups = safetyNumber.trim().split(/\s+/).filter(Boolean);
  const rows: string[][] = [];
  for (let start = 0; start < groups.length; start += perRow) {
    rows.push(groups.slice(start, start + perRow));
  }
  return rows;
}

/** The warning's title, a few words. */
export function alarmTitle(alarm: IdentityAlarm): string {
  return alarm.kind === 'key-changed' ? 'Identity key changed' : 'Connection not verified';
}

/** What the conversation's warning says; `name` is the contact's display name. */
export function alarmMessage(alarm: IdentityAlarm, name: string): string {
  switch (alarm.kind) {
    case 'key-changed':
      return (
        `${name}'s identity key has changed. This happens when ${name} reinstalls Parley, ` +
        `or when someone else is posing as ${name}. Messages, files and calls are held ` +
        'until you accept the new key.'
      );
    case 'handshake-failed':
      return (
        `Parley could not verify the connection to ${name}. Someone between you, possibly ` +
        'the signaling server, may be intercepting it. Nothing was sent.'
      );
  }
}

/** Why the composer, files and calls are paused while `alarm` stands. */
export function pausedNote(alarm: IdentityAlarm, name: string): string {
  switch (alarm.kind) {
    case 'key-changed':
      return (
        `Sending is paused until you accept ${name}'s new key. Messages already waiting ` +
        'will then go to the new key.'
      );
    case 'handshake-failed':
      return (
        `Sending is paused until the connection to ${name} verifies again. Messages ` +
        'already waiting stay queued until then.'
      );
  }
}

/**
 * Checks a pasted or scanned verification code before the host does, for a sentence that
 * names the mistake; `null` when it is worth sending. The host still decides.
 */
export function codeMistake(
  text: string,
  contact: { peerId: string; name: string },
  ownPeerId: string | null,
): string | null {
  if (!text.trim()) return `Paste ${contact.name}'s verification code first.`;
  const code = parseVerificationCode(text);
  if (!code) {
    return 'That is not a Parley verification code: it starts with “parley-verify:”.';
  }
  if (code.peerId === ownPeerId) {
    return `That is your own code. Use the code from ${contact.name}'s screen.`;
  }
  if (code.peerId !== contact.peerId) {
    return `That code belongs to another peer (${code.peerId}), not to ${contact.name}.`;
  }
  return null;
}

/** What a QR code read from an image means here: a verification code, or why not. */
export function verificationCodeFromQr(
  text: string,
): { ok: true; code: string } | { ok: false; error: string } {
  if (parseVerificationCode(text)) return { ok: true, code: text.trim() };
  if (/^parley:/i.test(text.trim())) {
    return {
      ok: false,
      error:
        'That QR code holds a peer ID (for adding contacts), not a verification code. ' +
        'Use the one under Verify on their screen.',
    };
  }
  return { ok: false, error: 'That QR code is not a Parley verification code.' };
}

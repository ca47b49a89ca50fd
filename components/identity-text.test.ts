import { describe, expect, it } from 'vitest';
import { verificationCode } from '../lib/identity/safety-number.ts';
import {
  alarmMessage,
  codeMistake,
  pausedNote,
  safetyNumberRows,
  verificationCodeFromQr,
} from './identity-text.ts';

const KEY = `B${'a'.repeat(86)}`;
const bob = { peerId: 'bob-1', name: 'Bob' };

describe('safetyNumberRows', () => {
  it('lays twelve groups out in three rows of four', () => {
    const number = Array.from({ length: 12 }, (_, i) => String(i).padStart(5, '0')).join(' ');
    expect(safetyNumberRows(number)).toEqual([
      ['00000', '00001', '00002', '00003'],
      ['00004', '00005', '00006', '00007'],
      ['00008', '00009', '00010', '00011'],
    ]);
  });

  it('ignores stray spaces and ends with a short row if it must', () => {
    expect(safetyNumberRows('  11111   22222\n33333 ', 2)).toEqual([['11111', '22222'], ['33333']]);
    expect(safetyNumberRows('')).toEqual([]);
  });
});

describe('alarm sentences', () => {
  it('name the contact and say what is held', () => {
    const changed = { kind: 'key-changed', newKey: KEY } as const;
    expect(alarmMessage(changed, 'Bob')).toBe(
      "Bob's identity key has changed. This happens when Bob reinstalls Parley, or when " +
        'someone else is posing as Bob. Messages, files and calls are held until you accept ' +
        'the new key.',
    );
    expect(pausedNote(changed, 'Bob')).toMatch(/until you accept Bob's new key/);
    const failed = { kind: 'handshake-failed', at: 1, detail: 'bad signature' } as const;
    expect(alarmMessage(failed, 'Bob')).toMatch(
      /^Parley could not verify the connection to Bob\. .*signaling server.* Nothing was sent\.$/,
    );
    expect(pausedNote(failed, 'Bob')).toMatch(/verifies again/);
  });
});

describe('codeMistake', () => {
  it('lets a code for this contact through', () => {
    expect(codeMistake(verificationCode('bob-1', KEY), bob, 'alice-1')).toBeNull();
    expect(codeMistake(`  ${verificationCode('bob-1', KEY)}\n`, bob, 'alice-1')).toBeNull();
  });

  it.each([
    ['', "Paste Bob's verification code first."],
    ['parley:bob-1', 'That is not a Parley verification code: it starts with “parley-verify:”.'],
    [verificationCode('alice-1', KEY), "That is your own code. Use the code from Bob's screen."],
    [verificationCode('carol-1', KEY), 'That code belongs to another peer (carol-1), not to Bob.'],
  ])('names the mistake in %j', (text, sentence) => {
    expect(codeMistake(text, bob, 'alice-1')).toBe(sentence);
  });
});

describe('verificationCodeFromQr', () => {
  it('takes a verification code, trimmed', () => {
    const code = verificationCode('bob-1', KEY);
    expect(verificationCodeFromQr(` ${code} `)).toEqual({ ok: true, code });
  });

  it('tells a contact QR code from other text', () => {
    const contactQr = verificationCodeFromQr('parley:bob-1');
    expect(contactQr.ok).toBe(false);
    expect(!contactQr.ok && contactQr.error).toMatch(/holds a peer ID/);
    expect(verificationCodeFromQr('https://example.com')).toEqual({
      ok: false,
      error: 'That QR code is not a Parley verification code.',
    });
  });
});

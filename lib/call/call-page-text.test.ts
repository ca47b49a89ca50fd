import { describe, expect, it } from 'vitest';
import { callStatusText, endReasonText, formatCallDuration } from './call-page-text.ts';

describe('formatCallDuration', () => {
  it.each([
    [0, '0:00'],
    [59_999, '0:59'],
    [61_000, '1:01'],
    [3_600_000 + 5_000, '1:00:05'],
    [-5, '0:00'],
  ])('%i ms is %s', (ms, text) => expect(formatCallDuration(ms)).toBe(text));
});

describe('endReasonText', () => {
  it('speaks from the side of whoever reads it', () => {
    expect(endReasonText('declined', 'out')).toBe('They declined the call.');
    expect(endReasonText('declined', 'in')).toBe('You declined the call.');
    expect(endReasonText('unanswered', 'in')).toBe('You missed this call.');
  });
});

describe('callStatusText', () => {
  it('says who waits for whom and when the connection wobbles', () => {
    expect(callStatusText('ringing', 'out', false)).toBe('Ringing…');
    expect(callStatusText('ringing', 'in', false)).toBe('Incoming call');
    expect(callStatusText('active', 'in', true)).toBe('Reconnecting…');
    expect(callStatusText('active', 'in', false)).toBe('Connected');
  });
});

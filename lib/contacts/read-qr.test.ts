import { describe, expect, it } from 'vitest';
import { peerIdFromQrText, toPeerUri } from './read-qr.ts';

describe('toPeerUri and peerIdFromQrText', () => {
  it('round-trips a peer ID through a parley: URI', () => {
    for (const peerId of ['k3xq-9fzt-m2pa-h7wd', 'Alice_01', 'a b']) {
      expect(peerIdFromQrText(toPeerUri(peerId))).toBe(peerId);
    }
    expect(toPeerUri('k3xq-9fzt-m2pa-h7wd')).toBe('parley:k3xq-9fzt-m2pa-h7wd');
  });

  it('accepts a bare peer ID and surrounding whitespace, and any case of the scheme', () => {
    expect(peerIdFromQrText('  k3xq-9fzt-m2pa-h7wd\n')).toBe('k3xq-9fzt-m2pa-h7wd');
    expect(peerIdFromQrText('PARLEY:k3xq-9fzt-m2pa-h7wd')).toBe('k3xq-9fzt-m2pa-h7wd');
  });

  it('refuses anything that is not a peer ID', () => {
    for (const text of [
      '',
      'parley:',
      'https://example.org/k3xq',
      'javascript:alert(1)',
      'parley:%E0%A4%A',
      'parley:<script>',
      'two  spaces',
      'x'.repeat(65),
    ]) {
      expect(peerIdFromQrText(text), text).toBeNull();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { dtlsFingerprints } from './dtls-fingerprints.ts';

describe('dtlsFingerprints', () => {
  it('normalizes, sorts and de-duplicates session- and media-level fingerprints', () => {
    const sdp = [
      'v=0',
      'a=fingerprint:SHA-256 ab:cd:EF:01',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=fingerprint:sha-256 AB:CD:EF:01',
      'a=fingerprint:sha-1 00:11',
      '',
    ].join('\r\n');
    expect(dtlsFingerprints(sdp)).toBe('sha-1 00:11,sha-256 AB:CD:EF:01');
  });

  it('is empty for an SDP without one, and ignores lines that only look alike', () => {
    expect(dtlsFingerprints('v=0\r\n')).toBe('');
    expect(dtlsFingerprints('a=fingerprint:sha-256 zz:yy\na=fingerprint:sha-256\n')).toBe('');
  });
});

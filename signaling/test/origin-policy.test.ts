import { describe, expect, it } from 'vitest';
import { createOriginCheck, normalizeOriginEntry } from '../src/origin-policy.ts';

describe('normalizeOriginEntry', () => {
  it.each([
    ['*', '*'],
    [' https://Example.org/ ', 'https://example.org'],
    ['https://example.org:443', 'https://example.org'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['chrome-extension://*', 'chrome-extension://*'],
    ['moz-extension://0B9E2F0C-6A1D', 'moz-extension://0b9e2f0c-6a1d'],
  ])('normalizes %j to %j', (raw, entry) => {
    expect(normalizeOriginEntry(raw)).toEqual({ ok: true, entry });
  });

  it.each(['example.org', 'https://example.org/app', 'https://*.example.org', 'ws://x', 'x://*'])(
    'rejects %j',
    (raw) => {
      expect(normalizeOriginEntry(raw)).toMatchObject({ ok: false });
    },
  );
});

describe('createOriginCheck', () => {
  it('lets everything through for *', () => {
    const check = createOriginCheck(['*']);
    expect(check(undefined)).toBe(true);
    expect(check('https://anything.example')).toBe(true);
  });

  it('matches exact origins and extension scheme wildcards only', () => {
    const check = createOriginCheck(['https://example.org', 'moz-extension://*']);
    expect(check('https://example.org')).toBe(true);
    expect(check('HTTPS://EXAMPLE.ORG')).toBe(true);
    expect(check('moz-extension://0b9e2f0c-6a1d')).toBe(true);

    expect(check(undefined)).toBe(false);
    expect(check('null')).toBe(false);
    expect(check('https://example.org.evil.example')).toBe(false);
    expect(check('moz-extension://')).toBe(false);
    expect(check('moz-extension://abc/../x')).toBe(false);
    expect(check('chrome-extension://abc')).toBe(false);
  });
});

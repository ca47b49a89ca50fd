import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDefaultSettings } from './default-settings.ts';
import { validateSettings } from './validate-settings.ts';

const server = (signalingUrl: string) =>
  parseDefaultSettings({ signalingUrl, signalingKey: 'k' }).server;

describe('parseDefaultSettings', () => {
  it.each([
    [
      'http://127.0.0.1:9000/parley',
      { host: '127.0.0.1', port: 9000, path: '/parley', secure: false },
    ],
    ['http://peer.example.org', { host: 'peer.example.org', port: 80, path: '/', secure: false }],
    [
      'ws://peer.example.org/a/b/',
      { host: 'peer.example.org', port: 80, path: '/a/b/', secure: false },
    ],
    ['https://0.peerjs.com:443/', { host: '0.peerjs.com', port: 443, path: '/', secure: true }],
    ['https://peer.example.org', { host: 'peer.example.org', port: 443, path: '/', secure: true }],
    [
      'wss://peer.example.org:8443/p',
      { host: 'peer.example.org', port: 8443, path: '/p', secure: true },
    ],
    ['https://[2001:db8::1]:9000/p', { host: '2001:db8::1', port: 9000, path: '/p', secure: true }],
    ['http://[::1]', { host: '::1', port: 80, path: '/', secure: false }],
  ])('reads %s', (url, expected) => {
    expect(server(url)).toEqual({ ...expected, key: 'k' });
  });

  it('yields valid settings for every well-formed URL', () => {
    for (const url of [
      'http://127.0.0.1:9000/parley',
      'wss://peer.example.org',
      'https://[::1]:1/',
    ]) {
      expect(
        validateSettings(parseDefaultSettings({ signalingUrl: url, signalingKey: 'k' })).ok,
      ).toBe(true);
    }
  });

  it('splits the ICE list on commas, trimming spaces and skipping empty entries', () => {
    const { iceServers } = parseDefaultSettings({
      signalingUrl: 'https://x.org',
      iceUrls: ' stun:a.example.org:3478 ,, stun:b.example.org,  ',
    });
    expect(iceServers).toEqual([
      { url: 'stun:a.example.org:3478', username: '', credential: '' },
      { url: 'stun:b.example.org', username: '', credential: '' },
    ]);
  });

  it.each([undefined, '', ' , '])('has no ICE servers for %j', (iceUrls) => {
    expect(parseDefaultSettings({ signalingUrl: 'https://x.org', iceUrls }).iceServers).toEqual([]);
  });

  it.each([undefined, '', 'not a url', 'peer.example.org:9000', '://'])(
    'turns the malformed URL %j into settings that fail validation instead of throwing',
    (signalingUrl) => {
      const settings = parseDefaultSettings({
        signalingUrl,
        signalingKey: 'k',
        iceUrls: 'stun:x.org',
      });
      const result = validateSettings(settings);
      expect(result.ok).toBe(false);
      expect(result.ok ? {} : result.errors).toHaveProperty('server-host');
      expect(settings.server.key).toBe('k');
      expect(settings.iceServers).toHaveLength(1);
    },
  );

  it.each(['.env.development', '.env.production'])(
    'makes valid settings of the shipped %s',
    (file) => {
      const env = parseEnv(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
      const result = validateSettings(
        parseDefaultSettings({
          signalingUrl: env.WXT_PARLEY_SIGNALING_URL,
          signalingKey: env.WXT_PARLEY_SIGNALING_KEY,
          iceUrls: env.WXT_PARLEY_ICE_URLS,
        }),
      );
      expect(result).toMatchObject({ ok: true });
    },
  );
});

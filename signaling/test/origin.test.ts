import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, startTestServer, TEST_KEY } from './support/harness.ts';
import { refusedUpgradeStatus } from './support/peer-client.ts';

afterEach(cleanUp);

const CHROME_ID = 'abcdefghijklmnopabcdefghijklmnop';

function handshakeUrl(websocketUrl: string, id: string): string {
  return `${websocketUrl}?key=${TEST_KEY}&id=${id}&token=t`;
}

describe('origin allowlist', () => {
  it('admits any origin, and none, by default', async () => {
    const { join } = await startTestServer();
    await join('web', { origin: 'https://anywhere.example' });
    await join('extension', { origin: `chrome-extension://${CHROME_ID}` });
    await join('script');
  });

  it('admits an extension origin matched by its scheme wildcard', async () => {
    const { join } = await startTestServer({
      PARLEY_ALLOWED_ORIGINS: 'chrome-extension://*, moz-extension://*',
    });
    await join('chrome', { origin: `chrome-extension://${CHROME_ID}` });
    await join('firefox', { origin: 'moz-extension://0b9e2f0c-6a1d-4e0e-9a53-6f5c5a1f8f11' });
  });

  it('refuses other origins, and requests without one, with 403 and a log line', async () => {
    const { server, join, events } = await startTestServer({
      PARLEY_ALLOWED_ORIGINS: `chrome-extension://${CHROME_ID}`,
    });
    const allowed = await join('allowed', { origin: `chrome-extension://${CHROME_ID}` });

    const url = handshakeUrl(server.websocketUrl, 'intruder');
    expect(
      await refusedUpgradeStatus(url, 'chrome-extension://someotherextensionidxxxxxxxxxx'),
    ).toBe(403);
    expect(await refusedUpgradeStatus(url, 'https://evil.example')).toBe(403);
    expect(await refusedUpgradeStatus(url)).toBe(403);

    expect(events('upgrade-refused')).toMatchObject([
      { reason: 'origin', origin: 'chrome-extension://someotherextensionidxxxxxxxxxx' },
      { reason: 'origin', origin: 'https://evil.example' },
      { reason: 'origin' },
    ]);
    expect(events('client-connected').map((line) => line.peer)).toEqual(['allowed']);
    expect(allowed.isOpen).toBe(true);
  });

  it('matches an exact web origin, ignoring case', async () => {
    const { server, join } = await startTestServer({
      PARLEY_ALLOWED_ORIGINS: 'https://chat.example.org',
    });
    await join('web', { origin: 'https://Chat.Example.org' });
    const url = handshakeUrl(server.websocketUrl, 'other');
    expect(await refusedUpgradeStatus(url, 'https://chat.example.org.evil.example')).toBe(403);
    expect(await refusedUpgradeStatus(url, 'http://chat.example.org')).toBe(403);
  });

  it('sends CORS headers only to allowed origins', async () => {
    const { server } = await startTestServer({ PARLEY_ALLOWED_ORIGINS: 'moz-extension://*' });
    const idUrl = `${server.url}/parley/${TEST_KEY}/id`;

    const allowed = await fetch(idUrl, { headers: { origin: 'moz-extension://1234-abcd' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('moz-extension://1234-abcd');

    const refused = await fetch(idUrl, { headers: { origin: 'https://evil.example' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['', '127.0.0.1'],
    ['loopback', '203.0.113.5'],
  ])('logs the refused client address (PARLEY_PROXIED=%j gives %s)', async (proxied, remote) => {
    const { server, events } = await startTestServer({
      PARLEY_ALLOWED_ORIGINS: 'moz-extension://*',
      PARLEY_PROXIED: proxied,
    });
    const url = handshakeUrl(server.websocketUrl, 'x');
    const headers = { 'x-forwarded-for': '203.0.113.5' };
    expect(await refusedUpgradeStatus(url, 'https://evil.example', headers)).toBe(403);
    expect(events('upgrade-refused')).toMatchObject([{ reason: 'origin', remote }]);
  });
});

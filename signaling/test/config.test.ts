import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** /proc/self/limits as a process with `ulimit -n 4096` sees it (other lines left out). */
const LIMITS_4096 = [
  'Limit                     Soft Limit           Hard Limit           Units     ',
  'Max processes             96365                96365                processes ',
  'Max open files            4096                 524288               files     ',
].join('\n');

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({}, LIMITS_4096)).toEqual({
      host: '0.0.0.0',
      port: 9000,
      path: '/parley',
      key: 'parley',
      tokensFile: null,
      tls: null,
      allowedOrigins: ['*'],
      concurrentLimit: 4096 - 64,
      openFilesLimit: 4096,
      aliveTimeoutMs: 60_000,
      expireTimeoutMs: 5000,
      proxied: false,
      logLevel: 'info',
      connectionsPerMinute: 60,
      messagesPerSecond: 20,
      messageBurst: 100,
      maxMessageBytes: 65_536,
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PARLEY_KEY: '', PARLEY_PORT: '  ' })).toMatchObject({
      key: 'parley',
      port: 9000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PARLEY_HOST: '127.0.0.1',
        PARLEY_PORT: '0',
        PARLEY_PATH: '/signal/',
        PARLEY_KEY: 'S3cret-key_1',
        PARLEY_TLS_CERT: '/etc/tls/cert.pem',
        PARLEY_TLS_KEY: '/etc/tls/key.pem',
        PARLEY_ALLOWED_ORIGINS: 'chrome-extension://*, https://Example.org/',
        PARLEY_CONCURRENT_LIMIT: '50',
        PARLEY_ALIVE_TIMEOUT_MS: '30000',
        PARLEY_EXPIRE_TIMEOUT_MS: '2000',
        PARLEY_PROXIED: 'true',
        PARLEY_LOG_LEVEL: 'debug',
        PARLEY_CONNECTIONS_PER_MINUTE: '10',
        PARLEY_MESSAGES_PER_SECOND: '5',
        PARLEY_MESSAGE_BURST: '30',
        PARLEY_MAX_MESSAGE_BYTES: '32768',
        PARLEY_TOKENS_FILE: '/etc/parley/tokens',
      },
      LIMITS_4096,
    );
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 0,
      path: '/signal',
      key: 'S3cret-key_1',
      tokensFile: '/etc/parley/tokens',
      tls: { certFile: '/etc/tls/cert.pem', keyFile: '/etc/tls/key.pem' },
      allowedOrigins: ['chrome-extension://*', 'https://example.org'],
      concurrentLimit: 50,
      openFilesLimit: 4096,
      aliveTimeoutMs: 30_000,
      expireTimeoutMs: 2000,
      proxied: true,
      logLevel: 'debug',
      connectionsPerMinute: 10,
      messagesPerSecond: 5,
      messageBurst: 30,
      maxMessageBytes: 32_768,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.allowedOrigins)).toBe(true);
  });

  it.each([
    ['false', false],
    ['1', 1],
    ['loopback', 'loopback'],
    [
      'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.10',
      'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.10',
    ],
  ])('accepts PARLEY_PROXIED=%s', (raw, expected) => {
    expect(loadConfig({ PARLEY_PROXIED: raw }).proxied).toEqual(expected);
  });

  it('sizes the concurrent limit from ulimit -n unless PARLEY_CONCURRENT_LIMIT is set', () => {
    expect(loadConfig({}, LIMITS_4096).concurrentLimit).toBe(4032);
    expect(loadConfig({}, '')).toMatchObject({ concurrentLimit: 960, openFilesLimit: null });
    expect(loadConfig({ PARLEY_CONCURRENT_LIMIT: '100000' }, LIMITS_4096).concurrentLimit).toBe(
      100_000,
    );
  });

  it('accepts only issued tokens when PARLEY_TOKENS_FILE is set without PARLEY_KEY', () => {
    const config = loadConfig({ PARLEY_TOKENS_FILE: 'tokens.txt' }, LIMITS_4096);
    expect(config.key).toBeNull();
    expect(config.tokensFile).toBe(resolve('tokens.txt'));
    const both = loadConfig({ PARLEY_TOKENS_FILE: '/t', PARLEY_KEY: 'shared-1' }, LIMITS_4096);
    expect(both).toMatchObject({ key: 'shared-1', tokensFile: '/t' });
  });

  it('accepts the root path and a specific extension origin', () => {
    const config = loadConfig({
      PARLEY_PATH: '/',
      PARLEY_ALLOWED_ORIGINS: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    });
    expect(config.path).toBe('/');
    expect(config.allowedOrigins).toEqual(['chrome-extension://abcdefghijklmnopabcdefghijklmnop']);
  });

  it.each([
    ['PARLEY_HOST', 'not a host!'],
    ['PARLEY_PORT', 'abc'],
    ['PARLEY_PORT', '65536'],
    ['PARLEY_PORT', '-1'],
    ['PARLEY_PORT', '80.5'],
    ['PARLEY_PATH', 'parley'],
    ['PARLEY_PATH', '/a b'],
    ['PARLEY_PATH', '/a/../b'],
    ['PARLEY_PATH', '/a?x=1'],
    ['PARLEY_KEY', 'has space'],
    ['PARLEY_KEY', 'a&b'],
    ['PARLEY_ALLOWED_ORIGINS', 'example.org'],
    ['PARLEY_ALLOWED_ORIGINS', 'https://example.org/path'],
    ['PARLEY_ALLOWED_ORIGINS', 'https://*.example.org'],
    ['PARLEY_ALLOWED_ORIGINS', 'ftp://example.org'],
    ['PARLEY_ALLOWED_ORIGINS', 'evil-extension://*'],
    ['PARLEY_ALLOWED_ORIGINS', '*, https://example.org'],
    ['PARLEY_ALLOWED_ORIGINS', ' , '],
    ['PARLEY_CONCURRENT_LIMIT', '0'],
    ['PARLEY_CONCURRENT_LIMIT', '1000001'],
    ['PARLEY_CONCURRENT_LIMIT', 'auto'],
    ['PARLEY_ALIVE_TIMEOUT_MS', '10'],
    ['PARLEY_EXPIRE_TIMEOUT_MS', 'soon'],
    ['PARLEY_PROXIED', 'yes'],
    ['PARLEY_PROXIED', '10.0.0.0/33'],
    ['PARLEY_LOG_LEVEL', 'verbose'],
    ['PARLEY_CONNECTIONS_PER_MINUTE', '0'],
    ['PARLEY_MESSAGES_PER_SECOND', 'many'],
    ['PARLEY_MESSAGE_BURST', '0'],
    ['PARLEY_MAX_MESSAGE_BYTES', '1024'],
    ['PARLEY_MAX_MESSAGE_BYTES', '64k'],
  ])('rejects %s=%j, naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('requires both TLS files or neither', () => {
    const halves: Record<string, string>[] = [
      { PARLEY_TLS_CERT: '/c.pem' },
      { PARLEY_TLS_KEY: '/k.pem' },
    ];
    for (const env of halves) {
      expect(problemsOf(env)).toEqual([
        'PARLEY_TLS_CERT and PARLEY_TLS_KEY: set both (to serve HTTPS/WSS) or neither',
      ]);
    }
  });

  it('lists every bad variable in one error', () => {
    const env = { PARLEY_PORT: 'x', PARLEY_KEY: 'a b', PARLEY_LOG_LEVEL: 'loud' };
    expect(() => loadConfig(env)).toThrowError(
      /^Invalid signaling server configuration:\n {2}- PARLEY_PORT: .*\n {2}- PARLEY_KEY: .*\n {2}- PARLEY_LOG_LEVEL: /,
    );
  });

  it('never echoes the key in its error', () => {
    expect(problemsOf({ PARLEY_KEY: 'my secret' }).join()).not.toContain('my secret');
  });
});

describe('docs/self-hosting.md', () => {
  const docs = readFileSync(new URL('../../docs/self-hosting.md', import.meta.url), 'utf8');
  const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
  const rows = [...docs.matchAll(/^\| `(PARLEY_[A-Z_]+)` +\| (`[^`]*`|_\(unset\)_) +\|/gm)];

  it('documents exactly the variables the server reads', () => {
    const documented = rows.map(([, name]) => name).sort();
    const read = [...new Set(source.match(/'PARLEY_[A-Z_]+'/g))].map((q) => q.slice(1, -1)).sort();
    expect(documented).toEqual(read);
  });

  it('documents the real defaults', () => {
    for (const [, name = '', cell = ''] of rows) {
      if (cell === '_(unset)_') continue;
      const env = { [name]: cell.slice(1, -1) };
      expect(loadConfig(env, LIMITS_4096), name).toEqual(loadConfig({}, LIMITS_4096));
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startSignalingServer } from '../src/server.ts';
import { cleanUp, startTestServer } from './support/harness.ts';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let dir = '';
let certFile = '';
let keyFile = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  if (!hasOpenssl) return;
  // A throwaway self-signed certificate for 127.0.0.1, made fresh for each run.
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', keyFile, '-out', certFile],
    ],
    { stdio: 'ignore' },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(cleanUp);

function httpsStatus(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('TLS', () => {
  it.skipIf(!hasOpenssl)('serves HTTPS and WSS from the configured files', async () => {
    const { server, join } = await startTestServer({
      PARLEY_TLS_CERT: certFile,
      PARLEY_TLS_KEY: keyFile,
    });
    expect(server.url).toMatch(/^https:\/\//);
    expect(server.websocketUrl).toMatch(/^wss:\/\//);

    const ca = readFileSync(certFile);
    expect(await httpsStatus(`${server.url}/health`, ca)).toBe(200);
    await join('secure', { ca });
  });

  it('refuses to start when a TLS file cannot be read, naming the variable', async () => {
    const config = loadConfig({
      PARLEY_HOST: '127.0.0.1',
      PARLEY_PORT: '0',
      PARLEY_TLS_CERT: join(dir, 'missing-cert.pem'),
      PARLEY_TLS_KEY: join(dir, 'missing-key.pem'),
    });
    const logger = createLogger({ level: 'silent' });
    await expect(startSignalingServer(config, { logger })).rejects.toThrow(
      /^PARLEY_TLS_CERT: cannot read .*missing-cert\.pem \(ENOENT\)/,
    );
    const badKey = { ...config, tls: { certFile: fileURLToPath(import.meta.url), keyFile: dir } };
    await expect(startSignalingServer(badKey, { logger })).rejects.toThrow(
      /^PARLEY_TLS_KEY: cannot read .*parley-tls-\w+ \(EISDIR\)/,
    );
  });

  it('refuses to start when the TLS files are not a certificate and key', async () => {
    const notPem = fileURLToPath(import.meta.url);
    const config = loadConfig({
      PARLEY_HOST: '127.0.0.1',
      PARLEY_PORT: '0',
      PARLEY_TLS_CERT: notPem,
      PARLEY_TLS_KEY: notPem,
    });
    const logger = createLogger({ level: 'silent' });
    await expect(startSignalingServer(config, { logger })).rejects.toThrow(
      'PARLEY_TLS_CERT/PARLEY_TLS_KEY do not hold a usable PEM certificate and key',
    );
  });
});

// Container health probe: `node signaling/src/healthcheck.ts` exits 0 if this machine's
// server answers GET /health with 200 within a few seconds, 1 otherwise. It reads the same
// PARLEY_* variables as the server, so it follows a changed port, path or TLS setting.
import http from 'node:http';
import https from 'node:https';
import { loadConfig } from './config.ts';

const TIMEOUT_MS = 4000;

const config = loadConfig(process.env);
// A wildcard bind is reachable on loopback; a specific address only on itself.
const host = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
const options = { host, port: config.port, path: '/health', timeout: TIMEOUT_MS };

const request = config.tls
  ? // Probing our own process: the certificate is for the public name, not for this address.
    https.get({ ...options, rejectUnauthorized: false })
  : http.get(options);

request.on('response', (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  process.stderr.write(`health check failed: ${error.message}\n`);
  process.exit(1);
});

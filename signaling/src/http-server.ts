import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { Express } from 'express';
import type { TlsFiles } from './config.ts';

/** Plain HTTP, or HTTPS when TLS files are configured; rejects naming the unreadable file. */
export async function createHttpServer(
  app: Express,
  tls: TlsFiles | null,
): Promise<http.Server | https.Server> {
  if (!tls) return http.createServer(app);
  const cert = await readTlsFile('PARLEY_TLS_CERT', tls.certFile);
  const key = await readTlsFile('PARLEY_TLS_KEY', tls.keyFile);
  try {
    return https.createServer({ cert, key }, app);
  } catch (error) {
    throw new Error('PARLEY_TLS_CERT/PARLEY_TLS_KEY do not hold a usable PEM certificate and key', {
      cause: error,
    });
  }
}

async function readTlsFile(variable: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file} (${errorCode(error) ?? 'unknown error'})`, {
      cause: error,
    });
  }
}

/** Binds the port; rejects (e.g. EADDRINUSE) instead of emitting an unheard 'error'. */
export function listen(
  server: http.Server | https.Server,
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// A blank web page on loopback, for code that must run in an ordinary tab. A tab on
// about:blank may not reach 127.0.0.1 (Chrome's local network access checks block it);
// a page served from loopback itself may.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { assertPrivateNetwork } from '../../tests/support/private-network.ts';

const PAGE = '<!doctype html><meta charset="utf-8"><title>bench</title>';

/**
 * Where a page finds hash-wasm's SHA-256 (the build Parley bundles), for a worker to
 * `importScripts`: a reference that hashes as Parley does, with the same code.
 */
export const SHA256_SCRIPT_PATH = '/hash-wasm-sha256.js';
const SHA256_SCRIPT = readFileSync(
  createRequire(import.meta.url).resolve('hash-wasm/dist/sha256.umd.min.js'),
);

export class LocalPageServer {
  readonly url: string;
  readonly #server: Server;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  /** Serves the blank page at every other path, on a free port of 127.0.0.1. */
  static async start(): Promise<LocalPageServer> {
    assertPrivateNetwork();
    const server = createServer((request, response) => {
      if (request.url === SHA256_SCRIPT_PATH) {
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        response.end(SHA256_SCRIPT);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(PAGE);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return new LocalPageServer(server, `http://127.0.0.1:${port}/`);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

// A blank web page on loopback, for code that must run in an ordinary tab. A tab on
// about:blank may not reach 127.0.0.1 (Chrome's local network access checks block it);
// a page served from loopback itself may.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertPrivateNetwork } from '../../tests/support/private-network.ts';

const PAGE = '<!doctype html><meta charset="utf-8"><title>bench</title>';

export class LocalPageServer {
  readonly url: string;
  readonly #server: Server;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  /** Serves the blank page at every path, on a free port of 127.0.0.1. */
  static async start(): Promise<LocalPageServer> {
    assertPrivateNetwork();
    const server = createServer((_request, response) => {
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

// Starts and stops the stock PeerServer child (stock-peer-server.ts), for the benchmark to
// hold clients against as it does against Parley's.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

export class StockServer {
  readonly port: number;
  readonly logLines: string[] = [];
  readonly #child: ChildProcess;

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.#child = child;
  }

  /** Resolves once the server says it listens; rejects if it exits first or takes 15 s. */
  static async start(port: number): Promise<StockServer> {
    const entry = path.join(import.meta.dirname, 'stock-peer-server.ts');
    const child = spawn(process.execPath, [entry, String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const server = new StockServer(port, child);
    const listening = new Promise<void>((resolve, reject) => {
      for (const stream of ['stdout', 'stderr'] as const) {
        createInterface({ input: child[stream]! }).on('line', (line) => {
          server.logLines.push(`${stream}: ${line}`);
          if (line === `listening ${port}`) resolve();
        });
      }
      child.once('exit', (code) => reject(new Error(`stock PeerServer exited (${code})`)));
      setTimeout(() => reject(new Error('stock PeerServer did not listen within 15 s')), 15_000);
    });
    try {
      await listening;
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** The WebSocket endpoint PeerJS uses with the stock defaults (path '/', key 'peerjs'). */
  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.port}/peerjs`;
  }

  logText(): string {
    return this.logLines.join('\n');
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

// The real signaling server (`signaling/src/main.ts`) as a child process, so tests can
// crash it (SIGKILL), bring it back, and read what it logged when something goes wrong.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { devServer, repoRoot, signalingEntry } from './paths.ts';
import { assertPrivateNetwork } from './private-network.ts';
import { waitFor } from './wait.ts';

export interface SignalingServerOptions {
  host?: string;
  port?: number;
  path?: string;
  key?: string;
  /** More `PARLEY_*` settings, e.g. an origin allowlist (benchmarks run the private mode). */
  env?: Readonly<Record<string, string>>;
}

export class SignalingServer {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly key: string;
  readonly env: Readonly<Record<string, string>>;
  /** Every line the server printed, over all its runs, prefixed with the stream's name. */
  readonly logLines: string[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;

  private constructor(options: SignalingServerOptions) {
    this.host = options.host ?? devServer.host;
    this.port = options.port ?? devServer.port;
    this.path = options.path ?? devServer.path;
    this.key = options.key ?? devServer.key;
    this.env = options.env ?? {};
  }

  /** Starts a server and resolves once its /health answers. */
  static async start(options: SignalingServerOptions = {}): Promise<SignalingServer> {
    const server = new SignalingServer(options);
    await server.restart();
    return server;
  }

  /** Starts the server again (after kill() or stop()) on the same port, with the same options. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('The signaling server is already running.');
    assertPrivateNetwork();
    // A leftover server on our port would answer /health and fool us into testing it.
    if (await isListening(this.host, this.port)) {
      throw new Error(`Port ${this.port} on ${this.host} is already taken by another process.`);
    }
    const child = spawn(nodeForTypeScript(), [signalingEntry], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...this.env,
        PARLEY_HOST: this.host,
        PARLEY_PORT: String(this.port),
        PARLEY_PATH: this.path,
        PARLEY_KEY: this.key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    // If the test run dies before stop(), take the server along rather than leave it behind.
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream] }).on('line', (line) => {
        this.logLines.push(`${stream}: ${line}`);
      });
    }
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.logLines.push(`exit: code ${code}, signal ${signal}`);
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });

    try {
      await waitFor(
        `the signaling server's /health on port ${this.port}`,
        async () => {
          if (this.#child !== child) throw new Error('the server exited');
          const response = await fetch(`http://${this.host}:${this.port}/health`);
          return response.ok ? true : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
    } catch (error) {
      await this.kill();
      throw new Error(`${(error as Error).message}\nServer log:\n${this.logText()}`, {
        cause: error,
      });
    }
  }

  /** Crashes the server: no goodbye to the clients, the sockets just drop. */
  async kill(): Promise<void> {
    await this.#end('SIGKILL');
  }

  /** Shuts the server down as an operator would. */
  async stop(): Promise<void> {
    await this.#end('SIGTERM', 5_000);
  }

  /** The running server's process id (to read its memory in /proc); undefined when stopped. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  logText(): string {
    return this.logLines.join('\n');
  }

  async #end(signal: NodeJS.Signals, graceMs = 0): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill(signal);
    const exited = this.#exited!;
    if (graceMs > 0) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    } else {
      await exited;
    }
  }
}

/** Node 22 runs the server's TypeScript as it is; older Nodes need the project's own. */
function nodeForTypeScript(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 18)) return process.execPath;
  return `${repoRoot}/node_modules/.bin/node`;
}

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startSignalingServer, type RunningServer } from '../../src/server.ts';
import { openPeerClient, type ConnectOptions, type PeerClient } from './peer-client.ts';

export const TEST_KEY = 'test-key';

/** One parsed log line. */
export type LogLine = { readonly event: string; readonly level: string } & Record<string, unknown>;

export interface TestServer {
  readonly server: RunningServer;
  /** Every line the server logged, parsed, in order. */
  readonly logs: LogLine[];
  /** Opens a client with the test key and a token derived from the ID, unless overridden. */
  connect(id: string, options?: ConnectOptions): Promise<PeerClient>;
  /** Opens a client and waits for its OPEN frame. */
  join(id: string, options?: ConnectOptions): Promise<PeerClient>;
  /** Lines logged for one event. */
  events(event: string): LogLine[];
}

const cleanups: Array<() => Promise<void>> = [];

/**
 * Starts a real server on 127.0.0.1 and a random port, logging into memory. Everything it
 * and its clients open is closed by {@link cleanUp}, which each test file runs afterEach.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const logs: LogLine[] = [];
  const config = loadConfig({
    PARLEY_HOST: '127.0.0.1',
    PARLEY_PORT: '0',
    PARLEY_KEY: TEST_KEY,
    ...env,
  });
  const logger = createLogger({
    level: 'debug',
    write: (line) => logs.push(JSON.parse(line) as LogLine),
  });
  const server = await startSignalingServer(config, { logger });
  cleanups.push(() => server.close());

  const connect = async (id: string, options: ConnectOptions = {}) => {
    const client = await openPeerClient(server.websocketUrl, {
      key: TEST_KEY,
      id,
      token: `token-of-${id}`,
      ...options,
    });
    cleanups.push(() => client.close());
    return client;
  };

  return {
    server,
    logs,
    connect,
    join: async (id, options) => {
      const client = await connect(id, options);
      const frame = await client.next();
      if (frame.type !== 'OPEN') throw new Error(`${id} got ${JSON.stringify(frame)}, not OPEN`);
      return client;
    },
    events: (event) => logs.filter((line) => line.event === event),
  };
}

/** Closes clients first, then servers (they were registered in the opposite order). */
export async function cleanUp(): Promise<void> {
  for (const close of cleanups.splice(0).reverse()) await close();
}

/** Polls until `check` passes, for state that settles shortly after an event. */
export async function eventually(
  check: () => void | Promise<void>,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

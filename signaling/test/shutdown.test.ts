import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, startTestServer, TEST_KEY } from './support/harness.ts';
import { openPeerClient, refusedUpgradeStatus } from './support/peer-client.ts';
import { spawnServer, type ServerProcess } from './support/server-process.ts';

const processes: ServerProcess[] = [];

afterEach(async () => {
  for (const { child } of processes.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await cleanUp();
});

function start(env: Record<string, string> = {}): ServerProcess {
  const server = spawnServer({
    PARLEY_HOST: '127.0.0.1',
    PARLEY_PORT: '0',
    PARLEY_KEY: TEST_KEY,
    ...env,
  });
  processes.push(server);
  return server;
}

async function timed<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the server process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s closes clients with 1001, logs the shutdown and exits 0',
    async (signal) => {
      const server = start();
      const listening = await server.waitForEvent('listening');
      const websocketUrl = String(listening.websocketUrl);
      const client = await openPeerClient(websocketUrl, { key: TEST_KEY, id: 'alice', token: 't' });
      expect(await client.next()).toEqual({ type: 'OPEN' });

      server.child.kill(signal);

      expect(await timed(client.closed, 3000, 'closing the client')).toMatchObject({ code: 1001 });
      expect(await timed(server.exited, 4000, 'exiting')).toBe(0);
      expect(server.logs.map((line) => line.event)).toEqual(
        expect.arrayContaining(['shutdown', 'client-disconnected', 'stopped']),
      );
      expect(server.logs.find((line) => line.event === 'shutdown')).toMatchObject({
        level: 'info',
        signal,
      });
      expect(server.logs.every((line) => typeof line.time === 'string')).toBe(true);
    },
  );

  it('exits 2 with one message naming every bad variable', async () => {
    const server = start({ PARLEY_PORT: 'ninety', PARLEY_ALLOWED_ORIGINS: 'nope' });
    expect(await timed(server.exited, 4000, 'exiting')).toBe(2);
    expect(server.stderr()).toContain('PARLEY_PORT');
    expect(server.stderr()).toContain('PARLEY_ALLOWED_ORIGINS');
    expect(server.logs).toEqual([]);
  });

  it('exits 1 with a start-failed line when the port is taken', async () => {
    const { server: taken } = await startTestServer();
    const server = start({ PARLEY_PORT: String(taken.port) });
    expect(await timed(server.exited, 4000, 'exiting')).toBe(1);
    expect(server.logs).toMatchObject([{ event: 'start-failed', level: 'error' }]);
  });
});

describe('RunningServer.close', () => {
  it('closes clients with 1001 and refuses new ones', async () => {
    const { server, join } = await startTestServer();
    const client = await join('alice');
    const closing = server.close();
    expect((await client.closed).code).toBe(1001);
    await closing;
    await expect(refusedUpgradeStatus(`${server.websocketUrl}?key=${TEST_KEY}`)).rejects.toThrow();
    await server.close(); // a second call is harmless
  });
});

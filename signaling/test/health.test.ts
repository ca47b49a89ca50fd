import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, eventually, startTestServer, TEST_KEY } from './support/harness.ts';

afterEach(cleanUp);

async function health(
  url: string,
): Promise<{ status: number; body: unknown; cache: string | null }> {
  const response = await fetch(`${url}/health`);
  return {
    status: response.status,
    body: await response.json(),
    cache: response.headers.get('cache-control'),
  };
}

describe('GET /health', () => {
  it('reports ok, the live client count and the uptime', async () => {
    const { server, join } = await startTestServer();
    expect(await health(server.url)).toEqual({
      status: 200,
      body: { status: 'ok', clients: 0, uptimeSeconds: 0 },
      cache: 'no-store',
    });

    const alice = await join('alice');
    await join('bob');
    expect((await health(server.url)).body).toMatchObject({ clients: 2 });

    await alice.close();
    await eventually(async () => {
      expect((await health(server.url)).body).toMatchObject({ clients: 1 });
    });
  });

  it('does not count refused clients', async () => {
    const { server, join, connect } = await startTestServer();
    await join('alice');
    const intruder = await connect('alice', { token: 'other' });
    await intruder.closed;
    expect((await health(server.url)).body).toMatchObject({ clients: 1 });
  });
});

describe('privacy', () => {
  it('never lists connected peers', async () => {
    const { server, join } = await startTestServer();
    await join('alice');
    const response = await fetch(`${server.url}/parley/${TEST_KEY}/peers`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('alice');
  });

  it('hides the Express banner', async () => {
    const { server } = await startTestServer();
    const response = await fetch(`${server.url}/parley/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, startTestServer } from './support/harness.ts';
import { spawnServer } from './support/server-process.ts';

afterEach(cleanUp);

describe('the container health probe', () => {
  it('exits 0 while the server answers, and 1 once it is gone', async () => {
    const { server } = await startTestServer();
    const env = { PARLEY_HOST: '127.0.0.1', PARLEY_PORT: String(server.port) };

    expect(await spawnServer(env, 'healthcheck.ts').exited).toBe(0);
    await server.close();
    const probe = spawnServer(env, 'healthcheck.ts');
    expect(await probe.exited).toBe(1);
    expect(probe.stderr()).toContain('health check failed');
  });
});

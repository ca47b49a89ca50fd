import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_KEY } from './support/harness.ts';
import { openPeerClient, refusedUpgradeStatus, type PeerClient } from './support/peer-client.ts';
import { spawnServer, type ServerProcess } from './support/server-process.ts';

const ORIGIN = 'https://parley.test';
const FLOODERS = 10;
const FRAMES_PER_FLOODER = 300;
const CONNECTION_ATTEMPTS = 300;
/** Generous: the flood must not leave the server holding what it was sent. */
const MAX_RSS_GROWTH_BYTES = 64 * 1024 * 1024;

const processes: ServerProcess[] = [];
const clients: PeerClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const { child } of processes.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** Resident memory of a process, from Linux's /proc: what the OS really gave it. */
function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

const MALFORMED = [
  'not json',
  '[]',
  '{"type":5}',
  '{"type":"SHOUT"}',
  '{"type":"OFFER","dst":{}}',
  '{"type":"LEAVE"}',
];

describe('a bounded flood of bad frames and connections', () => {
  it('neither crashes the server, nor grows its memory, nor stops good clients', async () => {
    const server = spawnServer({
      PARLEY_HOST: '127.0.0.1',
      PARLEY_PORT: '0',
      PARLEY_KEY: TEST_KEY,
      PARLEY_ALLOWED_ORIGINS: ORIGIN,
      // Lets the flood pose as many addresses, as it would from the internet.
      PARLEY_PROXIED: 'loopback',
      PARLEY_CONNECTIONS_PER_MINUTE: '20',
    });
    processes.push(server);
    const listening = await server.waitForEvent('listening');
    const websocketUrl = String(listening.websocketUrl);
    const healthUrl = `${String(listening.url)}/health`;
    const pid = server.child.pid ?? 0;

    const open = async (id: string, options: Parameters<typeof openPeerClient>[1] = {}) => {
      const client = await openPeerClient(websocketUrl, {
        key: TEST_KEY,
        id,
        token: `token-of-${id}`,
        origin: ORIGIN,
        ...options,
      });
      clients.push(client);
      return client;
    };
    const join = async (id: string, address: string) => {
      const client = await open(id, { headers: { 'X-Forwarded-For': address } });
      expect((await client.next()).type).toBe('OPEN');
      return client;
    };

    const alice = await join('alice', '198.51.100.1');
    const bob = await join('bob', '198.51.100.2');
    await fetch(healthUrl); // Express's first request allocates; keep it out of the measure
    const before = residentBytes(pid);

    // Alice keeps offering to Bob, and Bob answers, for as long as the flood runs.
    let relaying = true;
    const conversation = (async () => {
      let rounds = 0;
      while (relaying) {
        alice.send({ type: 'OFFER', dst: 'bob', payload: { sdp: `v=0 ${rounds}` } });
        expect(await bob.next()).toMatchObject({ type: 'OFFER', src: 'alice' });
        bob.send({ type: 'ANSWER', dst: 'alice', payload: { sdp: `ok ${rounds}` } });
        expect(await alice.next()).toMatchObject({ type: 'ANSWER', src: 'bob' });
        rounds += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return rounds;
    })();

    const frameFlood = (async () => {
      const flooders = await Promise.all(
        Array.from({ length: FLOODERS }, (_, i) => join(`flooder-${i}`, `203.0.113.${i + 1}`)),
      );
      for (const flooder of flooders) {
        for (let i = 0; i < FRAMES_PER_FLOODER; i += 1) {
          flooder.send(MALFORMED[i % MALFORMED.length] ?? '');
        }
      }
      return Promise.all(flooders.map((flooder) => flooder.closed));
    })();

    const connectionFlood = (async () => {
      const statuses: Array<number | string> = [];
      const url = `${websocketUrl}?key=${TEST_KEY}&id=intruder&token=t`;
      for (let batch = 0; batch < CONNECTION_ATTEMPTS / 50; batch += 1) {
        const attempts = Array.from({ length: 50 }, async (_, i) => {
          const n = batch * 50 + i;
          const address = `192.0.2.${n % 5}`; // five addresses, each far over its budget
          if (n % 2 === 0) {
            return refusedUpgradeStatus(url, 'https://evil.example', {
              'X-Forwarded-For': address,
            });
          }
          // The right origin with the wrong key: PeerServer's own refusal.
          const intruder = await open(`intruder-${n}`, {
            key: 'wrong-key',
            headers: { 'X-Forwarded-For': address },
          }).catch(() => undefined);
          if (!intruder) return 'refused';
          const frame = await intruder.next().catch(() => undefined);
          await intruder.closed;
          return frame?.payload?.msg ?? 'closed';
        });
        statuses.push(...(await Promise.all(attempts)));
      }
      return statuses;
    })();

    const [closes, statuses] = await Promise.all([frameFlood, connectionFlood]);
    relaying = false;
    const rounds = await conversation;

    expect(closes.map((close) => close.code)).toEqual(Array(FLOODERS).fill(1008));
    expect(statuses).toContain(403);
    expect(statuses).toContain('Invalid key provided');
    expect(statuses).toContain('refused'); // 429s, seen from the client side
    expect(
      statuses.filter((status) => status === 429 || status === 'refused').length,
    ).toBeGreaterThan(CONNECTION_ATTEMPTS / 2);
    expect(rounds).toBeGreaterThan(0);
    expect(alice.isOpen && bob.isOpen).toBe(true);

    expect(server.child.exitCode).toBeNull();
    const health = await fetch(healthUrl);
    expect(await health.json()).toMatchObject({ status: 'ok', clients: 2 });
    expect(server.logs.filter((line) => line.event === 'message-flood')).toHaveLength(FLOODERS);
    expect(residentBytes(pid) - before).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  }, 20_000);
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tokenDigest } from '../src/token-file.ts';
import { cleanUp, startTestServer, TEST_KEY } from './support/harness.ts';
import { openPeerClient } from './support/peer-client.ts';
import {
  nodeBinary,
  REPO_ROOT,
  spawnServer,
  type ServerProcess,
} from './support/server-process.ts';

const directory = mkdtempSync(joinPath(tmpdir(), 'parley-tokens-'));
const processes: ServerProcess[] = [];
let files = 0;

afterEach(async () => {
  for (const { child } of processes.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await cleanUp();
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ALICE = 'alice-token-0123456789abcdefghij';
const BOB = 'bob-token-0123456789abcdefghijkl';

/** A tokens file with one line per [token, label], as issue-token writes them. */
function tokensFile(entries: ReadonlyArray<readonly [string, string]>, extra = ''): string {
  const path = joinPath(directory, `tokens-${++files}`);
  const lines = entries.map(([token, label]) => `${tokenDigest(token)} ${label}\n`);
  writeFileSync(path, `# issued tokens\n${lines.join('')}${extra}`);
  return path;
}

const INVALID_KEY = { type: 'ERROR', payload: { msg: 'Invalid key provided' } };

describe('per-user tokens', () => {
  it('registers a client presenting an issued token, and refuses an unknown one', async () => {
    const path = tokensFile([
      [ALICE, 'alice'],
      [BOB, 'bob'],
    ]);
    const { join, connect, events, logs } = await startTestServer({
      PARLEY_KEY: '',
      PARLEY_TOKENS_FILE: path,
    });
    const alice = await join('alice', { key: ALICE });
    const bob = await join('bob', { key: BOB });
    alice.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0' } });
    expect(await bob.next()).toMatchObject({ type: 'OFFER', src: 'alice' });

    for (const key of ['unknown-token', TEST_KEY, 'parley', tokenDigest(ALICE)]) {
      const stranger = await connect(`stranger-${key.length}`, { key });
      expect(await stranger.next()).toEqual(INVALID_KEY);
      await stranger.closed;
    }
    expect(events('client-refused')).toHaveLength(4);
    expect(events('client-refused').every((line) => line.reason === 'invalid-key')).toBe(true);
    expect(events('listening')).toMatchObject([{ sharedKey: false, issuedTokens: 2 }]);
    const logText = JSON.stringify(logs);
    for (const secret of [ALICE, BOB, 'unknown-token']) expect(logText).not.toContain(secret);
  });

  it('accepts the shared key as well when PARLEY_KEY is set too', async () => {
    const path = tokensFile([[ALICE, 'alice']]);
    const { join, connect } = await startTestServer({ PARLEY_TOKENS_FILE: path });
    await join('alice', { key: ALICE });
    await join('old-friend', { key: TEST_KEY });
    const stranger = await connect('stranger', { key: 'guess' });
    expect(await stranger.next()).toEqual(INVALID_KEY);
  });

  it('still says a missing key is missing, not wrong', async () => {
    const { connect } = await startTestServer({ PARLEY_TOKENS_FILE: tokensFile([[ALICE, 'a']]) });
    const client = await connect('x', { query: 'id=x&token=t' });
    expect(await client.next()).toEqual({
      type: 'ERROR',
      payload: { msg: 'No id, token, or key supplied to websocket server' },
    });
  });

  it.each([
    ['a missing file', () => joinPath(directory, 'no-such-file'), /cannot read .*ENOENT/],
    ['an empty file', () => tokensFile([]), /holds no tokens/],
    ['a malformed line', () => tokensFile([[ALICE, 'alice']], 'not-a-digest bob\n'), /line 3:/],
  ])('refuses to start with %s', async (_name, makePath, message) => {
    await expect(startTestServer({ PARLEY_TOKENS_FILE: makePath() })).rejects.toThrow(message);
  });
});

describe('the server process with PARLEY_TOKENS_FILE', () => {
  function start(path: string): ServerProcess {
    const server = spawnServer({
      PARLEY_HOST: '127.0.0.1',
      PARLEY_PORT: '0',
      PARLEY_TOKENS_FILE: path,
    });
    processes.push(server);
    return server;
  }

  it('exits 2 with a clear message when the file holds no tokens', async () => {
    const server = start(tokensFile([]));
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toMatch(/^PARLEY_TOKENS_FILE: .* holds no tokens; issue one with/);
  });

  it('refuses a revoked token after SIGHUP, and keeps accepting the others', async () => {
    const path = tokensFile([
      [ALICE, 'alice'],
      [BOB, 'bob'],
    ]);
    const server = start(path);
    const websocketUrl = String((await server.waitForEvent('listening')).websocketUrl);
    const open = (id: string, key: string) => openPeerClient(websocketUrl, { key, id, token: 't' });

    const before = await open('bob-1', BOB);
    expect(await before.next()).toEqual({ type: 'OPEN' });
    await before.close();

    // Revoke bob: delete his line, as docs/self-hosting.md says.
    const kept = readFileSync(path, 'utf8').replace(/^.* bob\n/m, '');
    writeFileSync(path, kept);
    server.child.kill('SIGHUP');
    expect(await server.waitForEvent('tokens-reloaded')).toMatchObject({ issuedTokens: 1 });

    const revoked = await open('bob-2', BOB);
    expect(await revoked.next()).toEqual(INVALID_KEY);
    await revoked.close();
    const alice = await open('alice', ALICE);
    expect(await alice.next()).toEqual({ type: 'OPEN' });
    await alice.close();
  });

  it('accepts no token after a reload that fails, until the file is fixed', async () => {
    const path = tokensFile([[ALICE, 'alice']]);
    const server = start(path);
    const websocketUrl = String((await server.waitForEvent('listening')).websocketUrl);
    const open = (id: string) => openPeerClient(websocketUrl, { key: ALICE, id, token: 't' });

    writeFileSync(path, 'garbage\n');
    server.child.kill('SIGHUP');
    expect(await server.waitForEvent('tokens-reload-failed')).toMatchObject({ issuedTokens: 0 });
    const refused = await open('alice-1');
    expect(await refused.next()).toEqual(INVALID_KEY);
    await refused.close();

    writeFileSync(path, `${tokenDigest(ALICE)} alice\n`);
    server.child.kill('SIGHUP');
    await server.waitForEvent('tokens-reloaded');
    const admitted = await open('alice-2');
    expect(await admitted.next()).toEqual({ type: 'OPEN' });
    await admitted.close();
  });
});

describe('issue-token', () => {
  const run = promisify(execFile);
  const issue = (path: string, label: string) =>
    run(nodeBinary(), ['signaling/src/issue-token.ts', label], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', PARLEY_TOKENS_FILE: path },
    });

  it('prints a fresh token whose digest it appends, and the server accepts it', async () => {
    const path = joinPath(directory, `issued-${++files}`);
    const token = (await issue(path, 'carol')).stdout.split('\n')[0] ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(path, 'utf8')).toBe(`${tokenDigest(token)} carol\n`);

    const { join } = await startTestServer({ PARLEY_KEY: '', PARLEY_TOKENS_FILE: path });
    await join('carol', { key: token });
  });

  it('refuses a label that already has a token', async () => {
    const path = joinPath(directory, `issued-${++files}`);
    await issue(path, 'dave');
    await expect(issue(path, 'dave')).rejects.toMatchObject({ code: 2 });
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2);
  });
});

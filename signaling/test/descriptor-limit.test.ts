import { describe, expect, it } from 'vitest';
import {
  concurrentLimitFor,
  DESCRIPTOR_RESERVE,
  FALLBACK_OPEN_FILES,
  MAX_CONCURRENT_LIMIT,
  softOpenFilesLimit,
} from '../src/descriptor-limit.ts';
import { spawnServer } from './support/server-process.ts';

/** A /proc/<pid>/limits text as Linux writes it, with the given open-files columns. */
function limits(soft: string, hard = soft): string {
  return [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max stack size            8388608              unlimited            bytes     ',
    'Max processes             96365                96365                processes ',
    `Max open files            ${soft.padEnd(21)}${hard.padEnd(21)}files     `,
    'Max locked memory         8388608              8388608              bytes     ',
  ].join('\n');
}

describe('softOpenFilesLimit', () => {
  it('reads the soft column, not the hard one', () => {
    expect(softOpenFilesLimit(limits('1024', '524288'))).toBe(1024);
    expect(softOpenFilesLimit(limits('20000'))).toBe(20_000);
  });

  it('reads unlimited as such', () => {
    expect(softOpenFilesLimit(limits('unlimited'))).toBe('unlimited');
  });

  it.each([
    ['no text at all', undefined],
    ['an empty text', ''],
    ['no open-files line', limits('1024').replace('Max open files', 'Max open filez')],
    ['a garbled number', limits('12ab')],
    ['a negative number', limits('-5')],
    ['a number past 2^53', limits('99999999999999999999')],
  ])('gives undefined for %s', (_name, text) => {
    expect(softOpenFilesLimit(text)).toBeUndefined();
  });
});

describe('concurrentLimitFor', () => {
  it('leaves the reserve for everything that is not a client', () => {
    expect(DESCRIPTOR_RESERVE).toBe(64);
    expect(concurrentLimitFor(limits('20000'))).toBe(19_936);
    expect(concurrentLimitFor(limits('1024', '524288'))).toBe(960);
  });

  it('falls back to the documented limit when it cannot read one', () => {
    expect(FALLBACK_OPEN_FILES).toBe(1024);
    expect(concurrentLimitFor(undefined)).toBe(960);
    expect(concurrentLimitFor('garbage')).toBe(960);
    expect(concurrentLimitFor(limits('lots'))).toBe(960);
  });

  it('caps an unlimited or huge limit at the highest accepted setting', () => {
    expect(concurrentLimitFor(limits('unlimited'))).toBe(MAX_CONCURRENT_LIMIT);
    expect(concurrentLimitFor(limits('1048576'))).toBe(MAX_CONCURRENT_LIMIT);
  });

  it('keeps at least one client when the limit is below the reserve', () => {
    expect(concurrentLimitFor(limits('100'))).toBe(36);
    expect(concurrentLimitFor(limits('10'))).toBe(1);
    expect(concurrentLimitFor(limits('0'))).toBe(1);
  });
});

describe.runIf(process.platform === 'linux')('the server process', () => {
  it('sizes its default concurrent limit from its own ulimit -n, and logs it', async () => {
    const server = spawnServer({ PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '0' }, 'main.ts', 200);
    try {
      const listening = await server.waitForEvent('listening');
      expect(listening).toMatchObject({ openFilesLimit: 200, concurrentLimit: 200 - 64 });
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('warns when PARLEY_CONCURRENT_LIMIT is above what ulimit -n leaves room for', async () => {
    const env = { PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '0', PARLEY_CONCURRENT_LIMIT: '5000' };
    const server = spawnServer(env, 'main.ts', 200);
    try {
      expect(await server.waitForEvent('concurrent-limit-above-descriptors')).toMatchObject({
        level: 'warn',
        concurrentLimit: 5000,
        openFilesLimit: 200,
      });
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});

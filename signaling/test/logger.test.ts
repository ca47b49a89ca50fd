import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../src/logger.ts';

function capture(level: LogLevel) {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level, write: (line) => lines.push(line) }) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level and event first', () => {
    const { lines, logger } = capture('info');
    logger.info('client-connected', { peer: 'alice', clients: 1 });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '');
    expect(Object.keys(line)).toEqual(['time', 'level', 'event', 'peer', 'clients']);
    expect(line).toMatchObject({ level: 'info', event: 'client-connected', peer: 'alice' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('drops lines below the configured level', () => {
    const { lines, logger } = capture('warn');
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(['c', 'd']);
  });

  it('writes nothing when silent', () => {
    const { lines, logger } = capture('silent');
    logger.error('boom');
    expect(lines).toEqual([]);
  });
});

// When an end-to-end test fails, the cause is usually in a log nobody saw: the offscreen
// document's console, the service worker's, the server's. Print them on failure, and keep
// them all as artifacts in test-results/logs/.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeEach } from 'vitest';
import { repoRoot } from './paths.ts';

export interface LogSource {
  readonly name?: string;
  logText(): string;
}

const TAIL_LINES = 80;

/**
 * Registers hooks for the enclosing describe block: on each failed test, print the tail of
 * every source's log; after all tests, write each full log to test-results/logs/.
 * `sources` is called late, because the sources are created in beforeAll.
 */
export function keepLogs(
  label: string,
  sources: () => Record<string, LogSource | undefined>,
): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      for (const [name, source] of Object.entries(sources())) {
        if (!source) continue;
        const tail = source.logText().split('\n').slice(-TAIL_LINES).join('\n');
        console.error(`----- last ${TAIL_LINES} lines of ${name}'s log -----\n${tail}`);
      }
    });
  });
  afterAll(async () => {
    const dir = path.join(repoRoot, 'test-results/logs');
    await mkdir(dir, { recursive: true });
    for (const [name, source] of Object.entries(sources())) {
      if (source) await writeFile(path.join(dir, `${label}-${name}.log`), source.logText());
    }
  });
}

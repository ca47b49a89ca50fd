import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LogLine } from './harness.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Node that strips types (22.18+): this one if it can, else the project's pinned Node 22. */
export function nodeBinary(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const canStripTypes = major > 22 || (major === 22 && minor >= 18);
  return canStripTypes ? process.execPath : `${REPO_ROOT}node_modules/.bin/node`;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  readonly stderr: () => string;
  /** Resolves with the first log line for `event`, or rejects after the timeout. */
  waitForEvent(event: string, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (null if killed by a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * Runs `node signaling/src/<script>` (the server's main.ts by default) as a real process,
 * with only the given variables set; with `openFiles`, under that `ulimit -n`, hard and soft
 * (Node raises its soft limit to the hard one as it starts, so the hard one is what counts).
 */
export function spawnServer(
  env: Record<string, string>,
  script = 'main.ts',
  openFiles?: number,
): ServerProcess {
  const command = [nodeBinary(), `signaling/src/${script}`];
  const [file = '', ...args] =
    openFiles === undefined
      ? command
      : ['sh', '-c', `ulimit -n ${openFiles} && exec "$0" "$@"`, ...command];
  const child = spawn(file, args, {
    cwd: REPO_ROOT,
    // No inherited PARLEY_* variables from whoever runs the tests.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    logs.push(JSON.parse(line) as LogLine);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

  const waitForEvent = (event: string, timeoutMs = 5000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const line = logs.find((entry) => entry.event === event);
        if (!line) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no "${event}" line within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return { child, logs, stderr: () => stderr, waitForEvent, exited };
}

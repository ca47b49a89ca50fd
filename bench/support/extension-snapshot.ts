// A private copy of the extension's development build for one benchmark run. The build in
// .output/ is shared: a rebuild while the benchmark runs would swap files under the
// browsers mid-measurement. A copy keeps the run on one build from start to end.
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromeBuildDir, requireBuild } from '../../tests/support/paths.ts';
import { sleep } from '../../tests/support/wait.ts';

export interface ExtensionSnapshot {
  /** The copy; load it as the unpacked extension. */
  readonly dir: string;
  /** When the copied build was made (its manifest's modification time). */
  readonly builtAt: Date;
  dispose(): Promise<void>;
}

const ATTEMPTS = 5;

/** Copies the Chrome development build (`npm run build:dev`) to a temporary directory. */
export async function snapshotChromeBuild(): Promise<ExtensionSnapshot> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-build-'));
  const dir = path.join(root, 'chrome-mv3-dev');
  const dispose = () => rm(root, { recursive: true, force: true, maxRetries: 5 });
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      const manifest = path.join(requireBuild(chromeBuildDir), 'manifest.json');
      const before = (await stat(manifest)).mtimeMs;
      await rm(dir, { recursive: true, force: true });
      await cp(chromeBuildDir, dir, { recursive: true });
      // A rebuild that ran during the copy leaves a mix of two builds: copy again.
      if ((await stat(manifest)).mtimeMs !== before) throw new Error('the build changed mid-copy');
      requireBuild(dir);
      return { dir, builtAt: new Date(before), dispose };
    } catch (error) {
      lastError = error;
      await sleep(2_000);
    }
  }
  await dispose();
  throw new Error(`Could not copy ${chromeBuildDir}: ${(lastError as Error).message}`, {
    cause: lastError,
  });
}

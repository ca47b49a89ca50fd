// The files bench:transfer sends: random bytes on disk (SCTP does not compress, but a
// file of zeros would flatter any layer that does), hashed as they are written; and the
// copy the receiver saves to its Downloads folder, checked against that hash.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '../../tests/support/wait.ts';

export interface TestFile {
  path: string;
  name: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

/** Written in pieces this big: a 4 GiB file never sits in memory. */
const PIECE = 16 * 1024 * 1024;

/** Writes `size` random bytes to `dir/name`. */
export async function writeRandomFile(dir: string, name: string, size: number): Promise<TestFile> {
  const file = path.join(dir, name);
  const hash = createHash('sha256');
  const piece = Buffer.alloc(Math.min(PIECE, size));
  const handle = await open(file, 'wx');
  try {
    for (let at = 0; at < size; at += piece.length) {
      const bytes = piece.subarray(0, Math.min(piece.length, size - at));
      randomFillSync(bytes);
      hash.update(bytes);
      await handle.write(bytes, 0, bytes.length, at);
    }
    // On disk before it is sent: the kernel's write-back must not run during a measurement.
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { path: file, name, size, sha256: hash.digest('hex') };
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/**
 * Waits until the browser has saved `file` in `downloadsDir` under its own name, whole
 * (Chromium writes to a `.crdownload` file and renames it when done); returns its path.
 */
export async function waitForSavedCopy(
  downloadsDir: string,
  file: TestFile,
  timeoutMs: number,
): Promise<string> {
  const saved = path.join(downloadsDir, file.name);
  await waitFor(
    `${file.name} saved whole in ${downloadsDir}`,
    async () => ((await stat(saved)).size === file.size ? true : undefined),
    { timeoutMs, intervalMs: 100 },
  );
  return saved;
}

/** Deletes a file; one that is not there is fine. */
export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

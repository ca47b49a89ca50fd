// A user whose browser keeps its storage on a small disk of its own, so that a test can
// fill that disk for real: small-disk-chromium.sh mounts a tmpfs over the profile's
// Default folder in a mount namespace of the browser's own. The test process is outside
// that namespace and reaches the disk through /proc/<pid>/root of a browser process.
import { open, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { chromiumPath } from './chromium-args.ts';
import type { ChromiumLauncher, ChromiumProfile } from './chromium-profile.ts';
import { pidsWithArgument } from './processes.ts';

const SCRIPT = path.join(import.meta.dirname, 'small-disk-chromium.sh');
/** statfs's f_type of a tmpfs (TMPFS_MAGIC). */
const TMPFS_MAGIC = 0x01021994;
const FILLER = 'parley-test-filler.bin';

/** Starts Chromium with its profile's Default folder on a tmpfs of `mebibytes` MiB. */
export function smallDiskLauncher(mebibytes: number): ChromiumLauncher {
  return {
    executablePath: SCRIPT,
    env: { PARLEY_SMALL_DISK_SIZE: `${mebibytes}m`, PARLEY_CHROMIUM: chromiumPath },
  };
}

/** The small disk under a running profile that `smallDiskLauncher` started. */
export class SmallDisk {
  readonly #profile: ChromiumProfile;

  constructor(profile: ChromiumProfile) {
    this.#profile = profile;
  }

  /** Its size and free bytes, checked to be the tmpfs (not the folder underneath it). */
  async usage(): Promise<{ size: number; free: number }> {
    const stats = await statfs(await this.#folder());
    if (stats.type !== TMPFS_MAGIC)
      throw new Error(`${this.#profile.name}'s Default folder is not on a small disk (tmpfs)`);
    return { size: stats.blocks * stats.bsize, free: stats.bavail * stats.bsize };
  }

  /** Writes a file that takes every free byte left, as another program might; returns its size. */
  async fill(): Promise<number> {
    const file = await open(path.join(await this.#folder(), FILLER), 'w');
    const block = Buffer.alloc(1024 * 1024);
    let written = 0;
    try {
      for (;;) {
        const { bytesWritten } = await file.write(block, 0, block.length);
        written += bytesWritten;
        if (bytesWritten === 0) return written;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return written;
      throw error;
    } finally {
      await file.close();
    }
  }

  /** Deletes the file `fill` wrote. */
  async clear(): Promise<void> {
    await rm(path.join(await this.#folder(), FILLER), { force: true });
  }

  /** The Default folder as a browser process sees it (any of them: they share the mount). */
  async #folder(): Promise<string> {
    const [pid] = await pidsWithArgument(`--user-data-dir=${this.#profile.userDataDir}`);
    if (pid === undefined) throw new Error(`${this.#profile.name}'s browser is not running`);
    return path.join(`/proc/${pid}/root`, this.#profile.userDataDir, 'Default');
  }
}

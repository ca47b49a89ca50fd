// Finding our own processes by their command line, to kill a browser as a crash would:
// Playwright does not expose the PID of a persistent context's browser.
import { readdir, readFile } from 'node:fs/promises';

/** The PIDs of the processes whose command line includes `argument` exactly. */
export async function pidsWithArgument(argument: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(argument)) pids.push(pid);
  }
  return pids;
}

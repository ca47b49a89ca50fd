// What the kernel says about one process: its resident memory and its descriptor limit.
// A server's memory per client is read from outside it, so the reading costs it nothing
// and counts everything it holds (heap, buffers, sockets' user-space state). Linux only.
import { readFile } from 'node:fs/promises';

/** Resident memory (VmRSS) of `pid`, in bytes. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`No VmRSS for process ${pid} (has it exited?)`);
  return Number(kib) * 1024;
}

/** The soft and hard limits on open files (`ulimit -n`) of `pid`; 'self' for this process. */
export async function openFilesLimit(
  pid: number | 'self',
): Promise<{ soft: number | null; hard: number | null }> {
  const limits = await readFile(`/proc/${pid}/limits`, 'utf8');
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  const value = (raw: string | undefined) => (raw && /^\d+$/.test(raw) ? Number(raw) : null);
  return { soft: value(line?.[1]), hard: value(line?.[2]) };
}

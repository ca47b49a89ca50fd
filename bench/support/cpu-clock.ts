// CPU time that processes spend, read from /proc: what a transfer costs the machine, which
// other work running beside the benchmark changes far less than it changes the wall clock.
// Linux only, as the benchmarks are.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second, the unit of /proc/<pid>/stat's times (100 on every Linux seen). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** User plus system time of one process and all its threads, in ticks; 0 once it is gone. */
async function ticksOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The second field is the command in parentheses, which may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command.
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/**
 * The processes whose command line holds `argument`. Chromium's helper processes rewrite
 * theirs as one string (words split by spaces, not NULs), so both separate words here.
 */
async function pidsWith(argument: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split(/[\0 ]/).includes(argument)) pids.push(pid);
  }
  return pids;
}

async function ticksByPid(argument: string): Promise<Map<number, number>> {
  const pids = await pidsWith(argument);
  return new Map(await Promise.all(pids.map(async (pid) => [pid, await ticksOf(pid)] as const)));
}

/**
 * The CPU seconds that every process with `argument` on its command line (a Chromium
 * profile's `--user-data-dir=…`, which the browser passes to all its helper processes)
 * spends from `start()` on. A process that ends before `seconds()` takes its time with it:
 * measure while the processes that do the work stay up.
 */
export class CpuClock {
  readonly #argument: string;
  readonly #start: Map<number, number>;

  private constructor(argument: string, start: Map<number, number>) {
    this.#argument = argument;
    this.#start = start;
  }

  static async start(argument: string): Promise<CpuClock> {
    return new CpuClock(argument, await ticksByPid(argument));
  }

  async seconds(): Promise<number> {
    let ticks = 0;
    for (const [pid, now] of await ticksByPid(this.#argument))
      ticks += now - (this.#start.get(pid) ?? 0);
    return ticks / TICKS_PER_SECOND;
  }
}

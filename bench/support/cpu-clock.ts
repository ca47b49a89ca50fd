// CPU time that processes spend, read from /proc: what a transfer costs the machine, which
// other work running beside the benchmark changes far less than it changes the wall clock.
// Linux only, as the benchmarks are.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second, the unit of /proc/<pid>/stat's times (100 on every Linux seen). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** User plus system time in a /proc stat line, in ticks, and the command (a thread's name). */
function parseStat(stat: string): { name: string; ticks: number } {
  // The second field is the command in parentheses, which may itself hold spaces.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command.
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return { name: stat.slice(stat.indexOf('(') + 1, close), ticks };
}

/** A process's time, its dead threads' included; 0 once it is gone. */
async function ticksOf(pid: number): Promise<number> {
  return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).ticks;
}

/** Chromium's kind of process: 'browser', 'renderer', 'utility:network.mojom.NetworkService'… */
function processKind(cmdline: string[]): string {
  const value = (name: string) =>
    cmdline.find((word) => word.startsWith(`--${name}=`))?.slice(name.length + 3);
  const type = value('type');
  if (!type) return 'browser';
  const subType = value('utility-sub-type');
  return subType ? `${type}:${subType}` : type;
}

/** Each live thread's time, keyed by tid, with its process's kind and its own name. */
async function threadTicks(pid: number, kind: string) {
  const tids = await readdir(`/proc/${pid}/task`).catch(() => []);
  return Promise.all(
    tids.map(async (tid) => {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
      return { tid: Number(tid), kind, ...parseStat(stat) };
    }),
  );
}

/**
 * The processes whose command line holds `argument`, with their command lines. Chromium's
 * helper processes rewrite theirs as one string (words split by spaces, not NULs), so
 * both separate words here.
 */
async function processesWith(argument: string): Promise<{ pid: number; cmdline: string[] }[]> {
  const found: { pid: number; cmdline: string[] }[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split(/[\0 ]/);
    if (cmdline.includes(argument)) found.push({ pid, cmdline });
  }
  return found;
}

interface Snapshot {
  processes: Map<number, number>;
  threads: Map<number, { kind: string; name: string; ticks: number }>;
}

async function snapshot(argument: string): Promise<Snapshot> {
  const processes = await processesWith(argument);
  const snap: Snapshot = { processes: new Map(), threads: new Map() };
  await Promise.all(
    processes.map(async ({ pid, cmdline }) => {
      snap.processes.set(pid, await ticksOf(pid));
      for (const thread of await threadTicks(pid, processKind(cmdline)))
        snap.threads.set(thread.tid, thread);
    }),
  );
  return snap;
}

/** CPU seconds of one kind of thread in one kind of process. */
export interface CpuShare {
  process: string;
  thread: string;
  seconds: number;
}

/**
 * The CPU seconds that every process with `argument` on its command line (a Chromium
 * profile's `--user-data-dir=…`, which the browser passes to all its helper processes)
 * spends from `start()` on. A process that ends before `read()` takes its time with it,
 * and a thread that ends takes its share out of `shares`: measure while the processes that
 * do the work stay up.
 */
export class CpuClock {
  readonly #argument: string;
  readonly #start: Snapshot;

  private constructor(argument: string, start: Snapshot) {
    this.#argument = argument;
    this.#start = start;
  }

  static async start(argument: string): Promise<CpuClock> {
    return new CpuClock(argument, await snapshot(argument));
  }

  /** The seconds spent in all, and by kind of process and thread, the largest first. */
  async read(): Promise<{ seconds: number; shares: CpuShare[] }> {
    const now = await snapshot(this.#argument);
    let ticks = 0;
    for (const [pid, processTicks] of now.processes)
      ticks += processTicks - (this.#start.processes.get(pid) ?? 0);
    const byKind = new Map<string, CpuShare>();
    for (const [tid, thread] of now.threads) {
      const spent = thread.ticks - (this.#start.threads.get(tid)?.ticks ?? 0);
      if (spent <= 0) continue;
      // Pools name their threads alike ("ThreadPoolForeg"): one share per name.
      const key = `${thread.kind}\0${thread.name}`;
      const share = byKind.get(key) ?? { process: thread.kind, thread: thread.name, seconds: 0 };
      share.seconds += spent / TICKS_PER_SECOND;
      byKind.set(key, share);
    }
    const shares = [...byKind.values()].sort((a, b) => b.seconds - a.seconds);
    return { seconds: ticks / TICKS_PER_SECOND, shares };
  }
}

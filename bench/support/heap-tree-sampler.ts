// The memory of a target and of the dedicated workers it starts, sampled together while a
// benchmark runs: what one side of Parley costs when its host (an offscreen document)
// hands each incoming file to a worker of its own. Readings are `Runtime.getHeapUsage`,
// as HeapSampler's (heap-sampler.ts); each worker is caught as it starts, paused before
// its first line, so its baseline is the bare isolate and nothing it does goes unseen.
import { waitFor } from '../../tests/support/wait.ts';
import { DevToolsConnection } from './devtools-connection.ts';
import type { TargetInfo } from './devtools-connection.ts';
import { footprint, type HeapUsage } from './heap-sampler.ts';

/** One worker that started while sampling. */
export interface WorkerPeak {
  url: string;
  /** Read while it was paused before running any of its script. */
  start: HeapUsage;
  /** Its largest footprint minus `footprint(start)`. */
  peakGrowth: number;
  samples: number;
}

export interface HeapTreePeak {
  /** The root target, after a forced garbage collection, just before sampling began. */
  rootBaseline: HeapUsage;
  /**
   * The largest sum, over one round of readings, of every live member's footprint minus
   * its baseline (the root's, or a worker's `start`). A worker that has ended counts as
   * neither its memory nor its baseline: its isolate is gone.
   */
  peakGrowth: number;
  /** That round's sum split: the root's share, and the workers' together. */
  peakRootGrowth: number;
  peakWorkersGrowth: number;
  /** That round's sum split by field: JS heaps, and array buffers' contents. */
  peakJsHeapGrowth: number;
  peakArrayBufferGrowth: number;
  /** The root's own largest growth, in whichever round. */
  rootPeakGrowth: number;
  workers: WorkerPeak[];
  /** Rounds of readings. */
  samples: number;
  /** The longest wait between two rounds, in ms: a busy target answers late. */
  longestGapMs: number;
}

interface StopFlag {
  stop: boolean;
}

interface Member {
  sessionId: string;
  peak: WorkerPeak;
  gone: boolean;
}

interface AttachedEvent {
  sessionId: string;
  targetInfo: TargetInfo;
  waitingForDebugger: boolean;
}

export class HeapTreeSampler {
  readonly root: TargetInfo;
  readonly #client: DevToolsConnection;
  readonly #rootSession: string;
  readonly #matchesWorker: (worker: TargetInfo) => boolean;
  #run:
    { flag: StopFlag; done: Promise<HeapTreePeak>; stopWatching: () => Promise<void> } | undefined;

  private constructor(
    client: DevToolsConnection,
    rootSession: string,
    root: TargetInfo,
    matchesWorker: (worker: TargetInfo) => boolean,
  ) {
    this.#client = client;
    this.#rootSession = rootSession;
    this.root = root;
    this.#matchesWorker = matchesWorker;
  }

  /**
   * Attaches to the first target of the browser on `userDataDir` that `matchesRoot`
   * accepts (waiting for it to appear), on a DevTools connection of its own. While
   * sampling, the root's dedicated workers that `matchesWorker` accepts are sampled too.
   */
  static async attach(
    userDataDir: string,
    what: string,
    matchesRoot: (target: TargetInfo) => boolean,
    matchesWorker: (worker: TargetInfo) => boolean,
  ): Promise<HeapTreeSampler> {
    const client = await DevToolsConnection.connect(userDataDir);
    try {
      const root = await waitFor(
        what,
        async () => {
          const { targetInfos } = await client.send<{ targetInfos: TargetInfo[] }>(
            'Target.getTargets',
          );
          return targetInfos.find(matchesRoot);
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      const { sessionId } = await client.send<{ sessionId: string }>('Target.attachToTarget', {
        targetId: root.targetId,
        flatten: true,
      });
      const sampler = new HeapTreeSampler(client, sessionId, root, matchesWorker);
      // Fails here, not mid-benchmark, on a browser that lacks a field.
      await sampler.usage();
      return sampler;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  /** The root's reading now. */
  usage(): Promise<HeapUsage> {
    return this.#read(this.#rootSession);
  }

  /** A full, forced garbage collection in the root's isolate. */
  async collectGarbage(): Promise<void> {
    await this.#client.send('HeapProfiler.collectGarbage', {}, this.#rootSession);
  }

  /**
   * Collects garbage in the root, reads its baseline, starts catching its new workers,
   * then reads the root and every live worker every `intervalMs` until `stop`.
   */
  async start(intervalMs = 50): Promise<void> {
    if (this.#run) throw new Error('The heap tree sampler is already running.');
    await this.collectGarbage();
    const baseline = await this.usage();
    const members: Member[] = [];
    const stopWatching = await this.#watchWorkers(members);
    const flag = { stop: false };
    const done = this.#sample(flag, baseline, members, intervalMs);
    // A failed reading is reported by `stop()`; until then it must not count as unhandled.
    done.catch(() => {});
    this.#run = { flag, done, stopWatching };
  }

  /** Stops after one last round; resolves with the peak against the baselines. */
  async stop(): Promise<HeapTreePeak> {
    const run = this.#run;
    if (!run) throw new Error('The heap tree sampler is not running.');
    run.flag.stop = true;
    this.#run = undefined;
    try {
      return await run.done;
    } finally {
      await run.stopWatching();
    }
  }

  close(): void {
    this.#client.close();
  }

  /**
   * Has the browser attach to each dedicated worker the root starts, paused before its
   * first line: a worker of interest is read there, then let go; any other at once.
   */
  async #watchWorkers(members: Member[]): Promise<() => Promise<void>> {
    const client = this.#client;
    const offAttached = client.on<AttachedEvent>('Target.attachedToTarget', (event, parent) => {
      if (parent !== this.#rootSession) return;
      const { sessionId, targetInfo } = event;
      const wanted = targetInfo.type === 'worker' && this.#matchesWorker(targetInfo);
      void (async () => {
        try {
          if (wanted) {
            const start = await this.#read(sessionId);
            const peak = { url: targetInfo.url, start, peakGrowth: 0, samples: 0 };
            members.push({ sessionId, peak, gone: false });
          }
        } finally {
          // Whatever happened above, the worker must run: the product waits on it.
          await client.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => {});
          if (!wanted) await client.send('Target.detachFromTarget', { sessionId }).catch(() => {});
        }
      })();
    });
    const offDetached = client.on<{ sessionId: string }>('Target.detachedFromTarget', (event) => {
      const member = members.find((candidate) => candidate.sessionId === event.sessionId);
      if (member) member.gone = true;
    });
    const autoAttach = (autoAttach: boolean) =>
      client.send(
        'Target.setAutoAttach',
        {
          autoAttach,
          waitForDebuggerOnStart: autoAttach,
          flatten: true,
          // Dedicated workers only: not the service worker, which is related but apart.
          filter: [{ type: 'worker', exclude: false }],
        },
        this.#rootSession,
      );
    await autoAttach(true);
    return async () => {
      await autoAttach(false).catch(() => {});
      offAttached();
      offDetached();
    };
  }

  async #sample(
    flag: StopFlag,
    baseline: HeapUsage,
    members: Member[],
    intervalMs: number,
  ): Promise<HeapTreePeak> {
    const result: HeapTreePeak = {
      rootBaseline: baseline,
      peakGrowth: 0,
      peakRootGrowth: 0,
      peakWorkersGrowth: 0,
      peakJsHeapGrowth: 0,
      peakArrayBufferGrowth: 0,
      rootPeakGrowth: 0,
      workers: [],
      samples: 0,
      longestGapMs: 0,
    };
    let last = performance.now();
    for (;;) {
      const stopping = flag.stop;
      const live = members.filter((member) => !member.gone);
      const [root, ...workers] = await Promise.all([
        this.usage(),
        // A worker that ends between the list and its reading is simply gone.
        ...live.map((member) => this.#read(member.sessionId).catch(() => undefined)),
      ]);
      const now = performance.now();
      result.longestGapMs = Math.max(result.longestGapMs, now - last);
      last = now;
      result.samples += 1;

      const rootGrowth = footprint(root!) - footprint(baseline);
      let workersGrowth = 0;
      let jsHeap = root!.usedSize - baseline.usedSize;
      let arrayBuffers = root!.backingStorageSize - baseline.backingStorageSize;
      workers.forEach((usage, index) => {
        if (!usage) return;
        const { peak } = live[index]!;
        const growth = footprint(usage) - footprint(peak.start);
        peak.peakGrowth = Math.max(peak.peakGrowth, growth);
        peak.samples += 1;
        workersGrowth += growth;
        jsHeap += usage.usedSize - peak.start.usedSize;
        arrayBuffers += usage.backingStorageSize - peak.start.backingStorageSize;
      });
      result.rootPeakGrowth = Math.max(result.rootPeakGrowth, rootGrowth);
      if (rootGrowth + workersGrowth > result.peakGrowth) {
        result.peakGrowth = rootGrowth + workersGrowth;
        result.peakRootGrowth = rootGrowth;
        result.peakWorkersGrowth = workersGrowth;
        result.peakJsHeapGrowth = jsHeap;
        result.peakArrayBufferGrowth = arrayBuffers;
      }
      if (stopping) break;
      await sleepUntil(flag, intervalMs);
    }
    result.workers = members.map((member) => member.peak);
    return result;
  }

  async #read(sessionId: string): Promise<HeapUsage> {
    return checkUsage(
      await this.#client.send<Partial<HeapUsage>>('Runtime.getHeapUsage', {}, sessionId),
    );
  }
}

/** Waits `ms`, or less once `flag.stop` is set, so `stop()` does not wait out a whole interval. */
async function sleepUntil(flag: StopFlag, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!flag.stop && performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10, end - performance.now())));
  }
}

/** The fields are experimental in the protocol; a target may leave some out. */
function checkUsage(usage: Partial<HeapUsage>): HeapUsage {
  const fields = ['usedSize', 'totalSize', 'embedderHeapUsedSize', 'backingStorageSize'] as const;
  const missing = fields.filter((field) => typeof usage[field] !== 'number');
  if (missing.length > 0) {
    throw new Error(`Runtime.getHeapUsage gave no ${missing.join(', ')}`);
  }
  return usage as HeapUsage;
}

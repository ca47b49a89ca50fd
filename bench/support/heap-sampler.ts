// A page's memory as its own browser counts it, sampled while a benchmark runs: the JS heap
// and the backing stores of its array buffers, from `Runtime.getHeapUsage` (Chromium 156
// returns all four fields below). It goes through the browser's DevTools endpoint, not
// Playwright, so it can watch any target: a tab, or an extension's offscreen document.
import { DevToolsConnection, type TargetInfo } from './devtools-connection.ts';

/**
 * One reading of `Runtime.getHeapUsage`, in bytes. It covers the target's whole isolate
 * (every context on that renderer's main thread), not one frame.
 */
export interface HeapUsage {
  /** Live objects on the V8 heap. */
  usedSize: number;
  /** What the V8 heap has reserved, used or not. */
  totalSize: number;
  /** Blink's own garbage-collected heap (DOM objects, events). */
  embedderHeapUsedSize: number;
  /** Array buffers' contents (and external strings), held outside the V8 heap. */
  backingStorageSize: number;
}

/** What a target holds that a transfer may grow: JS objects plus array buffers' bytes. */
export const footprint = (usage: HeapUsage): number => usage.usedSize + usage.backingStorageSize;

export interface HeapPeak {
  /** After a forced garbage collection, just before sampling began. */
  baseline: HeapUsage;
  /** The sample with the largest footprint. */
  peak: HeapUsage;
  /** `footprint(peak) - footprint(baseline)`. */
  peakGrowth: number;
  /** The largest of each field alone, which may come from different samples. */
  fieldPeaks: HeapUsage;
  samples: number;
  /** The longest wait between two readings, in ms: a busy page answers late. */
  longestGapMs: number;
}

interface StopFlag {
  stop: boolean;
}

export class HeapSampler {
  readonly target: TargetInfo;
  readonly #connection: DevToolsConnection;
  readonly #sessionId: string;
  #run: { flag: StopFlag; done: Promise<HeapPeak> } | undefined;

  private constructor(connection: DevToolsConnection, sessionId: string, target: TargetInfo) {
    this.#connection = connection;
    this.#sessionId = sessionId;
    this.target = target;
  }

  /**
   * Attaches to the first target of the browser on `userDataDir` that `matches` accepts
   * (waiting for it to appear), on a DevTools connection of its own.
   */
  static async attach(
    userDataDir: string,
    what: string,
    matches: (target: TargetInfo) => boolean,
  ): Promise<HeapSampler> {
    const connection = await DevToolsConnection.connect(userDataDir);
    try {
      const { sessionId, target } = await connection.attach(what, matches);
      // Fails here, not mid-benchmark, on a browser that lacks a field.
      checkUsage(await connection.send<Partial<HeapUsage>>('Runtime.getHeapUsage', {}, sessionId));
      return new HeapSampler(connection, sessionId, target);
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  async usage(): Promise<HeapUsage> {
    return checkUsage(
      await this.#connection.send<Partial<HeapUsage>>('Runtime.getHeapUsage', {}, this.#sessionId),
    );
  }

  /** A full, forced garbage collection in the target's isolate. */
  async collectGarbage(): Promise<void> {
    await this.#connection.send('HeapProfiler.collectGarbage', {}, this.#sessionId);
  }

  /**
   * Collects garbage, reads the baseline, then reads again every `intervalMs` until `stop`.
   * One request at a time: a reading the page is slow to answer delays the next one rather
   * than piling up behind it.
   */
  async start(intervalMs = 50): Promise<void> {
    if (this.#run) throw new Error('The heap sampler is already running.');
    await this.collectGarbage();
    const baseline = await this.usage();
    const flag = { stop: false };
    const done = this.#sample(flag, baseline, intervalMs);
    // A failed reading is reported by `stop()`; until then it must not count as unhandled.
    done.catch(() => {});
    this.#run = { flag, done };
  }

  /** Stops sampling after one last reading; resolves with the peak against the baseline. */
  async stop(): Promise<HeapPeak> {
    const run = this.#run;
    if (!run) throw new Error('The heap sampler is not running.');
    run.flag.stop = true;
    this.#run = undefined;
    return run.done;
  }

  close(): void {
    this.#connection.close();
  }

  async #sample(flag: StopFlag, baseline: HeapUsage, intervalMs: number): Promise<HeapPeak> {
    let peak = baseline;
    const fieldPeaks = { ...baseline };
    let samples = 0;
    let longestGapMs = 0;
    let last = performance.now();
    for (;;) {
      const stopping = flag.stop;
      const usage = await this.usage();
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      samples += 1;
      if (footprint(usage) > footprint(peak)) peak = usage;
      for (const key of Object.keys(fieldPeaks) as (keyof HeapUsage)[]) {
        fieldPeaks[key] = Math.max(fieldPeaks[key], usage[key]);
      }
      if (stopping) break;
      await sleepUntil(flag, intervalMs);
    }
    return {
      baseline,
      peak,
      peakGrowth: footprint(peak) - footprint(baseline),
      fieldPeaks,
      samples,
      longestGapMs,
    };
  }
}

/** Waits `ms`, or less once `flag.stop` is set, so `stop()` does not wait out a whole interval. */
async function sleepUntil(flag: StopFlag, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!flag.stop && performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10, end - performance.now())));
  }
}

/** The fields are experimental in the protocol; an older browser may leave some out. */
function checkUsage(usage: Partial<HeapUsage>): HeapUsage {
  const fields = ['usedSize', 'totalSize', 'embedderHeapUsedSize', 'backingStorageSize'] as const;
  const missing = fields.filter((field) => typeof usage[field] !== 'number');
  if (missing.length > 0) {
    throw new Error(
      `Runtime.getHeapUsage gave no ${missing.join(', ')}: is this Chromium too old?`,
    );
  }
  return usage as HeapUsage;
}

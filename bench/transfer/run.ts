// bench:transfer (issue #4): how fast a file crosses from one user to another through
// Parley, and what receiving it costs in memory, against a bare, back-pressured
// RTCDataChannel between the same two browsers whose receiver drops what it gets; then
// the same for a file four times as large, to see that memory does not grow with size.
// See bench/README.md.
//
//   npm run build:dev && npm run bench:transfer [-- --bytes 64MiB --no-4g]
//
// Runs only inside the private network namespace (tests/run-in-private-network.ts).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ChromiumProfile } from '../../tests/support/chromium-profile.ts';
import { SignalingServer } from '../../tests/support/signaling-server.ts';
import { Cleanup, deadline } from '../support/cleanup.ts';
import { DevToolsConnection } from '../support/devtools-connection.ts';
import { snapshotChromeBuild } from '../support/extension-snapshot.ts';
import { footprint, HeapSampler } from '../support/heap-sampler.ts';
import { HeapTreeSampler } from '../support/heap-tree-sampler.ts';
import { LocalPageServer, SHA256_SCRIPT_PATH } from '../support/local-page-server.ts';
import { parseOptions, USAGE, type TransferOptions } from './options.ts';
import { startPairCpu } from './pair-cpu.ts';
import { ParleyPair, type ParleyTransfer } from './parley-transfer.ts';
import { RAW_RECEIVER_PATH, RawChannel, type RawSendSettings } from './raw-channel.ts';
import {
  transferReport,
  type HashedTransfer,
  type MeasuredTransfer,
  type RunContext,
} from './report.ts';
import { removeFile, writeRandomFile } from './test-file.ts';

/**
 * Set-up, writing the files and checking the copies take a few minutes at most; every
 * transfer is given at least 5 MB/s, several times too slow.
 */
const budgetMs = (options: TransferOptions) =>
  240_000 + ((2 * (options.bytes + options.warmUpBytes) + options.largeBytes) / 5e6) * 1000;
/** A channel that moves nothing for this long has failed; say so rather than wait. */
const STALL_MS = 20_000;

/** The profiles and the server, to show the tail of their logs when the run fails. */
const logSources: { name: string; logText(): string }[] = [];

interface Measured {
  raw: MeasuredTransfer;
  rawHashed: HashedTransfer;
  parley: ParleyTransfer;
  large: ParleyTransfer | null;
  leftovers: string[];
  context: RunContext;
}

async function measure(options: TransferOptions, cleanup: Cleanup): Promise<Measured> {
  const build = cleanup.add('the build copy', await snapshotChromeBuild(), (b) => b.dispose());
  const server = cleanup.add('the signaling server', await SignalingServer.start(), (s) =>
    s.stop(),
  );
  logSources.push({ name: 'signaling server', logText: () => server.logText() });
  const pages = cleanup.add('the page server', await LocalPageServer.start(), (s) => s.stop());
  const [sending, receiving] = await Promise.all(
    ['a', 'b'].map(async (name) =>
      cleanup.add(`profile ${name}`, await ChromiumProfile.launch(name, build.dir), (p) =>
        p.dispose(),
      ),
    ),
  );
  logSources.push(
    { name: 'profile a', logText: () => sending!.logText() },
    { name: 'profile b', logText: () => receiving!.logText() },
  );
  const files = cleanup.add(
    'the test files',
    await mkdtemp(path.join(os.tmpdir(), 'parley-bench-files-')),
    (dir) => rm(dir, { recursive: true, force: true }),
  );
  const chromium = await browserVersion(receiving!.userDataDir);
  const parley = await ParleyPair.open(sending!, receiving!);
  const testFile = async (label: string, bytes: number) => {
    console.log(`writing ${bytes} random bytes to disk…`);
    return writeRandomFile(files, `parley-bench-${label}-${randomUUID()}.bin`, bytes);
  };
  const loadBefore = os.loadavg()[0] ?? 0;

  // The reference first, in plain tabs, closed once measured so that they cost nothing later.
  const { plain: raw, hashed: rawHashed } = await measureRaw(
    options,
    sending!,
    receiving!,
    pages.url,
  );

  // Parley: a warm-up transfer, unmeasured, then each measured one. Each file is deleted
  // once sent, and B's copy once checked.
  const sent: string[] = [];
  const warmUp = await testFile('warm-up', options.warmUpBytes);
  try {
    sent.push((await parley.warmUp(warmUp, STALL_MS)).id);
  } finally {
    await removeFile(warmUp.path);
  }
  // B's host: its offscreen document, plus the worker each incoming file gets.
  const sampler = cleanup.add(
    "B's host's heap sampler",
    await HeapTreeSampler.attach(
      receiving!.userDataDir,
      "B's host (its offscreen document)",
      (target) =>
        target.url.startsWith('chrome-extension://') && target.url.endsWith('/offscreen.html'),
      (worker) => worker.url.includes('file-sink.worker'),
    ),
    (s) => s.close(),
  );
  const measureParley = async (label: string, bytes: number) => {
    const file = await testFile(label, bytes);
    try {
      console.log(`measuring Parley: ${bytes} B…`);
      const measured = await parley.measure(file, sampler, {
        intervalMs: options.sampleIntervalMs,
        stallMs: STALL_MS,
      });
      sent.push(measured.times.id);
      return measured;
    } finally {
      await removeFile(file.path);
    }
  };
  const measured = await measureParley('1', options.bytes);
  const large = options.largeBytes > 0 ? await measureParley('large', options.largeBytes) : null;
  const leftovers = await parley.leftovers(sent);
  const loadAfter = os.loadavg()[0] ?? 0;

  return {
    raw,
    rawHashed,
    parley: measured,
    large,
    leftovers,
    context: { builtAt: build.builtAt, chromium, cpus: os.cpus().length, loadBefore, loadAfter },
  };
}

/** The reference: a bare channel between two plain tabs, the receiver's tab sampled. */
async function measureRaw(
  options: TransferOptions,
  sending: ChromiumProfile,
  receiving: ChromiumProfile,
  pageUrl: string,
): Promise<{ plain: MeasuredTransfer; hashed: HashedTransfer }> {
  const raw = await RawChannel.open(sending, receiving, pageUrl);
  try {
    const sampler = await HeapSampler.attach(
      receiving.userDataDir,
      'the raw receiving tab',
      (target) => target.type === 'page' && new URL(target.url).pathname === RAW_RECEIVER_PATH,
    );
    try {
      const settings = (bytes: number): RawSendSettings => ({
        bytes,
        chunkBytes: options.chunkBytes,
        highWaterBytes: options.highWaterBytes,
        lowWaterBytes: options.lowWaterBytes,
        stallMs: STALL_MS,
      });
      console.log(`raw channel open; warming up with ${options.warmUpBytes} B…`);
      await raw.transfer(settings(options.warmUpBytes));

      console.log(`measuring the raw channel: ${options.bytes} B…`);
      await sampler.start(options.sampleIntervalMs);
      const cpu = await startPairCpu(sending, receiving);
      const times = await raw.transfer(settings(options.bytes)).catch(async (error: unknown) => {
        await sampler.stop().catch(() => {});
        throw error;
      });
      const cpuSeconds = await cpu.read();
      const heap = await sampler.stop();
      await sampler.collectGarbage();
      const retainedBytes = footprint(await sampler.usage()) - footprint(heap.baseline);
      const plain = { times, heap, retainedBytes, cpuSeconds };

      // The same channel, both ends also hashing every byte: the floor under any transfer
      // that verifies a SHA-256 of what arrived, Parley's design or another.
      console.log(`measuring the raw channel, both ends hashing: ${options.bytes} B…`);
      const hashScriptUrl = new URL(SHA256_SCRIPT_PATH, pageUrl).href;
      const hashedCpu = await startPairCpu(sending, receiving);
      const hashedTimes = await raw.transfer({ ...settings(options.bytes), hashScriptUrl });
      return { plain, hashed: { times: hashedTimes, cpuSeconds: await hashedCpu.read() } };
    } finally {
      sampler.close();
    }
  } finally {
    await raw.close();
  }
}

/** The browser's product and version, as it reports them ('Chrome/156.0.8078.79'). */
async function browserVersion(userDataDir: string): Promise<string> {
  const connection = await DevToolsConnection.connect(userDataDir);
  try {
    return (await connection.send<{ product: string }>('Browser.getVersion')).product;
  } finally {
    connection.close();
  }
}

let options: TransferOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const cleanup = new Cleanup();
cleanup.onSignals();
const budget = deadline(budgetMs(options), 'bench:transfer');
try {
  const { raw, rawHashed, parley, large, leftovers, context } = await Promise.race([
    measure(options, cleanup),
    budget.promise,
  ]);
  const { lines, figures } = transferReport(
    options,
    { raw, rawHashed, parley, large, leftovers },
    context,
  );
  console.log(lines.join('\n'));
  console.log(JSON.stringify(figures));
} catch (error) {
  for (const source of logSources) {
    const tail = source.logText().split('\n').slice(-30).join('\n');
    console.error(`----- last 30 lines of ${source.name}'s log -----\n${tail}`);
  }
  console.error(`bench:transfer failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  budget.clear();
  await cleanup.run();
}

// bench:transfer (issue #4): how fast a file can cross a data channel between two
// browsers, and what receiving it costs in memory. For now its reference only: a bare,
// back-pressured RTCDataChannel whose receiver drops what it gets; Parley's own transfer
// will be measured against it in the same run.
//
//   npm run build:dev
//   node tests/run-in-private-network.ts node bench/transfer/run.ts [--bytes 64MiB] …
//
// Runs only inside the private network namespace (tests/run-in-private-network.ts).
import os from 'node:os';
import { ChromiumProfile } from '../../tests/support/chromium-profile.ts';
import { Cleanup, deadline } from '../support/cleanup.ts';
import { DevToolsConnection } from '../support/devtools-connection.ts';
import { snapshotChromeBuild } from '../support/extension-snapshot.ts';
import { footprint, HeapSampler } from '../support/heap-sampler.ts';
import { LocalPageServer } from '../support/local-page-server.ts';
import { parseOptions, USAGE, type TransferOptions } from './options.ts';
import { RAW_RECEIVER_PATH, RawChannel, type RawSendSettings } from './raw-channel.ts';
import { transferReport, type MeasuredTransfer, type RunContext } from './report.ts';

/** Set-up takes seconds; the transfers are given at least 5 MB/s, several times too slow. */
const budgetMs = (options: TransferOptions) =>
  120_000 + ((options.bytes + options.warmUpBytes) / 5e6) * 1000;
/** A channel that moves nothing for this long has failed; say so rather than wait. */
const STALL_MS = 20_000;

/** The profiles, to show the tail of their logs when the run fails. */
const profiles: ChromiumProfile[] = [];

async function measure(
  options: TransferOptions,
  cleanup: Cleanup,
): Promise<{ raw: MeasuredTransfer; context: RunContext }> {
  const build = cleanup.add('the build copy', await snapshotChromeBuild(), (b) => b.dispose());
  const pages = cleanup.add('the page server', await LocalPageServer.start(), (s) => s.stop());
  const [sending, receiving] = await Promise.all(
    ['a', 'b'].map(async (name) =>
      cleanup.add(`profile ${name}`, await ChromiumProfile.launch(name, build.dir), (p) =>
        p.dispose(),
      ),
    ),
  );
  profiles.push(sending!, receiving!);
  const raw = cleanup.add(
    'the raw channel',
    await RawChannel.open(sending!, receiving!, pages.url),
    (channel) => channel.close(),
  );
  const sampler = cleanup.add(
    "the receiver's heap sampler",
    await HeapSampler.attach(
      receiving!.userDataDir,
      'the raw receiving tab',
      (target) => target.type === 'page' && new URL(target.url).pathname === RAW_RECEIVER_PATH,
    ),
    (s) => s.close(),
  );
  const chromium = await browserVersion(receiving!.userDataDir);

  const settings = (bytes: number): RawSendSettings => ({
    bytes,
    chunkBytes: options.chunkBytes,
    highWaterBytes: options.highWaterBytes,
    lowWaterBytes: options.lowWaterBytes,
    stallMs: STALL_MS,
  });
  console.log(`set up: two profiles, one data channel; warming up with ${options.warmUpBytes} B…`);
  await raw.transfer(settings(options.warmUpBytes));

  console.log(`measuring: ${options.bytes} B…`);
  const loadBefore = os.loadavg()[0] ?? 0;
  await sampler.start(options.sampleIntervalMs);
  const times = await raw.transfer(settings(options.bytes)).catch(async (error: unknown) => {
    await sampler.stop().catch(() => {});
    throw error;
  });
  const heap = await sampler.stop();
  await sampler.collectGarbage();
  const retainedBytes = footprint(await sampler.usage()) - footprint(heap.baseline);
  const loadAfter = os.loadavg()[0] ?? 0;

  return {
    raw: { times, heap, retainedBytes },
    context: { builtAt: build.builtAt, chromium, cpus: os.cpus().length, loadBefore, loadAfter },
  };
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
  const { raw, context } = await Promise.race([measure(options, cleanup), budget.promise]);
  const { lines, figures } = transferReport(options, raw, context);
  console.log(lines.join('\n'));
  console.log(JSON.stringify(figures));
} catch (error) {
  for (const profile of profiles) {
    const tail = profile.logText().split('\n').slice(-30).join('\n');
    console.error(`----- last 30 lines of profile ${profile.name}'s log -----\n${tail}`);
  }
  console.error(`bench:transfer failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  budget.clear();
  await cleanup.run();
}

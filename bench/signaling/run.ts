// bench:signaling: how many clients Parley's signaling server holds in its private mode
// (a secret key, an origin allowlist), its memory per 1,000 of them, and how fast it
// relays an OFFER while holding them all; against a stock `peer` PeerServer with its
// defaults, in the same run. See bench/README.md.
//
//   npm run bench:signaling [-- --clients 20000 --seconds 60 --samples 300 --parley-limit N]
//
// Runs only inside the private network namespace (tests/run-in-private-network.ts). The
// servers take turns, so each has the machine (and this process's descriptors) to itself.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { SignalingServer } from '../../tests/support/signaling-server.ts';
import { Cleanup, deadline } from '../support/cleanup.ts';
import { openFilesLimit } from '../support/proc-status.ts';
import { holdAndRelay } from './hold-and-relay.ts';
import { readOptions } from './options.ts';
import { signalingReport } from './report.ts';
import { StockServer } from './stock-server.ts';

/** The origin the clients present: one extension, as an allowlist for friends names it. */
const ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const STOCK_PORT = 9001;
/**
 * Descriptors the swarm process (swarm-process.ts, which holds all clients but the timing
 * pair) keeps besides its clients: stdio, the IPC channel, epoll, libuv's own (about 15).
 * It inherits this process's `ulimit -n`, which bounds the clients it can open.
 */
const SWARM_FD_RESERVE = 32;

const options = readOptions(process.argv.slice(2));
// Two ramps, two settles and two sets of samples, with room to spare.
const budget = deadline((2 * options.seconds + 120) * 1000, 'bench:signaling');
const cleanup = new Cleanup();
cleanup.onSignals();

async function measure() {
  const loadBefore = os.loadavg()[0] ?? 0;
  const fdLimitBench = (await openFilesLimit('self')).soft;
  // The swarm's clients plus the timing pair, which lives here.
  const clients = Math.min(options.clients, (fdLimitBench ?? Infinity) - SWARM_FD_RESERVE + 2);
  const bounded = { ...options, clients };
  const key = `bench-${randomBytes(8).toString('hex')}`;
  const parleyServer = cleanup.add(
    "Parley's signaling server",
    await SignalingServer.start({
      key,
      env: {
        PARLEY_ALLOWED_ORIGINS: ORIGIN,
        // Every client of this benchmark comes from one loopback address, and the timing
        // pair sends its OFFERs back to back: the per-address connection budget and the
        // per-connection message rate (private mode's flood guards, meant for one user per
        // address) would refuse them. The key, the Origin allowlist and the message size
        // limit stay on.
        PARLEY_CONNECTIONS_PER_MINUTE: '1000000',
        PARLEY_MESSAGES_PER_SECOND: '1000000',
        PARLEY_MESSAGE_BURST: '1000000',
        ...(options.parleyLimit && { PARLEY_CONCURRENT_LIMIT: String(options.parleyLimit) }),
      },
    }),
    (s) => s.stop(),
  );
  const parleyPid = parleyServer.pid!;
  const parleyLimit = await concurrentLimitLogged(parleyServer.logLines);
  const fdLimitParley = (await openFilesLimit(parleyPid)).soft;
  const parley = await holdAndRelay(
    'parley',
    parleyPid,
    {
      websocketUrl: `ws://${parleyServer.host}:${parleyServer.port}${parleyServer.path}/peerjs`,
      key,
      origin: ORIGIN,
    },
    bounded,
    (swarm) => cleanup.add('the Parley clients', swarm, (s) => s.close()),
  );
  await parleyServer.stop();

  const stockServer = cleanup.add(
    'the stock PeerServer',
    await StockServer.start(STOCK_PORT),
    (s) => s.stop(),
  );
  const fdLimitStock = (await openFilesLimit(stockServer.pid)).soft;
  const stock = await holdAndRelay(
    'stock',
    stockServer.pid,
    { websocketUrl: stockServer.websocketUrl, key: 'peerjs', origin: ORIGIN },
    bounded,
    (swarm) => cleanup.add('the stock clients', swarm, (s) => s.close()),
  );
  await stockServer.stop();

  return signalingReport(parley, stock, {
    clientsRequested: options.clients,
    clientsBound: clients,
    secondsAllowed: options.seconds,
    parleyConcurrentLimit: parleyLimit,
    fdLimitBench,
    fdLimitParley,
    fdLimitStock,
    loadBefore,
  });
}

/**
 * The limit the server chose, as its `listening` line says: unless --parley-limit sets it,
 * the server sizes it from its own descriptor limit, and the benchmark reports what it used.
 */
async function concurrentLimitLogged(logLines: readonly string[]): Promise<number> {
  // The line and the /health answer that start() waited for come down different pipes.
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const line of logLines) {
      if (!line.startsWith('stdout: {')) continue;
      const entry = JSON.parse(line.slice('stdout: '.length)) as {
        event?: string;
        concurrentLimit?: number;
      };
      if (entry.event === 'listening' && typeof entry.concurrentLimit === 'number') {
        return entry.concurrentLimit;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("Parley's server logged no listening line with its concurrentLimit.");
}

try {
  const report = await Promise.race([measure(), budget.promise]);
  console.log(JSON.stringify(report));
} catch (error) {
  console.error(`bench:signaling could not run: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  budget.clear();
  await cleanup.run();
}

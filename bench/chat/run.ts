// bench:chat: chat's two figures, message round trip and connect time, through Parley's
// own host and protocol, against a bare PeerJS DataConnection between the same two
// browsers; and the floor under any durable round trip, measured in the same run. See
// bench/README.md.
//
//   npm run build:dev && npm run bench:chat
//
// Runs only inside the private network namespace (tests/run-in-private-network.ts).
import os from 'node:os';
import { ChromiumProfile } from '../../tests/support/chromium-profile.ts';
import { SignalingServer } from '../../tests/support/signaling-server.ts';
import { sleep } from '../../tests/support/wait.ts';
import { Cleanup, deadline } from '../support/cleanup.ts';
import { snapshotChromeBuild } from '../support/extension-snapshot.ts';
import { LocalPageServer } from '../support/local-page-server.ts';
import { BarePeer, type BareConnect } from './bare-peerjs.ts';
import {
  addAgainOnce,
  comeOnlineOnce,
  floorParts,
  makeContacts,
  messageRoundTrips,
  openParleyUser,
  type ParleyUser,
} from './parley-chat.ts';
import { chatReport, type ChatSamples, type RunContext } from './report.ts';

/**
 * Sample counts. Parley and the references take turns (round trips, strict writes and
 * view ↔ host hops in rounds, connects one each), so a machine that gets busier half-way
 * through weighs on all alike.
 */
const COUNTS = {
  warmUpTrips: 50,
  roundTrips: 1000,
  tripRounds: 10,
  /** Of each part of the round trip's floor: strict IndexedDB writes, view ↔ host hops. */
  warmUpFloor: 30,
  floor: 300,
  warmUpConnects: 3,
  connects: 20,
};
/** The whole run, start-up included, takes well under a minute; give up well after. */
const BUDGET_MS = 5 * 60_000;
/** After a connect, both ends finish tearing down or settling before the next one. */
const SETTLE_MS = 200;

/** Whatever keeps a log, to show its tail when the run fails. */
const logSources: { name: string; logText(): string }[] = [];

async function measure(cleanup: Cleanup): Promise<{ samples: ChatSamples; context: RunContext }> {
  const build = cleanup.add('the build copy', await snapshotChromeBuild(), (b) => b.dispose());
  const server = cleanup.add('the signaling server', await SignalingServer.start(), (s) =>
    s.stop(),
  );
  logSources.push({ name: 'signaling server', logText: () => server.logText() });
  const pages = cleanup.add('the page server', await LocalPageServer.start(), (s) => s.stop());
  const [profileA, profileB] = await Promise.all(
    ['a', 'b'].map(async (name) =>
      cleanup.add(`profile ${name}`, await ChromiumProfile.launch(name, build.dir), (p) =>
        p.dispose(),
      ),
    ),
  );
  logSources.push(profileA!, profileB!);
  const [a, b] = await Promise.all([
    openParleyUser(profileA!, 'Bench A'),
    openParleyUser(profileB!, 'Bench B'),
  ]);
  await makeContacts(a, b);
  const [bareA, bareB] = await Promise.all([
    BarePeer.open(profileA!, server, pages.url),
    BarePeer.open(profileB!, server, pages.url),
  ]);
  console.log('set up: two profiles, contacts of each other; measuring…');
  const context = { builtAt: build.builtAt, cpus: os.cpus().length, load: os.loadavg()[0] ?? 0 };

  const samples: ChatSamples = {
    roundTrips: [],
    bareRoundTrips: [],
    strictWrites: [],
    hops: [],
    connects: [],
    reconnects: [],
    bareConnects: [],
    bareConnectsWithReconnects: [],
    historyMessages: 0,
  };
  await messageRoundTrips(a, b, COUNTS.warmUpTrips);
  await bareA.pings(bareB, COUNTS.warmUpTrips);
  await floorParts(a, b, COUNTS.warmUpFloor);
  const perRound = COUNTS.roundTrips / COUNTS.tripRounds;
  const floorPerRound = COUNTS.floor / COUNTS.tripRounds;
  for (let round = 0; round < COUNTS.tripRounds; round += 1) {
    samples.roundTrips.push(...(await messageRoundTrips(a, b, perRound)));
    samples.bareRoundTrips.push(...(await bareA.pings(bareB, perRound)));
    const floor = await floorParts(a, b, floorPerRound);
    samples.strictWrites.push(...floor.strictWrites);
    samples.hops.push(...floor.hops);
  }
  // On a failure the scratch database goes with the profile, which is always deleted.
  await a.probe.dropScratch();
  samples.historyMessages = COUNTS.warmUpTrips + COUNTS.roundTrips;

  // Reconnects first, while the conversation still has its history; removing the contact
  // for the first add-again deletes it.
  const alternate = async (
    connect: (a: ParleyUser, b: ParleyUser) => Promise<number>,
    count: number,
    into?: { parley: number[]; bare: BareConnect[] },
  ) => {
    for (let i = 0; i < count; i += 1) {
      const parley = await connect(a, b);
      await sleep(SETTLE_MS);
      const [bare] = await bareA.connects(bareB, 1);
      await sleep(SETTLE_MS);
      into?.parley.push(parley);
      into?.bare.push(bare!);
    }
  };
  const comeOnline = (a: ParleyUser, b: ParleyUser) => comeOnlineOnce(a, b, server);
  await alternate(comeOnline, COUNTS.warmUpConnects);
  await alternate(comeOnline, COUNTS.connects, {
    parley: samples.reconnects,
    bare: samples.bareConnectsWithReconnects,
  });
  await alternate(addAgainOnce, COUNTS.warmUpConnects);
  await alternate(addAgainOnce, COUNTS.connects, {
    parley: samples.connects,
    bare: samples.bareConnects,
  });
  return { samples, context };
}

const cleanup = new Cleanup();
cleanup.onSignals();
const budget = deadline(BUDGET_MS, 'bench:chat');
try {
  const { samples, context } = await Promise.race([measure(cleanup), budget.promise]);
  const { lines, figures } = chatReport(samples, context);
  console.log(lines.join('\n'));
  console.log(JSON.stringify(figures));
} catch (error) {
  for (const source of logSources) {
    const tail = source.logText().split('\n').slice(-30).join('\n');
    console.error(`----- last 30 lines of ${source.name}'s log -----\n${tail}`);
  }
  console.error(`bench:chat failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  budget.clear();
  await cleanup.run();
}

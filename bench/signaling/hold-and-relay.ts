// One server's figures: its memory idle, the clients it holds, its memory holding them,
// and the OFFER relay latency while they are all connected and heartbeating. The crowd
// lives in a child process (swarm-process.ts), the timing pair here.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { residentBytes } from '../support/proc-status.ts';
import type { RampResult } from './client-swarm.ts';
import { measureRelay, openRelayPair } from './offer-relay.ts';
import type { Endpoint } from './peer-client.ts';
import type { SignalingBenchOptions } from './options.ts';
import { RemoteSwarm } from './remote-swarm.ts';

export interface ServerFigures {
  ramp: RampResult;
  /** Clients still held once the relay was timed, the relay pair included. */
  held: number;
  rssBeforeBytes: number;
  rssLoadedBytes: number;
  relayMs: number[];
  /**
   * How late this process's own event loop ran while it timed the relay (p99, ms). It does
   * nothing else then, so a late loop means the machine gave it no CPU: that much of a
   * slow sample is the machine's, not the server's.
   */
  timerLoopDelayP99Ms: number;
}

/** Lets the server finish what the ramp sent it (logs, timers) before memory is read. */
const SETTLE_MS = 2_000;
/** Between two OFFERs: spreads the samples over several heartbeat slices. */
const RELAY_GAP_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function holdAndRelay(
  name: string,
  pid: number,
  endpoint: Endpoint,
  options: SignalingBenchOptions,
  onSwarm: (swarm: RemoteSwarm) => void,
): Promise<ServerFigures> {
  await sleep(SETTLE_MS);
  const rssBeforeBytes = await residentBytes(pid);
  const pair = await openRelayPair(endpoint, name);
  const swarm = RemoteSwarm.start();
  onSwarm(swarm);
  console.log(`${name}: ramping up to ${options.clients} clients or ${options.seconds} s…`);
  const ramp = await swarm.ramp(endpoint, options.clients - 2, options.seconds);
  console.log(
    `${name}: ${ramp.held + 2} held after ${ramp.seconds.toFixed(1)} s (${ramp.stoppedBy})`,
  );
  await sleep(SETTLE_MS);
  const rssLoadedBytes = await residentBytes(pid);
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const relayMs = await measureRelay(pair, options.samples, RELAY_GAP_MS);
  loopDelay.disable();
  const held = (await swarm.held()) + 2;
  await swarm.close();
  pair.a.socket.terminate();
  pair.b.socket.terminate();
  const timerLoopDelayP99Ms = loopDelay.percentile(99) / 1e6;
  return { ramp, held, rssBeforeBytes, rssLoadedBytes, relayMs, timerLoopDelayP99Ms };
}

// One server's figures: its memory idle, the clients it holds, its memory holding them,
// and the OFFER relay latency while they are all connected and heartbeating.
import { residentBytes } from '../support/proc-status.ts';
import { ClientSwarm, type RampResult } from './client-swarm.ts';
import { measureRelay, openRelayPair } from './offer-relay.ts';
import type { Endpoint } from './peer-client.ts';
import type { SignalingBenchOptions } from './options.ts';

export interface ServerFigures {
  ramp: RampResult;
  /** Clients held at full load, the relay pair included. */
  held: number;
  rssBeforeBytes: number;
  rssLoadedBytes: number;
  relayMs: number[];
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
  onSwarm: (swarm: ClientSwarm) => void,
): Promise<ServerFigures> {
  await sleep(SETTLE_MS);
  const rssBeforeBytes = await residentBytes(pid);
  const pair = await openRelayPair(endpoint, name);
  const swarm = new ClientSwarm(endpoint);
  onSwarm(swarm);
  console.log(`${name}: ramping up to ${options.clients} clients or ${options.seconds} s…`);
  const ramp = await swarm.ramp(options.clients - 2, options.seconds);
  console.log(
    `${name}: ${ramp.held + 2} held after ${ramp.seconds.toFixed(1)} s (${ramp.stoppedBy})`,
  );
  await sleep(SETTLE_MS);
  const rssLoadedBytes = await residentBytes(pid);
  const relayMs = await measureRelay(pair, options.samples, RELAY_GAP_MS);
  const held = swarm.held + 2;
  swarm.close();
  pair.a.socket.terminate();
  pair.b.socket.terminate();
  return { ramp, held, rssBeforeBytes, rssLoadedBytes, relayMs };
}

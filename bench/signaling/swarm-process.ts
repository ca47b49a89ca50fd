// The crowd of held clients, in a child process of its own (started by remote-swarm.ts):
// its event loop, heap and garbage collections are not those of the two clients that time
// the relay, so a sample measures the server and the machine, not this crowd's own work.
// Talks to its parent over the IPC channel: `ramp`, then `count`s, then `close`.
import { ClientSwarm, type RampResult } from './client-swarm.ts';
import type { Endpoint } from './peer-client.ts';

export type SwarmRequest =
  | { type: 'ramp'; endpoint: Endpoint; maxClients: number; maxSeconds: number }
  | { type: 'count' }
  | { type: 'close' };

export type SwarmReply = { type: 'ramped'; result: RampResult } | { type: 'counted'; held: number };

let swarm: ClientSwarm | undefined;

const end = (): void => {
  swarm?.close();
  process.exit(0);
};

process.on('message', (request: SwarmRequest) => {
  if (request.type === 'close') return end();
  if (request.type === 'count') {
    process.send!({ type: 'counted', held: swarm?.held ?? 0 } satisfies SwarmReply);
    return;
  }
  swarm = new ClientSwarm(request.endpoint);
  void swarm.ramp(request.maxClients, request.maxSeconds).then((result) => {
    process.send!({ type: 'ramped', result } satisfies SwarmReply);
  });
});
// The parent went away (Ctrl+C, a crash): take the clients along.
process.on('disconnect', end);

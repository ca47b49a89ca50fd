// The parent's handle on swarm-process.ts: ramps the crowd there and closes it.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { RampResult } from './client-swarm.ts';
import type { Endpoint } from './peer-client.ts';
import type { SwarmReply, SwarmRequest } from './swarm-process.ts';

export class RemoteSwarm {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static start(): RemoteSwarm {
    const entry = path.join(import.meta.dirname, 'swarm-process.ts');
    const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    return new RemoteSwarm(child);
  }

  /** The process holding the clients, to read its descriptor limit. */
  get pid(): number {
    return this.#child.pid!;
  }

  /** Registers clients there until `maxClients` are held, `maxSeconds` pass, or none fit. */
  async ramp(endpoint: Endpoint, maxClients: number, maxSeconds: number): Promise<RampResult> {
    const reply = await this.#ask({ type: 'ramp', endpoint, maxClients, maxSeconds });
    if (reply.type !== 'ramped') throw new Error(`the client swarm answered ${reply.type}`);
    return reply.result;
  }

  /** Clients whose connection is open now. */
  async held(): Promise<number> {
    const reply = await this.#ask({ type: 'count' });
    if (reply.type !== 'counted') throw new Error(`the client swarm answered ${reply.type}`);
    return reply.held;
  }

  #ask(request: SwarmRequest): Promise<SwarmReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`the client swarm exited (${code})`));
      this.#child.once('exit', onExit);
      this.#child.once('message', (reply: SwarmReply) => {
        this.#child.off('exit', onExit);
        resolve(reply);
      });
      this.#child.send(request);
    });
  }

  /** Closes every client and waits for the process to go. */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    if (this.#child.connected) this.#child.send({ type: 'close' } satisfies SwarmRequest);
    else this.#child.kill('SIGKILL');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

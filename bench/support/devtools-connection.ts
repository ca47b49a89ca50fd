// A DevTools Protocol client on a browser's own endpoint, for what Playwright cannot reach:
// it drives the browser through a pipe and exposes tabs and service workers only, while a
// benchmark may need an extension's offscreen document too. Profiles are launched with
// `--remote-debugging-port=0` (tests/support/chromium-args.ts); Chromium writes the port
// it picked to DevToolsActivePort. Sessions are flattened: one socket, a sessionId a target.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { waitFor } from '../../tests/support/wait.ts';

/** A target as `Target.getTargets` describes it. */
export interface TargetInfo {
  targetId: string;
  /** 'page', 'background_page' (an offscreen document is one), 'service_worker', … */
  type: string;
  url: string;
}

/** A reply (with `id`) or an event (with `method`), as the socket carries them. */
interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  sessionId?: string;
  result?: unknown;
  error?: { code: number; message: string };
}

/** Hears one event: its parameters, and the session it came from (none: the browser). */
export type EventListener<P> = (params: P, sessionId: string | undefined) => void;

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class DevToolsConnection {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<EventListener<never>>>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => this.#onMessage(JSON.parse(String(data)) as Message));
    socket.on('close', (code, reason) =>
      this.#failAll(new Error(`the DevTools connection closed (${code} ${String(reason)})`)),
    );
  }

  /** Connects to the browser running on `userDataDir`. */
  static async connect(userDataDir: string): Promise<DevToolsConnection> {
    const [port, endpoint] = await waitFor(
      'Chromium to write DevToolsActivePort',
      async () => {
        const text = await readFile(path.join(userDataDir, 'DevToolsActivePort'), 'utf8');
        const lines = text.split('\n');
        return lines.length >= 2 && lines[1] ? lines : undefined;
      },
      { timeoutMs: 10_000 },
    );
    // No per-message size cap: a heap snapshot or a big evaluation result may be large.
    const socket = new WebSocket(`ws://127.0.0.1:${port}${endpoint}`, { maxPayload: 0 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new DevToolsConnection(socket);
  }

  /** Sends `method` to the browser, or to the target of `sessionId`; resolves with its result. */
  send<T>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    if (this.#socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error(`${method}: the DevTools connection is closed`));
    }
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject });
      this.#socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /** Calls `listener` on every `method` event from now on; returns how to stop. */
  on<P>(method: string, listener: EventListener<P>): () => void {
    const listeners = this.#listeners.get(method) ?? new Set();
    this.#listeners.set(method, listeners);
    listeners.add(listener as EventListener<never>);
    return () => listeners.delete(listener as EventListener<never>);
  }

  /**
   * Attaches to the first target `matches` accepts, waiting up to `timeoutMs` for one to
   * appear; returns the session to address it by.
   */
  async attach(
    what: string,
    matches: (target: TargetInfo) => boolean,
    timeoutMs = 10_000,
  ): Promise<{ sessionId: string; target: TargetInfo }> {
    const target = await waitFor(
      what,
      async () => {
        const { targetInfos } = await this.send<{ targetInfos: TargetInfo[] }>('Target.getTargets');
        return targetInfos.find(matches);
      },
      { timeoutMs, intervalMs: 100 },
    );
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: true,
    });
    return { sessionId, target };
  }

  async detach(sessionId: string): Promise<void> {
    await this.send('Target.detachFromTarget', { sessionId });
  }

  close(): void {
    this.#socket.terminate();
    this.#failAll(new Error('the DevTools connection was closed'));
  }

  #onMessage(message: Message): void {
    if (message.id === undefined) {
      if (!message.method) return;
      for (const listener of [...(this.#listeners.get(message.method) ?? [])])
        (listener as EventListener<unknown>)(message.params, message.sessionId);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
    else pending.resolve(message.result);
  }

  #failAll(error: Error): void {
    for (const { method, reject } of this.#pending.values()) {
      reject(new Error(`${method}: ${error.message}`));
    }
    this.#pending.clear();
  }
}

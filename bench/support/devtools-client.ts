// A DevTools Protocol client on a browser's own endpoint that also hears events. The
// plainer DevToolsConnection (devtools-connection.ts) drops events, which is all a heap
// sampler of one target needs; watching the workers a target starts needs
// `Target.attachedToTarget` and `Target.detachedFromTarget`. Sessions are flattened: one
// socket, a sessionId per target.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { waitFor } from '../../tests/support/wait.ts';

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  sessionId?: string;
  result?: unknown;
  error?: { code: number; message: string };
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Hears one event: its parameters, and the session it came from (none: the browser). */
export type EventListener<P> = (params: P, sessionId: string | undefined) => void;

export class DevToolsClient {
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

  /** Connects to the browser running on `userDataDir` (started with a debugging port). */
  static async connect(userDataDir: string): Promise<DevToolsClient> {
    const [port, endpoint] = await waitFor(
      'Chromium to write DevToolsActivePort',
      async () => {
        const text = await readFile(path.join(userDataDir, 'DevToolsActivePort'), 'utf8');
        const lines = text.split('\n');
        return lines.length >= 2 && lines[1] ? lines : undefined;
      },
      { timeoutMs: 10_000 },
    );
    const socket = new WebSocket(`ws://127.0.0.1:${port}${endpoint}`, { maxPayload: 0 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new DevToolsClient(socket);
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

  close(): void {
    this.#socket.terminate();
    this.#failAll(new Error('the DevTools connection was closed'));
  }

  #onMessage(message: Message): void {
    if (message.id === undefined) {
      if (!message.method) return;
      for (const listener of [...(this.#listeners.get(message.method) ?? [])]) {
        (listener as EventListener<unknown>)(message.params, message.sessionId);
      }
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

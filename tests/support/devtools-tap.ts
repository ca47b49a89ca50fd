// A second DevTools connection to a Chromium, only to read what the extension's offscreen
// document logs. Playwright drives the browser, but it detaches from every target that is
// not a tab or a service worker, so without this the peer host would log into the void.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { waitFor } from './wait.ts';

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

interface RemoteObject {
  value?: unknown;
  description?: string;
  unserializableValue?: string;
}

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
}

export class DevToolsTap {
  #socket: WebSocket;
  #nextId = 1;
  #sessions = new Map<string, string>();
  #attached = new Set<string>();
  #onLine: (line: string) => void;

  private constructor(socket: WebSocket, onLine: (line: string) => void) {
    this.#socket = socket;
    this.#onLine = onLine;
    socket.on('message', (data) => this.#onMessage(JSON.parse(String(data)) as CdpMessage));
  }

  /**
   * Connects to the browser that was started with `--remote-debugging-port=0` on
   * `userDataDir`, and reports every console message and log entry of the extension's
   * documents that Playwright does not see (offscreen documents, background pages).
   */
  static async connect(userDataDir: string, onLine: (line: string) => void): Promise<DevToolsTap> {
    // Chromium writes the port it picked and the browser's endpoint here once it listens.
    const [port, endpoint] = await waitFor(
      'Chromium to write DevToolsActivePort',
      async () => {
        const text = await readFile(path.join(userDataDir, 'DevToolsActivePort'), 'utf8');
        const lines = text.split('\n');
        return lines.length >= 2 && lines[1] ? lines : undefined;
      },
      { timeoutMs: 10_000 },
    );
    const socket = new WebSocket(`ws://127.0.0.1:${port}${endpoint}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const tap = new DevToolsTap(socket, onLine);
    tap.#send('Target.setDiscoverTargets', { discover: true });
    return tap;
  }

  close(): void {
    this.#socket.terminate();
  }

  /**
   * Gives downloads back to the browser's own settings. Playwright sends every download
   * to a folder of its own under a random name; Parley's saved files must keep theirs.
   */
  resetDownloadBehavior(): void {
    this.#send('Browser.setDownloadBehavior', { behavior: 'default' });
  }

  #send(method: string, params: Record<string, unknown> = {}, sessionId?: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(JSON.stringify({ id: this.#nextId++, method, params, sessionId }));
  }

  #onMessage(message: CdpMessage): void {
    const params = message.params ?? {};
    switch (message.method) {
      // A new document's target appears before it has navigated to its URL.
      case 'Target.targetCreated':
      case 'Target.targetInfoChanged': {
        const info = params.targetInfo as TargetInfo;
        if (
          info.type === 'background_page' &&
          info.url.startsWith('chrome-extension://') &&
          !this.#attached.has(info.targetId)
        ) {
          this.#attached.add(info.targetId);
          this.#send('Target.attachToTarget', { targetId: info.targetId, flatten: true });
        }
        break;
      }
      case 'Target.targetDestroyed':
        this.#attached.delete(params.targetId as string);
        break;
      case 'Target.attachedToTarget': {
        const info = params.targetInfo as TargetInfo;
        const sessionId = params.sessionId as string;
        this.#sessions.set(sessionId, new URL(info.url).pathname);
        this.#onLine(`[${new URL(info.url).pathname}] (devtools attached)`);
        this.#send('Runtime.enable', {}, sessionId);
        // The Log domain carries what the console shows but no script logged, such as
        // "WebSocket connection to ... failed".
        this.#send('Log.enable', {}, sessionId);
        break;
      }
      case 'Target.detachedFromTarget': {
        const where = this.#sessions.get(params.sessionId as string);
        if (where) this.#onLine(`[${where}] (closed)`);
        this.#sessions.delete(params.sessionId as string);
        break;
      }
      case 'Runtime.consoleAPICalled': {
        const args = (params.args as RemoteObject[]).map(describe).join(' ');
        this.#log(message.sessionId, `console.${String(params.type)}: ${args}`);
        break;
      }
      case 'Runtime.exceptionThrown': {
        const details = params.exceptionDetails as { text: string; exception?: RemoteObject };
        const error = details.exception ? describe(details.exception) : details.text;
        this.#log(message.sessionId, `uncaught: ${error}`);
        break;
      }
      case 'Log.entryAdded': {
        const entry = params.entry as { level: string; source: string; text: string };
        this.#log(message.sessionId, `log.${entry.level} (${entry.source}): ${entry.text}`);
        break;
      }
    }
  }

  #log(sessionId: string | undefined, text: string): void {
    const where = sessionId ? this.#sessions.get(sessionId) : undefined;
    this.#onLine(`[${where ?? 'browser'}] ${text}`);
  }
}

function describe(object: RemoteObject): string {
  if (object.value !== undefined) {
    return typeof object.value === 'string' ? object.value : JSON.stringify(object.value);
  }
  return object.unserializableValue ?? object.description ?? '';
}

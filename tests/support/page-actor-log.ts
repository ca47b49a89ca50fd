// The log of an actor that lives in a plain PeerJS page (the hostile peer, the relay):
// lines the test side writes, and the events the page itself records, copied over on
// demand. It goes into the failure report.
import type { Page } from 'playwright-core';

/** What such a page keeps on `window[key]`: its Peer and the events it recorded. */
interface PageActor {
  peer: { destroy(): void };
  events: string[];
}

export class PageActorLog {
  readonly #page: Page;
  /** The page's global that holds the actor: `window[key]`. */
  readonly #key: string;
  /** Put before every line: who this is. */
  readonly #prefix: string;
  readonly #lines: string[] = [];
  #eventsSeen = 0;

  constructor(page: Page, key: string, prefix: string) {
    this.#page = page;
    this.#key = key;
    this.#prefix = prefix;
  }

  add(line: string): void {
    this.#lines.push(`${new Date().toISOString()} ${this.#prefix}${line}`);
  }

  /** Copies what happened in the page (connections opening, closing) into the log. */
  async syncPage(): Promise<void> {
    const events = await this.#page
      .evaluate(
        ({ key, from }) =>
          (window as unknown as Record<string, PageActor | undefined>)[key]?.events.slice(from) ??
          [],
        { key: this.#key, from: this.#eventsSeen },
      )
      .catch(() => [] as string[]);
    this.#eventsSeen += events.length;
    for (const event of events) this.add(`(page) ${event}`);
  }

  text(): string {
    return this.#lines.join('\n');
  }

  /** Takes the actor off the server and closes its page. */
  async dispose(): Promise<void> {
    await this.syncPage();
    await this.#page
      .evaluate(
        (key) => (window as unknown as Record<string, PageActor | undefined>)[key]?.peer.destroy(),
        this.#key,
      )
      .catch(() => {});
    await this.#page.close().catch(() => {});
  }
}

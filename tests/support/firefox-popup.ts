// Drives Parley's popup in Firefox (a tab, over WebDriver BiDi with Puppeteer): the few
// steps a cross-browser test takes, through the same `data-testid` hooks and in-page
// readers as the Chromium page objects, which are Playwright's and cannot drive Firefox.
import type { Page } from 'puppeteer-core';
import type { TransferSummary } from '../../lib/transfer/transfer-summary.ts';
import { readContacts, type ShownContact } from './contact-list.ts';
import { readMessages, type ShownMessage } from './conversation-view.ts';
import { type ExtensionPage, requestHost } from './host-requests.ts';
import { readTransferCards, type SavedDownload, type ShownTransfer } from './transfers.ts';
import { waitFor } from './wait.ts';

export class FirefoxPopup {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  /** Waits until the popup shows the user online, and returns their peer ID. */
  async waitUntilOnline(timeoutMs = 20_000): Promise<string> {
    let last = '';
    return waitFor(
      'the Firefox popup to show a peer ID and online',
      async () => {
        const shown = await this.page.evaluate(() => ({
          state: document
            .querySelector('[data-testid="connection-status"]')
            ?.getAttribute('data-state'),
          peerId: document.querySelector('[data-testid="own-peer-id"]')?.textContent?.trim() ?? '',
        }));
        last = JSON.stringify(shown);
        return shown.state === 'online' && shown.peerId ? shown.peerId : undefined;
      },
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last shown: ${last}`, { cause: error });
    });
  }

  /** Fills in the add-contact form with `peerId` and submits it. */
  async addContact(peerId: string): Promise<void> {
    await this.page.locator('[data-testid="add-contact-id"]').fill(peerId);
    await this.page.locator('[data-testid="add-contact-submit"]').click();
  }

  async acceptContact(peerId: string): Promise<void> {
    await this.page.locator(`${contactItem(peerId)} [data-testid="accept-request"]`).click();
  }

  /** Waits until the contact list shows `peerId` matching `wanted`, and returns it. */
  async waitForContact(
    peerId: string,
    wanted: Partial<Omit<ShownContact, 'peerId'>>,
    timeoutMs = 15_000,
  ): Promise<ShownContact> {
    let last: ShownContact | undefined;
    return waitFor(
      `contact ${peerId} to show ${JSON.stringify(wanted)} in Firefox`,
      async () => {
        last = (await this.page.evaluate(readContacts)).find((c) => c.peerId === peerId);
        const matches =
          last &&
          Object.entries(wanted).every(
            ([key, value]) => last![key as keyof ShownContact] === value,
          );
        return matches ? last : undefined;
      },
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last shown: ${JSON.stringify(last)}`, { cause: error });
    });
  }

  /** Opens the conversation with an accepted contact from the contact list. */
  async openConversation(peerId: string): Promise<void> {
    await this.page.locator(`${contactItem(peerId)} [data-testid="contact-name"]`).click();
    await this.page.waitForSelector(conversation(peerId), { timeout: 10_000 });
  }

  /** Types `text` into the open conversation's composer and presses Enter. */
  async send(text: string): Promise<void> {
    await this.page.locator('[data-testid="composer"]').fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Waits until the conversation with `peerId` shows a message matching `wanted`. */
  async waitForMessage(
    peerId: string,
    wanted: (message: ShownMessage) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<ShownMessage> {
    let last: ShownMessage[] = [];
    return waitFor(
      `${what} in Firefox`,
      async () => {
        const root = await this.page.$(conversation(peerId));
        last = root ? await root.evaluate(readMessages) : [];
        return last.find(wanted);
      },
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last shown: ${JSON.stringify(last.slice(-5))}`, {
        cause: error,
      });
    });
  }

  /** Picks files from disk with the open conversation's Attach button (its file input). */
  async attach(paths: string[]): Promise<void> {
    const input = await this.page.$('input[data-testid="file-input"]');
    if (!input) throw new Error('The Firefox popup shows no file input.');
    await input.uploadFile(...paths);
  }

  async transfers(): Promise<ShownTransfer[]> {
    return this.page.evaluate(readTransferCards);
  }

  /** Waits for a card of `direction` that was not in `before`, and returns its id. */
  async waitForNewTransfer(before: ReadonlySet<string>, direction: 'in' | 'out'): Promise<string> {
    return waitFor(
      `a new ${direction} transfer card in Firefox`,
      async () =>
        (await this.transfers()).find(
          (card) => card.direction === direction && !before.has(card.id),
        )?.id,
    );
  }

  async waitForTransfer(id: string, states: string[], timeoutMs = 30_000): Promise<ShownTransfer> {
    let last = '';
    return waitFor(
      `transfer ${id} to be ${states.join(' or ')} in Firefox`,
      async () => {
        const card = (await this.transfers()).find((shown) => shown.id === id);
        last = card?.state ?? '(no card)';
        return card && states.includes(card.state) ? card : undefined;
      },
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last: ${last}`, { cause: error });
    });
  }

  async acceptTransfer(id: string): Promise<void> {
    await this.page.locator(`${transferCard(id)} [data-testid="transfer-accept"]`).click();
  }

  /** The transfer as Firefox's host reports it. */
  async transferSummary(id: string): Promise<TransferSummary> {
    const state = await requestHost(extensionPage(this.page), 'getState', undefined);
    const found = state.transfers.find((transfer) => transfer.id === id);
    if (!found) throw new Error(`Firefox's host knows no transfer ${id}`);
    return found;
  }

  /** What Firefox's downloads API reports of download `downloadId` (extension pages have it). */
  async savedDownload(downloadId: number): Promise<SavedDownload | undefined> {
    return this.page.evaluate(async (id) => {
      const api = (
        globalThis as unknown as {
          browser: { downloads: { search(query: { id: number }): Promise<SavedDownload[]> } };
        }
      ).browser.downloads;
      const [item] = await api.search({ id });
      return item && { filename: item.filename, state: item.state, fileSize: item.fileSize };
    }, downloadId);
  }
}

/** Puppeteer's page as requestHost takes it: its types unwrap handles, our arguments are plain. */
export function extensionPage(page: Page): ExtensionPage {
  return {
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg) as Promise<R>,
  };
}

/** Peer IDs hold only letters, digits, space, _ and -: safe inside a quoted selector. */
function contactItem(peerId: string): string {
  return `[data-testid="contact"][data-peer-id="${peerId}"]`;
}

function conversation(peerId: string): string {
  return `[data-testid="conversation"][data-peer-id="${peerId}"]`;
}

function transferCard(id: string): string {
  return `[data-testid="transfer-card"][data-transfer-id="${id}"]`;
}

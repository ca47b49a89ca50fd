// File transfers as the views show them (transfer cards in a conversation), and the
// Downloads folder that received files are saved to.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { partFileName } from '../../lib/transfer/receive/part-files.ts';
import type { TransferSummary } from '../../lib/transfer/transfer-summary.ts';
import type { ChromiumProfile } from './chromium-profile.ts';
import { requestHost } from './host-requests.ts';
import { waitFor } from './wait.ts';

export interface ShownTransfer {
  id: string;
  state: string;
  direction: string;
  /** Outgoing only: every byte the sender sent, resends included. */
  sentBytes: number | null;
}

/** A file to attach that exists only in memory: its name can be anything (Playwright's). */
export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** The transfer cards of the conversation on screen in `page`. */
export class TransferCards {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  card(id: string): Locator {
    return this.page.locator(`[data-testid="transfer-card"][data-transfer-id="${id}"]`);
  }

  async shown(): Promise<ShownTransfer[]> {
    return this.page.evaluate(readTransferCards);
  }

  /** The transfer as the host reports it (what the card shows, and more). */
  async summary(id: string): Promise<TransferSummary> {
    const state = await requestHost(this.page, 'getState', undefined);
    const found = state.transfers.find((transfer) => transfer.id === id);
    if (!found) throw new Error(`the host knows no transfer ${id}`);
    return found;
  }

  /**
   * Picks files with the conversation's Attach button (its hidden file input): paths on
   * disk, or payloads, whose names need not be ones a file system could hold.
   */
  async attach(files: string[] | FilePayload[]): Promise<void> {
    await this.page.getByTestId('file-input').setInputFiles(files);
  }

  /** Picks `file` with a paused transfer's "Choose file…" button (its hidden file input). */
  async reattach(id: string, file: string): Promise<void> {
    await this.card(id).getByTestId('transfer-reattach-input').setInputFiles(file);
  }

  /** The card's status line. */
  async status(id: string): Promise<string> {
    return (await this.card(id).getByTestId('transfer-status').textContent())?.trim() ?? '';
  }

  /** Waits for a card of `direction` that was not in `before`, and returns its id. */
  async waitForNew(
    before: ReadonlySet<string>,
    direction: 'in' | 'out',
    timeoutMs = 15_000,
  ): Promise<string> {
    return waitFor(
      `a new ${direction} transfer card`,
      async () =>
        (await this.shown()).find((card) => card.direction === direction && !before.has(card.id))
          ?.id,
      { timeoutMs },
    );
  }

  async ids(): Promise<Set<string>> {
    return new Set((await this.shown()).map((card) => card.id));
  }

  async waitForState(id: string, states: string[], timeoutMs = 30_000): Promise<ShownTransfer> {
    let last = '';
    return waitFor(
      `transfer ${id} to be ${states.join(' or ')}`,
      async () => {
        const card = (await this.shown()).find((shown) => shown.id === id);
        last = card?.state ?? '(no card)';
        return card && states.includes(card.state) ? card : undefined;
      },
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last: ${last}`, { cause: error });
    });
  }

  async accept(id: string): Promise<void> {
    await this.card(id).getByTestId('transfer-accept').click();
  }

  async decline(id: string): Promise<void> {
    await this.card(id).getByTestId('transfer-decline').click();
  }

  async cancel(id: string): Promise<void> {
    await this.card(id).getByTestId('transfer-cancel').click();
  }

  /** The percentage the card's progress bar shows, or null without one. */
  async progress(id: string): Promise<number | null> {
    const bar = this.card(id).locator('[role="progressbar"], progress');
    if ((await bar.count()) === 0) return null;
    const value = await bar.first().getAttribute('aria-valuenow');
    return value === null ? null : Number(value);
  }
}

/**
 * Every transfer card the page shows, in order. Runs in the page (Playwright's or
 * Puppeteer's evaluate), so it uses nothing from outside its own body.
 */
export function readTransferCards(): ShownTransfer[] {
  return [...document.querySelectorAll<HTMLElement>('[data-testid="transfer-card"]')].map(
    (card) => {
      const sent = card.dataset.sentBytes;
      return {
        id: card.dataset.transferId ?? '',
        state: card.dataset.state ?? '',
        direction: card.dataset.direction ?? '',
        sentBytes: sent === undefined ? null : Number(sent),
      };
    },
  );
}

/**
 * Whether the host in `page`'s extension holds a stored (partial or unsaved) file for the
 * transfer `id` in its origin private file system: extension pages share the offscreen
 * document's origin, so any of them sees the host's `incoming/` folder.
 */
export async function hasPartFile(page: Page, id: string): Promise<boolean> {
  return page.evaluate(async (name) => {
    const root = await navigator.storage.getDirectory();
    let incoming: FileSystemDirectoryHandle;
    try {
      incoming = await root.getDirectoryHandle('incoming');
    } catch {
      return false; // Nothing was ever received.
    }
    for await (const entry of incoming.keys()) if (entry === name) return true;
    return false;
  }, partFileName(id));
}

/**
 * How much of incoming transfer `id` the host in `page`'s extension has stored for a
 * resume: the `storedBytes` of its record in IndexedDB, written at each checkpoint once
 * the bytes before it are flushed to disk. Only reads; 0 when there is no record yet.
 */
export async function storedCheckpoint(page: Page, id: string): Promise<number> {
  return (await storedTransfer(page, id))?.storedBytes ?? 0;
}

/**
 * Transfer `id` as the host in `page`'s extension has stored it in IndexedDB (not as it
 * holds it in memory): its state and stored bytes, or undefined when there is no record.
 */
export async function storedTransfer(
  page: Page,
  id: string,
): Promise<{ state: string; storedBytes: number } | undefined> {
  return page.evaluate(
    async ({ database, id }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        // Never create the host's database: an empty one would stop it from setting it up.
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error(`cannot open ${database}`));
      });
      try {
        return await new Promise<{ state: string; storedBytes: number } | undefined>(
          (resolve, reject) => {
            const request = db.transaction('transfers').objectStore('transfers').get(id);
            request.onsuccess = () =>
              resolve(request.result as { state: string; storedBytes: number } | undefined);
            request.onerror = () => reject(request.error ?? new Error(`cannot read ${id}`));
          },
        );
      } finally {
        db.close();
      }
    },
    { database: 'parley-transfers', id },
  );
}

/** The names in `profile`'s Downloads folder, sorted. */
export async function downloadsListing(profile: ChromiumProfile): Promise<string[]> {
  return (await readdir(profile.downloadsDir)).sort();
}

/** A temporary folder of test files. */
export async function testFiles(
  files: { name: string; size: number }[],
): Promise<{ dir: string; paths: string[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-files-'));
  const paths: string[] = [];
  for (const file of files) {
    const target = path.join(dir, file.name);
    const bytes = Buffer.alloc(file.size);
    for (let at = 0; at < file.size; at += 65_536)
      crypto.getRandomValues(bytes.subarray(at, Math.min(file.size, at + 65_536)));
    await writeFile(target, bytes);
    paths.push(target);
  }
  return { dir, paths };
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** A file the browser saved, as its downloads API reports it. */
export interface SavedDownload {
  /** Absolute path. */
  filename: string;
  state: string;
  fileSize: number;
}

/**
 * What `profile`'s browser reports of the download with this id (the transfer summary's
 * `downloadId`): where it saved the file and whether it is complete.
 */
export async function savedDownload(
  profile: ChromiumProfile,
  downloadId: number,
): Promise<SavedDownload | undefined> {
  return profile.evaluateInServiceWorker(async (id) => {
    const api = (
      globalThis as unknown as {
        chrome: { downloads: { search(query: { id: number }): Promise<SavedDownload[]> } };
      }
    ).chrome.downloads;
    const [item] = await api.search({ id });
    return item;
  }, downloadId);
}

import type { browser as WxtBrowser } from 'wxt/browser';
import { logger } from '../log.ts';

/** The parts of Chrome's API that keeping the offscreen host alive needs. */
export interface OffscreenApi {
  hasDocument(url: string): Promise<boolean>;
  createDocument(url: string): Promise<void>;
}

export const OFFSCREEN_PATH = '/offscreen.html';

/**
 * Makes sure Chrome's offscreen document, where the peer host lives, exists: at
 * browser start, whenever a view opens, and on a periodic alarm, so a document that
 * Chrome closed or that crashed comes back by itself.
 */
export class OffscreenHost {
  readonly #api: OffscreenApi;
  readonly #url: string;
  #creating: Promise<void> | null = null;

  constructor(api: OffscreenApi, url: string) {
    this.#api = api;
    this.#url = url;
  }

  /** Resolves once the document exists; concurrent calls share one creation. */
  async ensure(): Promise<void> {
    if (await this.#api.hasDocument(this.#url)) return;
    this.#creating ??= this.#create().finally(() => {
      this.#creating = null;
    });
    return this.#creating;
  }

  async #create(): Promise<void> {
    try {
      await this.#api.createDocument(this.#url);
      logger.info('offscreen-host-created');
    } catch (error) {
      // Another caller may have created it between our check and our call.
      if (await this.#api.hasDocument(this.#url)) return;
      logger.error('offscreen-host-create-failed', { error: String(error) });
      throw error;
    }
  }
}

/** The real API, from the service worker's `browser` (Chrome MV3 only). */
export function chromeOffscreenApi(browser: typeof WxtBrowser): OffscreenApi {
  return {
    async hasDocument(url) {
      const contexts = await browser.runtime.getContexts({
        contextTypes: ['OFFSCREEN_DOCUMENT'],
        documentUrls: [url],
      });
      return contexts.length > 0;
    },
    async createDocument(url) {
      await browser.offscreen.createDocument({
        url,
        reasons: ['WEB_RTC'],
        justification: 'Keeps Parley’s peer connections open while no Parley page is open.',
      });
    },
  };
}

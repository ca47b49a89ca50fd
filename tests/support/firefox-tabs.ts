// Firefox's tabs as Firefox itself lists them (WebDriver BiDi's browsingContext.getTree),
// each with the Puppeteer page that drives it. Puppeteer's own list is not enough here:
// - its page.url() stays about:blank for a tab that went to a moz-extension:// URL, since
//   Firefox does not report that navigation (see FirefoxUser.openPopup);
// - now and then Firefox does not report a tab the extension opened
//   (browsingContext.contextCreated never comes; seen once in CI), nor the closing of a tab
//   Puppeteer closed, so Puppeteer lists a dead tab and never the new one.
// Puppeteer syncs from getTree only when it connects (Browser.#syncBrowsingContexts); this
// asks for the tree on every reading, and can adopt a missed tab the way Puppeteer does.
import type { Page } from 'puppeteer-core';
import type { FirefoxUser } from './firefox-user.ts';

export interface FirefoxTab {
  /** The browsing context's id. */
  context: string;
  /** Where the tab is, as Firefox says. */
  url: string;
  /** The page that drives it; null while Puppeteer has not heard of the tab. */
  page: Page | null;
}

/**
 * Every top-level tab of `user`'s Firefox. With `adoptMissed`, a tab Puppeteer never heard
 * of is announced to it as created, so that it gets a page; leave it off for a tab that may
 * be only milliseconds old, whose real announcement may not have arrived yet.
 */
export async function firefoxTabs(
  user: FirefoxUser,
  { adoptMissed = false } = {},
): Promise<FirefoxTab[]> {
  const connection = bidiConnection(user);
  const announced = new Set<string>();
  const listener = (info: ContextInfo) => announced.add(info.context);
  connection.on('browsingContext.contextCreated', listener);
  let contexts: ContextInfo[];
  try {
    ({ contexts } = (await connection.send('browsingContext.getTree', { maxDepth: 0 })).result);
  } finally {
    connection.off('browsingContext.contextCreated', listener);
  }
  if (adoptMissed) {
    const known = new Set((await user.browser.pages()).map(contextOf));
    for (const info of contexts) {
      if (known.has(info.context) || announced.has(info.context)) continue;
      user.log(`[test] adopting tab ${info.context} (${info.url}) that BiDi never reported`);
      connection.emit('browsingContext.contextCreated', info);
    }
  }
  const pages = new Map((await user.browser.pages()).map((page) => [contextOf(page), page]));
  return contexts.map(({ context, url }) => ({ context, url, page: pages.get(context) ?? null }));
}

/** The URLs of the tabs the extension itself sees (browser.tabs), asked through its pages. */
export async function extensionTabUrls(tabs: FirefoxTab[]): Promise<string[] | null> {
  for (const { page, url } of tabs) {
    if (!page || !url.startsWith('moz-extension://')) continue;
    const urls = await Promise.race([
      page
        .evaluate(async () => {
          const api = (globalThis as { browser?: typeof import('wxt/browser').browser }).browser;
          return api ? (await api.tabs.query({})).map((tab) => tab.url ?? '?') : null;
        })
        .catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)),
    ]);
    if (urls) return urls;
  }
  return null;
}

/** The browsing context a Puppeteer page drives (its main frame's id). */
function contextOf(page: Page): string {
  return (page.mainFrame() as unknown as { _id: string })._id;
}

/** Puppeteer's BiDi connection: internal, though a public property of its Browser. */
function bidiConnection(user: FirefoxUser): BidiConnection {
  return (user.browser as unknown as { connection: BidiConnection }).connection;
}

/** The little of that connection used here. */
interface BidiConnection {
  send(
    method: 'browsingContext.getTree',
    params: { maxDepth: number },
  ): Promise<{ result: { contexts: ContextInfo[] } }>;
  on(event: 'browsingContext.contextCreated', listener: (info: ContextInfo) => void): void;
  off(event: 'browsingContext.contextCreated', listener: (info: ContextInfo) => void): void;
  emit(event: 'browsingContext.contextCreated', info: ContextInfo): boolean;
}

/** browsingContext.Info, as getTree and contextCreated carry it. */
interface ContextInfo {
  context: string;
  url: string;
  parent?: string | null;
  userContext?: string;
}

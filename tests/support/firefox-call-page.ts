// A call tab (call.html#<callId>) in Firefox, driven over WebDriver BiDi with Puppeteer:
// the few readings and controls a cross-browser call test needs, through the same
// `data-testid` hooks as CallPage (call-page.ts), which is Playwright's and cannot drive
// Firefox. Firefox's host opens the tab with browser.tabs.create; this finds it by URL.
import type { Page } from 'puppeteer-core';
import {
  readAllTracksStopped,
  readOutgoingVideoTrack,
  type TrackIdentity,
} from './call-page-readers.ts';
import type { FirefoxUser } from './firefox-user.ts';
import { waitFor } from './wait.ts';

export class FirefoxCallPage {
  readonly page: Page;
  readonly callId: string;

  private constructor(page: Page, callId: string) {
    this.page = page;
    this.callId = callId;
  }

  /**
   * Waits for Firefox's host to open the tab of `callId`, and for its page to show a state.
   * On a timeout the error carries everything needed to tell why from CI's output alone:
   * each tab as Puppeteer and as the page itself report it, the tabs the extension knows
   * (browser.tabs, asked through its popup), and the host's last call and platform lines.
   */
  static async find(
    user: FirefoxUser,
    callId: string,
    timeoutMs = 15_000,
  ): Promise<FirefoxCallPage> {
    let tabs: TabReading[] = [];
    const adoptAfter = Date.now() + ADOPT_MISSED_TABS_AFTER_MS;
    const page = await waitFor(
      `the Firefox call tab call.html#${callId}`,
      async () => {
        if (Date.now() > adoptAfter) await adoptMissedTabs(user);
        const pages = await user.browser.pages();
        tabs = await Promise.all(pages.map(readTab));
        return pages.find((_, index) => isCallTab(tabs[index]!, callId));
      },
      { timeoutMs },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; ${await tabDiagnosis(user, tabs)}`, { cause: error });
    });
    const found = new FirefoxCallPage(page, callId);
    await waitFor(`call ${callId}'s page to show its state in Firefox`, () =>
      found.state().then((state) => state ?? undefined),
    );
    return found;
  }

  /** Whether any tab of `browser` shows a call page (of `callId`, if given). */
  static async isOpen(user: FirefoxUser, callId?: string): Promise<boolean> {
    const tabs = await Promise.all((await user.browser.pages()).map(readTab));
    return tabs.some((tab) => isCallTab(tab, callId));
  }

  /** Closes every call tab of this user's Firefox. */
  static async closeAll(user: FirefoxUser): Promise<void> {
    for (const page of await user.browser.pages())
      if (isCallTab(await readTab(page))) await page.close();
  }

  /** The page's data-state (waiting|ringing|connecting|active|ended), null before it shows one. */
  async state(): Promise<string | null> {
    return this.page.evaluate(
      () =>
        document.querySelector('[data-testid="call-state"]')?.getAttribute('data-state') ?? null,
    );
  }

  async waitForState(state: string, timeoutMs = 20_000): Promise<void> {
    let last: string | null = null;
    await waitFor(
      `call ${this.callId} to be ${state} in Firefox`,
      async () => {
        last = await this.state();
        return last === state ? true : undefined;
      },
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last: ${last}`, { cause: error });
    });
  }

  /** The text of the element with `testId`, or null if the page shows none. */
  async text(testId: string): Promise<string | null> {
    return this.page.evaluate(
      (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null,
      testId,
    );
  }

  async click(testId: string): Promise<void> {
    await this.page.locator(`[data-testid="${testId}"]`).click();
  }

  /**
   * Frames the remote <video> has painted so far: it rises only while their video plays
   * here. Firefox's getVideoPlaybackQuality().totalVideoFrames stays 0 for a MediaStream
   * (seen here with ESR, the picture moving and getStats counting hundreds of frames;
   * also mdn/browser-compat-data#21484, w3c/media-playback-quality#19), so this reads
   * Firefox's own mozPaintedFrames, which WebRTC's video does count.
   */
  async remoteFramesShown(): Promise<number> {
    return this.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement & { mozPaintedFrames?: number }>(
        '[data-testid="call-remote-video"]',
      );
      return video?.mozPaintedFrames ?? 0;
    });
  }

  async waitForRemoteVideoMoving(frames = 15, timeoutMs = 15_000): Promise<void> {
    await this.page.bringToFront();
    const start = await this.remoteFramesShown();
    let last = start;
    await waitFor(
      `call ${this.callId}'s remote video to show ${frames} new frames in Firefox (from ${start})`,
      async () => {
        last = await this.remoteFramesShown();
        return last >= start + frames ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    ).catch(async (error: Error) => {
      const diagnosis = await this.remoteVideoDiagnosis().catch((e: Error) => e.message);
      throw new Error(`${error.message}; last ${last}; ${diagnosis}`, { cause: error });
    });
  }

  /** What the remote <video> is doing, for an error message. */
  async remoteVideoDiagnosis(): Promise<string> {
    return this.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="call-remote-video"]');
      if (!video) return 'no remote video';
      const stream = video.srcObject;
      const tracks =
        stream instanceof MediaStream
          ? stream
              .getTracks()
              .map((t) => `${t.kind}:${t.readyState}:${t.muted ? 'muted' : 'unmuted'}`)
          : [];
      const quality = video.getVideoPlaybackQuality();
      return JSON.stringify({
        readyState: video.readyState,
        paused: video.paused,
        currentTime: video.currentTime,
        size: `${video.videoWidth}x${video.videoHeight}`,
        tracks,
        total: quality.totalVideoFrames,
        painted: (video as HTMLVideoElement & { mozPaintedFrames?: number }).mozPaintedFrames,
        dropped: quality.droppedVideoFrames,
        framesDecoded: video.parentElement?.getAttribute('data-frames-decoded') ?? null,
        visibility: document.visibilityState,
      });
    });
  }

  /** getStats' inbound framesDecoded, as the page's own sample shows it; null until one. */
  async framesDecoded(): Promise<number | null> {
    return this.page.evaluate(() => {
      const value = document
        .querySelector('[data-testid="call-remote-video"]')
        ?.parentElement?.getAttribute('data-frames-decoded');
      return value === null || value === undefined ? null : Number(value);
    });
  }

  async waitForFramesDecodedRising(frames = 15, timeoutMs = 15_000): Promise<void> {
    let start: number | null = null;
    let last: number | null = null;
    await waitFor(
      `call ${this.callId}'s getStats framesDecoded to rise by ${frames} in Firefox`,
      async () => {
        last = await this.framesDecoded();
        if (last === null) return undefined;
        start ??= last;
        return last >= start + frames ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; start ${start}, last ${last}`, { cause: error });
    });
  }

  /** The video track this page sends, as its local preview shows it (see the reader). */
  async outgoingVideoTrack(): Promise<TrackIdentity | null> {
    return this.page.evaluate(readOutgoingVideoTrack);
  }

  /** Whether every track the page's videos and audio hold has stopped (camera light off). */
  async allTracksStopped(): Promise<boolean> {
    return this.page.evaluate(readAllTracksStopped);
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

/** How long find() trusts Puppeteer's own tab list before it asks Firefox for the tree. */
const ADOPT_MISSED_TABS_AFTER_MS = 3_000;

/**
 * Firefox's WebDriver BiDi now and then does not report a tab that the extension opened
 * (browsingContext.contextCreated never comes, seen once in CI), nor the closing of a tab
 * Puppeteer closed itself; Puppeteer then never lists the tab. Puppeteer syncs from
 * browsingContext.getTree only when it connects; this does the same, as Puppeteer does
 * (Browser.#syncBrowsingContexts): a top-level context that Firefox has and no page stands
 * for is announced to Puppeteer as created, unless its real event came during the query.
 */
async function adoptMissedTabs(user: FirefoxUser): Promise<void> {
  const connection = (user.browser as unknown as { connection: BidiConnection }).connection;
  const announced = new Set<string>();
  const listener = (info: ContextInfo) => announced.add(info.context);
  connection.on('browsingContext.contextCreated', listener);
  let contexts: ContextInfo[];
  try {
    ({ contexts } = (await connection.send('browsingContext.getTree', { maxDepth: 0 })).result);
  } finally {
    connection.off('browsingContext.contextCreated', listener);
  }
  const known = new Set(
    (await user.browser.pages()).map(
      (page) => (page.mainFrame() as unknown as { _id: string })._id,
    ),
  );
  for (const context of contexts) {
    if (known.has(context.context) || announced.has(context.context)) continue;
    user.log(`[test] adopting tab ${context.context} (${context.url}) that BiDi never reported`);
    connection.emit('browsingContext.contextCreated', context);
  }
}

/** The little of Puppeteer's BiDi connection (internal, but public on the object) used here. */
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

/** A tab as Puppeteer tracks it, and as its own document answers (or why it did not). */
interface TabReading {
  /** Puppeteer's page.url(): stale for moz-extension:// navigations (see below). */
  tracked: string;
  /** location.href read in the page, or null if it did not answer. */
  href: string | null;
  /** Why the page did not answer. */
  error?: string;
}

/**
 * Where the tab really is. Puppeteer's page.url() says about:blank for a tab that went to a
 * moz-extension:// URL, since Firefox's WebDriver BiDi does not report that navigation (see
 * FirefoxUser.openPopup); so ask the page itself, and keep what Puppeteer says beside it, for
 * the rare tab that does not answer within 2 s.
 */
async function readTab(page: Page): Promise<TabReading> {
  const tracked = page.url();
  const asked = page
    .evaluate(() => location.href)
    .then(
      (href) => ({ tracked, href }),
      (error: Error) => ({ tracked, href: null, error: error.message.slice(0, 160) }),
    );
  const timeout = new Promise<TabReading>((resolve) =>
    setTimeout(() => resolve({ tracked, href: null, error: 'no answer in 2 s' }), 2_000),
  );
  return Promise.race([asked, timeout]);
}

function isCallTab(tab: TabReading, callId?: string): boolean {
  return [tab.href, tab.tracked].some((url) => url !== null && isCallUrl(url, callId));
}

function isCallUrl(url: string, callId?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'moz-extension:' &&
    parsed.pathname === '/call.html' &&
    (callId === undefined || decodeURIComponent(parsed.hash.slice(1)) === callId)
  );
}

/** Why no call tab was found, in one line for an error message. */
async function tabDiagnosis(user: FirefoxUser, tabs: TabReading[]): Promise<string> {
  const seen = tabs
    .map(({ tracked, href, error }) => `${href ?? `(${error})`} [tracked: ${tracked}]`)
    .join(', ');
  const known = await extensionTabs(user).catch((error: Error) => `(not asked: ${error.message})`);
  const hostLines = user
    .logText()
    .split('\n')
    .filter((line) => /call|platform/.test(line))
    .slice(-6)
    .join(' / ');
  return `tabs: ${seen}; the extension's tabs: ${known}; host: ${hostLines}`;
}

/** The URLs of the tabs the extension itself sees, asked through any of its pages that answers. */
async function extensionTabs(user: FirefoxUser): Promise<string> {
  for (const page of await user.browser.pages()) {
    const urls = await Promise.race([
      page
        .evaluate(async () => {
          const api = (globalThis as { browser?: typeof import('wxt/browser').browser }).browser;
          return api ? (await api.tabs.query({})).map((tab) => tab.url ?? '?') : null;
        })
        .catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)),
    ]);
    if (urls) return urls.join(', ');
  }
  return '(no extension page answered)';
}

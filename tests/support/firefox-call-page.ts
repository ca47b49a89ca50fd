// A call tab (call.html#<callId>) in Firefox, driven over WebDriver BiDi with Puppeteer:
// the few readings and controls a cross-browser call test needs, through the same
// `data-testid` hooks as CallPage (call-page.ts), which is Playwright's and cannot drive
// Firefox. Firefox's host opens the tab with browser.tabs.create; this finds it by URL,
// as Firefox lists its tabs (firefox-tabs.ts).
import type { Page } from 'puppeteer-core';
import {
  readAllTracksStopped,
  readOutgoingVideoTrack,
  type TrackIdentity,
} from './call-page-readers.ts';
import { extensionTabUrls, firefoxTabs, type FirefoxTab } from './firefox-tabs.ts';
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
   * On a timeout the error carries what is needed to tell why from CI's output alone: the
   * tabs Firefox has, which of them Puppeteer drives, the tabs the extension sees, and the
   * host's last call and platform lines.
   */
  static async find(
    user: FirefoxUser,
    callId: string,
    timeoutMs = 15_000,
  ): Promise<FirefoxCallPage> {
    let tabs: FirefoxTab[] = [];
    const adoptAfter = Date.now() + ADOPT_MISSED_TABS_AFTER_MS;
    const page = await waitFor(
      `the Firefox call tab call.html#${callId}`,
      async () => {
        tabs = await firefoxTabs(user, { adoptMissed: Date.now() > adoptAfter });
        return tabs.find((tab) => isCallUrl(tab.url, callId))?.page ?? undefined;
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

  /** Whether any tab of `user`'s Firefox shows a call page (of `callId`, if given). */
  static async isOpen(user: FirefoxUser, callId?: string): Promise<boolean> {
    return (await firefoxTabs(user)).some((tab) => isCallUrl(tab.url, callId));
  }

  /** Closes every call tab of `user`'s Firefox. */
  static async closeAll(user: FirefoxUser): Promise<void> {
    for (const tab of await firefoxTabs(user, { adoptMissed: true }))
      if (isCallUrl(tab.url)) await tab.page?.close();
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

/**
 * How long find() trusts Puppeteer to hear of a new tab by itself before it adopts one that
 * Firefox lists and Puppeteer does not (see firefox-tabs.ts).
 */
const ADOPT_MISSED_TABS_AFTER_MS = 3_000;

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
async function tabDiagnosis(user: FirefoxUser, tabs: FirefoxTab[]): Promise<string> {
  const firefox = tabs
    .map(({ url, page }) => `${url}${page ? '' : ' (no Puppeteer page)'}`)
    .join(', ');
  const extension = (await extensionTabUrls(tabs))?.join(', ') ?? '(no extension page answered)';
  const hostLines = user
    .logText()
    .split('\n')
    .filter((line) => /call|platform/.test(line))
    .slice(-6)
    .join(' / ');
  return `Firefox's tabs: ${firefox}; the extension's tabs: ${extension}; host: ${hostLines}`;
}

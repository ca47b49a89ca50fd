// A call tab (call.html#<callId>) as a person sees it: its state, the two videos, the
// controls. The host opens it; this finds it in the browser by its URL.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { CallSummary } from '../../lib/call/call-types.ts';
import {
  readAllTracksStopped,
  readOutgoingVideoTrack,
  type TrackIdentity,
} from './call-page-readers.ts';
import { requestHost, type ExtensionPage } from './host-requests.ts';
import { waitFor } from './wait.ts';

export class CallPage {
  readonly page: Page;
  readonly callId: string;
  readonly state: Locator;
  readonly timer: Locator;
  readonly quality: Locator;
  readonly muteButton: Locator;
  readonly cameraButton: Locator;
  readonly screenButton: Locator;
  readonly hangUpButton: Locator;
  readonly remoteMuted: Locator;
  readonly remoteCameraOff: Locator;
  readonly cameraSelect: Locator;
  readonly micSelect: Locator;
  readonly error: Locator;
  /** A note that does not stop the call (a camera that failed, a cancelled screen share). */
  readonly notice: Locator;
  readonly endedReason: Locator;

  private constructor(page: Page, callId: string) {
    this.page = page;
    this.callId = callId;
    const id = (testId: string) => page.getByTestId(testId);
    this.state = id('call-state');
    this.timer = id('call-timer');
    this.quality = id('call-quality');
    this.muteButton = id('call-mute');
    this.cameraButton = id('call-camera');
    this.screenButton = id('call-screen');
    this.hangUpButton = id('call-hangup');
    this.remoteMuted = id('call-remote-muted');
    this.remoteCameraOff = id('call-remote-camera-off');
    this.cameraSelect = id('call-camera-select');
    this.micSelect = id('call-mic-select');
    this.error = id('call-error');
    this.notice = id('call-notice');
    this.endedReason = id('call-ended-reason');
  }

  /** Waits for the host to open the tab of `callId` in `context`. */
  static async find(
    context: BrowserContext,
    callId: string,
    timeoutMs = 15_000,
  ): Promise<CallPage> {
    const page = await waitFor(
      `the call tab call.html#${callId}`,
      () => context.pages().find((candidate) => CallPage.isCallTab(candidate.url(), callId)),
      { timeoutMs },
    );
    await page.waitForLoadState('domcontentloaded');
    return new CallPage(page, callId);
  }

  /** Whether any tab of `context` shows a call page (of `callId`, if given). */
  static isOpen(context: BrowserContext, callId?: string): boolean {
    return context.pages().some((page) => CallPage.isCallTab(page.url(), callId));
  }

  static isCallTab(url: string, callId?: string): boolean {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'chrome-extension:' &&
      parsed.pathname === '/call.html' &&
      (callId === undefined || decodeURIComponent(parsed.hash.slice(1)) === callId)
    );
  }

  /** Waits until the page's status says `state` (data-state: waiting|ringing|connecting|active|ended). */
  async waitForState(state: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `call ${this.callId} to be ${state}`,
      async () => ((await this.state.getAttribute('data-state')) === state ? true : undefined),
      { timeoutMs },
    );
  }

  /** Frames the remote <video> has shown so far: it rises only while their video plays here. */
  async remoteFramesShown(): Promise<number> {
    return this.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="call-remote-video"]');
      return video?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
    });
  }

  /** Waits until the remote video shows at least `frames` more frames than it has now. */
  async waitForRemoteVideoMoving(frames = 15, timeoutMs = 15_000): Promise<void> {
    // A tab in the background may not paint video at all: look at it, as a person would.
    await this.page.bringToFront();
    const start = await this.remoteFramesShown();
    await waitFor(
      `call ${this.callId}'s remote video to show ${frames} new frames (from ${start})`,
      async () => ((await this.remoteFramesShown()) >= start + frames ? true : undefined),
      { timeoutMs, intervalMs: 250 },
    );
  }

  /**
   * The inbound video frames decoded so far, as the page's own `getStats` sample says
   * (every 2 s); null until the first sample with video.
   */
  async framesDecoded(): Promise<number | null> {
    const value = await this.page
      .getByTestId('call-remote-video')
      .locator('..')
      .getAttribute('data-frames-decoded');
    return value === null ? null : Number(value);
  }

  /** Waits until `getStats`' framesDecoded has risen by `frames` from what it is now. */
  async waitForFramesDecodedRising(frames = 15, timeoutMs = 15_000): Promise<void> {
    let start: number | null = null;
    await waitFor(
      `call ${this.callId}'s getStats framesDecoded to rise by ${frames}`,
      async () => {
        const now = await this.framesDecoded();
        if (now === null) return undefined;
        start ??= now;
        return now >= start + frames ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  /** The size of the remote video as decoded here (their camera, or their screen). */
  async remoteVideoSize(): Promise<{ width: number; height: number }> {
    return this.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="call-remote-video"]');
      return { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
    });
  }

  /**
   * Waits until the remote video has the shape of Chromium's fake camera (4:3, 640×480) or
   * of its fake screen (16:9, 1280×720). The shape, not the size: the sender's encoder may
   * scale a picture down while the connection's bandwidth estimate is still low.
   */
  async waitForRemoteShape(shape: 'camera' | 'screen', timeoutMs = 15_000): Promise<void> {
    const wanted = shape === 'camera' ? 4 / 3 : 16 / 9;
    let last = { width: 0, height: 0 };
    await waitFor(
      `call ${this.callId}'s remote video to have the shape of a ${shape}`,
      async () => {
        last = await this.remoteVideoSize();
        const ratio = last.height > 0 ? last.width / last.height : 0;
        return Math.abs(ratio - wanted) < 0.05 ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last size ${last.width}×${last.height}`, { cause: error });
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
 * The host's record of the newest call with `peerId` that is not over, from any extension
 * page of that user; waits for it to appear.
 */
export async function waitForCall(
  page: ExtensionPage,
  peerId: string,
  matches: (call: CallSummary) => boolean = (call) => call.state !== 'ended',
  timeoutMs = 15_000,
): Promise<CallSummary> {
  return waitFor(
    `a call with ${peerId}`,
    async () => {
      const state = await requestHost(page, 'getState', undefined);
      return state.calls.findLast((call) => call.peerId === peerId && matches(call));
    },
    { timeoutMs },
  );
}

/** The host's record of call `callId`, or undefined. */
export async function storedCall(
  page: ExtensionPage,
  callId: string,
): Promise<CallSummary | undefined> {
  const state = await requestHost(page, 'getState', undefined);
  return state.calls.find((call) => call.callId === callId);
}

/**
 * Hangs up every call of this user that is not over, so that a test which failed mid-call
 * leaves the next one free to call ("You are already in a call" would hide its own result).
 */
export async function endUnfinishedCalls(page: ExtensionPage): Promise<void> {
  const state = await requestHost(page, 'getState', undefined);
  for (const call of state.calls) {
    if (call.state === 'ended') continue;
    // The other side's own clean-up may end it first; that refusal is the outcome wanted.
    await requestHost(page, 'endCall', { callId: call.callId }).catch((error: Error) => {
      if (!/already ended/.test(error.message)) throw error;
    });
  }
}

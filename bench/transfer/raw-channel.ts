// The reference of bench:transfer: a bare, back-pressured RTCDataChannel between two
// browsers, each end in a plain tab on loopback, whose receiver counts and drops what it
// gets. No server: the two SDPs (each with all its ICE candidates) pass through here.
import type { Page } from 'playwright-core';
import type { ChromiumProfile } from '../../tests/support/chromium-profile.ts';
import {
  installRawEnd,
  type RawEndGlobal,
  type RawSendSettings,
  type RawSendTimes,
} from './raw-channel-in-page.ts';

export type { RawSendSettings, RawSendTimes };

const OPEN_TIMEOUT_MS = 15_000;

/** Where the receiving tab is; a heap sampler finds its target by this path. */
export const RAW_RECEIVER_PATH = '/raw-receiver';

export class RawChannel {
  readonly sender: Page;
  readonly receiver: Page;

  private constructor(sender: Page, receiver: Page) {
    this.sender = sender;
    this.receiver = receiver;
  }

  /**
   * Opens a tab on `pageUrl` (a plain page on loopback) in each profile and connects them
   * with one data channel, `from` offering.
   */
  static async open(
    from: ChromiumProfile,
    to: ChromiumProfile,
    pageUrl: string,
  ): Promise<RawChannel> {
    const tab = async (profile: ChromiumProfile, pathname: string) => {
      const page = await profile.context.newPage();
      await page.goto(new URL(pathname, pageUrl).href);
      await page.evaluate(installRawEnd);
      return page;
    };
    const [sender, receiver] = await Promise.all([
      tab(from, '/raw-sender'),
      tab(to, RAW_RECEIVER_PATH),
    ]);
    const channel = new RawChannel(sender, receiver);
    // Playwright serializes each callback alone, so each one looks `rawEnd` up itself.
    const offer = await sender.evaluate(() =>
      (globalThis as unknown as RawEndGlobal).rawEnd.offer(),
    );
    const answer = await receiver.evaluate(
      (offer) => (globalThis as unknown as RawEndGlobal).rawEnd.answer(offer),
      offer,
    );
    await sender.evaluate(
      (answer) => (globalThis as unknown as RawEndGlobal).rawEnd.accept(answer),
      answer,
    );
    await Promise.all(
      [sender, receiver].map((page) =>
        page.evaluate(
          (timeoutMs) => (globalThis as unknown as RawEndGlobal).rawEnd.opened(timeoutMs),
          OPEN_TIMEOUT_MS,
        ),
      ),
    );
    return channel;
  }

  /** Sends `settings.bytes` to the receiver, which drops them; the sender's times. */
  async transfer(settings: RawSendSettings): Promise<RawSendTimes> {
    await this.receiver.evaluate(
      ({ bytes, hashScriptUrl }) =>
        (globalThis as unknown as RawEndGlobal).rawEnd.discard(bytes, hashScriptUrl),
      { bytes: settings.bytes, hashScriptUrl: settings.hashScriptUrl },
    );
    const times = await this.sender.evaluate(
      (settings) => (globalThis as unknown as RawEndGlobal).rawEnd.send(settings),
      settings,
    );
    if (times.receivedBytes !== settings.bytes) {
      throw new Error(`The receiver counted ${times.receivedBytes} of ${settings.bytes} bytes.`);
    }
    // Hashing is the work this variant stands for: check it was done, and done right.
    if (
      settings.hashScriptUrl &&
      (!times.sentSha256 || times.sentSha256 !== times.receivedSha256)
    ) {
      throw new Error(
        `The SHA-256s differ: sent ${times.sentSha256}, received ${times.receivedSha256}.`,
      );
    }
    return times;
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.sender, this.receiver].map(async (page) => {
        await page
          .evaluate(() => (globalThis as unknown as RawEndGlobal).rawEnd.close())
          .catch(() => {});
        await page.close();
      }),
    );
  }
}

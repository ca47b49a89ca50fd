// Drives one profile's Parley host exactly as a view does: over the `parley:host`
// BroadcastChannel, from an extension page, with the clock in that page (see
// host-probe-in-page.ts): the time from posting a request to the host's answer arriving,
// as a view would see it.
import type { Page } from 'playwright-core';
import {
  HOST_CHANNEL,
  type HostMethod,
  type ParamsOf,
  type ResultOf,
} from '../../lib/protocol/host-protocol.ts';
import type { Settings } from '../../lib/settings/settings.ts';
import {
  installProbe,
  SCRATCH_DATABASE,
  type ProbeGlobal,
  type RoundTrip,
  type WantedContact,
} from './host-probe-in-page.ts';

export type { RoundTrip, WantedContact } from './host-probe-in-page.ts';

/** One profile's host, driven from one of its extension pages. */
export class HostProbe {
  readonly page: Page;

  private constructor(page: Page) {
    this.page = page;
  }

  /** Installs the probe in `page`, which must be an extension page (same origin as the host). */
  static async attach(page: Page): Promise<HostProbe> {
    await page.evaluate(installProbe, {
      channelName: HOST_CHANNEL,
      scratchDatabase: SCRATCH_DATABASE,
    });
    return new HostProbe(page);
  }

  async request<M extends HostMethod>(
    method: M,
    params: ParamsOf<M>,
    timeoutMs = 10_000,
  ): Promise<ResultOf<M>> {
    const result = await this.page.evaluate(
      ({ method, params, timeoutMs }) =>
        (globalThis as unknown as ProbeGlobal).parleyBench.request(method, params, timeoutMs),
      { method, params, timeoutMs },
    );
    return result as ResultOf<M>;
  }

  /** Runs a request that answers `{ ok, error? }` and throws if it did not succeed. */
  async act<M extends 'savePreferences' | 'addContact' | 'answerRequest' | 'removeContact'>(
    method: M,
    params: ParamsOf<M>,
  ): Promise<void> {
    const result = await this.request(method, params);
    if (!result.ok) throw new Error(`${method} failed: ${result.error}`);
  }

  async waitForContact(peerId: string, wanted: WantedContact, timeoutMs = 15_000): Promise<void> {
    await this.page.evaluate(
      ({ peerId, wanted, timeoutMs }) =>
        (globalThis as unknown as ProbeGlobal).parleyBench.waitForContact(
          peerId,
          wanted,
          timeoutMs,
        ),
      { peerId, wanted, timeoutMs },
    );
  }

  /** `count` messages in a row, each timed from `sendMessage` to 'delivered'. */
  async roundTrips(peerId: string, count: number, timeoutMs = 10_000): Promise<RoundTrip[]> {
    return this.page.evaluate(
      ({ peerId, count, timeoutMs }) =>
        (globalThis as unknown as ProbeGlobal).parleyBench.roundTrips(peerId, count, timeoutMs),
      { peerId, count, timeoutMs },
    );
  }

  /** Milliseconds from `addContact` to the contact showing accepted and online. */
  async addAndTime(peerId: string, timeoutMs = 15_000): Promise<number> {
    return this.page.evaluate(
      ({ peerId, timeoutMs }) =>
        (globalThis as unknown as ProbeGlobal).parleyBench.addAndTime(peerId, timeoutMs),
      { peerId, timeoutMs },
    );
  }

  /**
   * Reference: `count` strict-durability IndexedDB writes of one message-sized record
   * (from `peerId`) in this page, which shares the host's origin; ms each until committed.
   */
  async strictWrites(peerId: string, count: number): Promise<number[]> {
    return this.page.evaluate(
      ({ peerId, count }) =>
        (globalThis as unknown as ProbeGlobal).parleyBench.strictWrites(peerId, count),
      { peerId, count },
    );
  }

  /** Deletes the scratch database `strictWrites` wrote to. */
  async dropScratch(): Promise<void> {
    await this.page.evaluate(() =>
      (globalThis as unknown as ProbeGlobal).parleyBench.dropScratch(),
    );
  }

  /** Reference: `count` `getState` requests; ms each from posting to the answer arriving. */
  async hops(count: number, timeoutMs = 10_000): Promise<number[]> {
    return this.page.evaluate(
      ({ count, timeoutMs }) =>
        (globalThis as unknown as ProbeGlobal).parleyBench.hops(count, timeoutMs),
      { count, timeoutMs },
    );
  }

  /** Saves `settings` while offline; ms from the host online to `peerId` online. */
  async comeOnlineAndTime(peerId: string, settings: Settings, timeoutMs = 15_000): Promise<number> {
    return this.page.evaluate(
      ({ peerId, settings, timeoutMs }) =>
        (globalThis as unknown as ProbeGlobal).parleyBench.comeOnlineAndTime(
          peerId,
          settings,
          timeoutMs,
        ),
      { peerId, settings, timeoutMs },
    );
  }
}

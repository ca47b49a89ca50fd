// A view that opens shows the host's current state at once: its first rendered frame
// already says "online" with the peer ID, with no blank or "connecting" frame before it.
import { describe, expect, it } from 'vitest';
import { oneUserSuite } from '../support/one-user-suite.ts';

interface Frame {
  state: string | null;
  peerId: string;
}

declare global {
  interface Window {
    parleyFrames?: Frame[];
  }
}

describe('first paint', () => {
  const suite = oneUserSuite('first-paint');

  it('renders the popup with the live state from its very first frame', async () => {
    const page = await suite.profile.context.newPage();
    // Before any of the page's scripts: record what the view shows at every change.
    await page.addInitScript(() => {
      const frames: Frame[] = [];
      window.parleyFrames = frames;
      new MutationObserver(() => {
        const status = document.querySelector('[data-testid="connection-status"]');
        const peerId = document.querySelector('[data-testid="own-peer-id"]');
        if (status || peerId)
          frames.push({
            state: status?.getAttribute('data-state') ?? null,
            peerId: peerId?.textContent ?? '',
          });
      }).observe(document, { childList: true, subtree: true, attributes: true });
    });
    await page.goto(`chrome-extension://${suite.profile.extensionId}/popup.html`);
    await expect
      .poll(() => page.evaluate(() => window.parleyFrames?.length ?? 0))
      .toBeGreaterThan(0);

    const frames = await page.evaluate(() => window.parleyFrames ?? []);
    expect(frames[0], 'the first frame that shows anything').toEqual({
      state: 'online',
      peerId: suite.alice.id,
    });
    await page.close();
  });
});

// Firefox smoke test: the MV2 build, whose peer host lives in the persistent background
// page, installs, gets a peer ID and goes online with the local server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepLogs } from '../support/diagnostics.ts';
import { FirefoxUser } from '../support/firefox-user.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { SignalingServer } from '../support/signaling-server.ts';
import { waitFor } from '../support/wait.ts';

interface PopupView {
  state: string | null;
  status: string;
  peerId: string;
}

describe('Firefox', () => {
  let server: SignalingServer | undefined;
  let carol: FirefoxUser | undefined;

  keepLogs('firefox', () => ({ server, carol }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    carol = await FirefoxUser.launch('carol');
  });

  afterAll(async () => {
    await carol?.close();
    await server?.stop();
  });

  it('shows a peer ID and goes online', async () => {
    const page = await carol!.openPopup();
    // The same hooks as on Chrome, read in one go so state and ID belong together.
    const read = (): Promise<PopupView> =>
      page.evaluate(() => {
        const status = document.querySelector('[data-testid="connection-status"]');
        const peerId = document.querySelector('[data-testid="own-peer-id"]');
        return {
          state: status?.getAttribute('data-state') ?? null,
          status: status?.textContent?.trim() ?? '',
          peerId: peerId?.textContent?.trim() ?? '',
        };
      });

    let last: PopupView | undefined;
    const view = await waitFor(
      'the Firefox popup to show a peer ID and online',
      async () => {
        last = await read();
        return last.state === 'online' && last.peerId ? last : undefined;
      },
      { timeoutMs: 20_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last shown: ${JSON.stringify(last)}`, { cause: error });
    });

    expect(view.peerId).not.toBe('');
    await saveScreenshot(page, 'firefox-popup-online');
  });
});

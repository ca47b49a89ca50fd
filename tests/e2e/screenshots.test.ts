// Pictures of the views as a user sees them, saved to test-results/screenshots/ for review.
// The test checks only that the views reached the state worth a picture.
import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import { saveLightAndDark } from '../support/screenshots.ts';
import { SignalingServer } from '../support/signaling-server.ts';

describe('screenshots', () => {
  let server: SignalingServer | undefined;
  let profile: ChromiumProfile | undefined;
  let alice: OnlineUser;

  keepLogs('screenshots', () => ({ server, alice: profile }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    profile = await ChromiumProfile.launch('alice');
    alice = await bringOnline(profile);
  });

  afterAll(async () => {
    await profile?.dispose();
    await server?.stop();
  });

  it('saves the popup, online, in light and dark', async () => {
    await alice.popup.sizeLikeAPopup();
    const files = await saveLightAndDark(alice.popup.page, 'popup-online');
    for (const file of files) expect((await stat(file)).size).toBeGreaterThan(1_000);
  });

  it('opens the options page from the popup and saves it in light and dark', async () => {
    const options = await alice.popup.openSettings();
    expect(new URL(options.page.url()).pathname).toBe('/options.html');
    await options.status.waitFor('online');
    const files = await saveLightAndDark(options.page, 'options-online');
    for (const file of files) expect((await stat(file)).size).toBeGreaterThan(1_000);
  });
});

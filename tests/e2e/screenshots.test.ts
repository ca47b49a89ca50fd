// Pictures of the views as a user sees them, saved to test-results/screenshots/ for review.
// The test checks only that the views reached the state worth a picture.
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { oneUserSuite } from '../support/one-user-suite.ts';
import { saveLightAndDark } from '../support/screenshots.ts';

describe('screenshots', () => {
  const suite = oneUserSuite('screenshots');

  it('saves the popup, online, in light and dark', async () => {
    await suite.alice.popup.sizeLikeAPopup();
    const files = await saveLightAndDark(suite.alice.popup.page, 'popup-online');
    for (const file of files) expect((await stat(file)).size).toBeGreaterThan(1_000);
  });

  it('opens the options page from the popup and saves it in light and dark', async () => {
    const options = await suite.alice.popup.openSettings();
    expect(new URL(options.page.url()).pathname).toBe('/options.html');
    await options.status.waitFor('online');
    const files = await saveLightAndDark(options.page, 'options-online');
    for (const file of files) expect((await stat(file)).size).toBeGreaterThan(1_000);
  });
});

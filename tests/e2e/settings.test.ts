// Bad server settings entered on the options page: the user is told what is wrong, in the
// form or in the connection status, and never loses their peer ID over it.
import { beforeAll, describe, expect, it } from 'vitest';
import { oneUserSuite } from '../support/one-user-suite.ts';
import type { OptionsPage, ServerSettings } from '../support/options-page.ts';
import { devServer } from '../support/paths.ts';
import { waitForText } from '../support/locators.ts';
import { saveScreenshot } from '../support/screenshots.ts';

describe('server settings', () => {
  const suite = oneUserSuite('settings');
  let options: OptionsPage;
  let original: ServerSettings;

  beforeAll(async () => {
    options = await suite.profile.openOptions();
    original = await options.serverSettings();
  });

  /** A fresh options page: what it shows is what was saved, not what was typed. */
  async function reopenOptions(): Promise<OptionsPage> {
    await options.close();
    options = await suite.alice.profile.openOptions();
    return options;
  }

  it('starts from the development defaults', () => {
    expect(original).toMatchObject({
      host: devServer.host,
      port: String(devServer.port),
      path: devServer.path,
      key: devServer.key,
      secure: false,
    });
  });

  it('goes offline naming the address when nothing listens on the port', async () => {
    await options.saveServer({ port: '9001' });
    await waitForText(options.settingsStatus, /saved/i);

    // The reason names the address the user typed, so they can spot the typo.
    const reason = { timeoutMs: 20_000, text: /127\.0\.0\.1:9001/ };
    await options.status.waitFor('offline', reason);
    await suite.alice.popup.status.waitFor('offline', reason);
    expect(await suite.alice.popup.peerId(), 'peer ID after the settings change').toBe(
      suite.alice.id,
    );
    await suite.alice.popup.sizeLikeAPopup();
    await saveScreenshot(suite.alice.popup.page, 'popup-offline-unreachable');
  });

  it('goes offline blaming the key when the server refuses it', async () => {
    await options.saveServer({ port: String(devServer.port), key: 'not-the-key' });

    const reason = { timeoutMs: 20_000, text: /key/i };
    await options.status.waitFor('offline', reason);
    await suite.alice.popup.status.waitFor('offline', reason);
    expect(await suite.alice.popup.peerId(), 'peer ID after the settings change').toBe(
      suite.alice.id,
    );
  });

  it('rejects a malformed host in the form and does not save it', async () => {
    await reopenOptions();
    const before = await options.serverSettings();
    await options.saveServer({ host: 'bad host!' });

    await waitForText(options.fieldError('server-host'), /\S/);
    await saveScreenshot(options.page, 'options-invalid-host');
    await reopenOptions();
    expect(await options.serverSettings()).toEqual(before);
    expect(await suite.alice.popup.peerId(), 'peer ID after the settings change').toBe(
      suite.alice.id,
    );
  });

  it('rejects a malformed ICE server URL in the form and does not save it', async () => {
    await reopenOptions();
    const before = await options.serverSettings();
    const rowsBefore = await options.iceUrls().count();
    const row = await options.fillIceServer({ url: 'not a url' });
    await options.save();

    await waitForText(options.fieldError(`ice-url-${row}`), /\S/);
    await reopenOptions();
    expect(await options.iceUrls().count()).toBe(rowsBefore);
    expect(await options.serverSettings()).toEqual(before);
  });

  it('goes back online with the same ID when the right settings are restored', async () => {
    await reopenOptions();
    await options.saveServer(original);

    await options.status.waitFor('online', { timeoutMs: 15_000 });
    await suite.alice.popup.status.waitFor('online', { timeoutMs: 15_000 });
    expect(await suite.alice.popup.peerId(), 'peer ID after the settings change').toBe(
      suite.alice.id,
    );
    await reopenOptions();
    expect(await options.serverSettings()).toEqual(original);
  });
});

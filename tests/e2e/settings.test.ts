// Bad server settings entered on the options page: the user is told what is wrong, in the
// form or in the connection status, and never loses their peer ID over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import type { OptionsPage, ServerSettings } from '../support/options-page.ts';
import { devServer } from '../support/paths.ts';
import { waitForText } from '../support/locators.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { SignalingServer } from '../support/signaling-server.ts';

describe('server settings', () => {
  let server: SignalingServer | undefined;
  let profile: ChromiumProfile | undefined;
  let alice: OnlineUser;
  let options: OptionsPage;
  let original: ServerSettings;

  keepLogs('settings', () => ({ server, alice: profile }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    profile = await ChromiumProfile.launch('alice');
    alice = await bringOnline(profile);
    options = await alice.profile.openOptions();
    original = await options.serverSettings();
  });

  afterAll(async () => {
    await profile?.dispose();
    await server?.stop();
  });

  /** A fresh options page: what it shows is what was saved, not what was typed. */
  async function reopenOptions(): Promise<OptionsPage> {
    await options.close();
    options = await alice.profile.openOptions();
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
    await alice.popup.status.waitFor('offline', reason);
    expect(await alice.popup.peerId(), 'peer ID after the settings change').toBe(alice.id);
    await alice.popup.sizeLikeAPopup();
    await saveScreenshot(alice.popup.page, 'popup-offline-unreachable');
  });

  it('goes offline blaming the key when the server refuses it', async () => {
    await options.saveServer({ port: String(devServer.port), key: 'not-the-key' });

    const reason = { timeoutMs: 20_000, text: /key/i };
    await options.status.waitFor('offline', reason);
    await alice.popup.status.waitFor('offline', reason);
    expect(await alice.popup.peerId(), 'peer ID after the settings change').toBe(alice.id);
  });

  it('rejects a malformed host in the form and does not save it', async () => {
    await reopenOptions();
    const before = await options.serverSettings();
    await options.saveServer({ host: 'bad host!' });

    await waitForText(options.fieldError('server-host'), /\S/);
    await saveScreenshot(options.page, 'options-invalid-host');
    await reopenOptions();
    expect(await options.serverSettings()).toEqual(before);
    expect(await alice.popup.peerId(), 'peer ID after the settings change').toBe(alice.id);
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
    await alice.popup.status.waitFor('online', { timeoutMs: 15_000 });
    expect(await alice.popup.peerId(), 'peer ID after the settings change').toBe(alice.id);
    await reopenOptions();
    expect(await options.serverSettings()).toEqual(original);
  });
});

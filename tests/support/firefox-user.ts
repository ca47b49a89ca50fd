// One Parley user in Firefox ESR: a headless Firefox driven over WebDriver BiDi by
// puppeteer-core, with the development build installed as a temporary add-on, on a
// profile of its own that saves downloads inside itself.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { firefoxBuildDir, requireBuild } from './paths.ts';
import { assertPrivateNetwork } from './private-network.ts';
import { waitFor } from './wait.ts';

export const firefoxPath = '/usr/bin/firefox-esr';

/** `browser_specific_settings.gecko.id` in wxt.config.ts. */
export const geckoId = 'parley@parley.chat';

/**
 * Firefox gives every install a random moz-extension:// UUID; pinning it in the profile's
 * prefs lets the tests open the extension's pages by URL.
 */
export const extensionUuid = '5f1c7a0e-2d4b-4e8a-9c3f-0b6d8e1a7c42';

export class FirefoxUser {
  readonly name: string;
  readonly browser: Browser;
  /** The profile, a temporary directory that close() deletes. */
  readonly profileDir: string;
  /** Firefox's stdout and stderr, which carry the extension's console output. */
  readonly logLines: string[] = [];

  private constructor(name: string, browser: Browser, profileDir: string) {
    this.name = name;
    this.browser = browser;
    this.profileDir = profileDir;
  }

  /**
   * Where this profile's Firefox saves downloads, the downloads API's included: inside the
   * profile, never the user's own Downloads folder.
   */
  get downloadsDir(): string {
    return downloadsDirOf(this.profileDir);
  }

  static async launch(name: string, extensionDir = firefoxBuildDir): Promise<FirefoxUser> {
    assertPrivateNetwork();
    requireBuild(extensionDir);
    // Our own profile directory rather than Puppeteer's, so that the downloads folder's
    // path is known before launch; Puppeteer writes the prefs into it all the same.
    const profileDir = await mkdtemp(path.join(os.tmpdir(), `parley-e2e-firefox-${name}-`));
    let browser: Browser;
    try {
      await mkdir(downloadsDirOf(profileDir));
      browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath: firefoxPath,
        headless: true,
        protocol: 'webDriverBiDi',
        userDataDir: profileDir,
        // Firefox 138+ lets WebDriver BiDi navigate to moz-extension:// pages only with this.
        args: ['--remote-allow-system-access'],
        extraPrefsFirefox: {
          'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: extensionUuid }),
          // Copies console output of web and extension pages, the background page included,
          // to stdout: BiDi does not report it for moz-extension:// pages.
          'devtools.console.stdout.content': true,
          ...downloadPrefs(downloadsDirOf(profileDir)),
          ...webRtcPrefs,
        },
        timeout: 30_000,
      });
    } catch (error) {
      await rm(profileDir, { recursive: true, force: true });
      throw error;
    }
    const user = new FirefoxUser(name, browser, profileDir);
    const firefox = browser.process();
    for (const stream of ['stdout', 'stderr'] as const) {
      const input = firefox?.[stream];
      if (!input) continue;
      createInterface({ input }).on('line', (line) => {
        if (line.trim()) user.log(`[${stream}] ${line}`);
      });
    }
    try {
      await browser.installExtension(extensionDir);
    } catch (error) {
      await user.close();
      throw error;
    }
    return user;
  }

  extensionUrl(file: string): string {
    return `moz-extension://${extensionUuid}/${file}`;
  }

  /** Opens the popup as a tab, as on Chrome: a real popup cannot be opened headless. */
  async openPopup(): Promise<Page> {
    const page = await this.browser.newPage();
    await page.setViewport({ width: 400, height: 600 });
    // Firefox ESR 153 loads the page, but BiDi never reports the navigation to a
    // moz-extension:// URL as done, so goto() would time out: start it, ignore its fate,
    // and wait for the page's own content instead.
    page.goto(this.extensionUrl('popup.html'), { timeout: 30_000 }).catch(() => {});
    await waitFor('the Firefox popup to load', () =>
      page
        .evaluate(() => location.href)
        .then((href) => (href.startsWith('moz-extension://') ? true : undefined)),
    );
    return page;
  }

  logText(): string {
    return this.logLines.join('\n');
  }

  /** Closes Firefox and deletes the profile, downloads and all. */
  async close(): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      await rm(this.profileDir, { recursive: true, force: true, maxRetries: 5 });
    }
  }

  /** Adds a line to this user's log, beside Firefox's own output. */
  log(line: string): void {
    this.logLines.push(`${new Date().toISOString()} ${this.name} ${line}`);
  }
}

function downloadsDirOf(profileDir: string): string {
  return path.join(profileDir, 'Downloads');
}

/**
 * Saves every download, the downloads API's included, straight into `dir`, and opens no
 * downloads panel. (downloads.download with saveAs: false asks no question anyway.)
 */
function downloadPrefs(dir: string): Record<string, unknown> {
  return {
    'browser.download.dir': dir,
    // 2: the folder in browser.download.dir (0 is the desktop, 1 the system's Downloads).
    'browser.download.folderList': 2,
    'browser.download.useDownloadDir': true,
    'browser.download.alwaysOpenPanel': false,
  };
}

/** WebRTC between this Firefox and another browser inside the private network namespace. */
const webRtcPrefs: Record<string, unknown> = {
  // Firefox hides its host candidates behind `<uuid>.local` names, which nobody here can
  // resolve. It connects all the same (the other side learns its address from its checks),
  // but real addresses on both sides, as Chromium's flags give, leave less to chance.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // Loopback candidates too, as Chromium's --allow-loopback-in-peer-connection. Chromium
  // sometimes gathers on loopback alone (its network list not yet complete when a fresh
  // call tab answers): seen here as one candidate, 127.0.0.1, Chromium's ICE connected
  // and Firefox's checking for good, since Firefox otherwise ignores loopback.
  'media.peerconnection.ice.loopback': true,
  // Firefox's own fake camera and microphone (a test pattern and a tone), without asking,
  // as Chromium's --use-fake-device-for-media-stream and --use-fake-ui-for-media-stream.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Play media without a user's gesture (the call page's remote <audio>).
  'media.autoplay.default': 0,
};

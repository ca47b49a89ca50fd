// One Parley user in Firefox ESR: a headless Firefox driven over WebDriver BiDi by
// puppeteer-core, with the development build installed as a temporary add-on.
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
  /** Firefox's stdout and stderr, which carry the extension's console output. */
  readonly logLines: string[] = [];

  private constructor(name: string, browser: Browser) {
    this.name = name;
    this.browser = browser;
  }

  static async launch(name: string, extensionDir = firefoxBuildDir): Promise<FirefoxUser> {
    assertPrivateNetwork();
    requireBuild(extensionDir);
    // Puppeteer makes a temporary profile with these prefs and deletes it on close().
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: firefoxPath,
      headless: true,
      protocol: 'webDriverBiDi',
      // Firefox 138+ lets WebDriver BiDi navigate to moz-extension:// pages only with this.
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: extensionUuid }),
        // Copies console output of web and extension pages, the background page included,
        // to stdout: BiDi does not report it for moz-extension:// pages.
        'devtools.console.stdout.content': true,
      },
      timeout: 30_000,
    });
    const user = new FirefoxUser(name, browser);
    const firefox = browser.process();
    for (const stream of ['stdout', 'stderr'] as const) {
      const input = firefox?.[stream];
      if (!input) continue;
      createInterface({ input }).on('line', (line) => {
        if (line.trim()) user.#log(`[${stream}] ${line}`);
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

  async close(): Promise<void> {
    await this.browser.close();
  }

  #log(line: string): void {
    this.logLines.push(`${new Date().toISOString()} ${this.name} ${line}`);
  }
}

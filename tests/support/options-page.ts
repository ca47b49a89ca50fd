// Drives Parley's options page, opened as a tab. It relies only on the page's test hooks.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ConnectionStatus } from './connection-status.ts';
import { requestHost } from './host-requests.ts';
import { waitFor } from './wait.ts';

export interface ServerSettings {
  host: string;
  port: string;
  path: string;
  secure: boolean;
  key: string;
}

/** The user's preferences, as the options page's preferences form edits them. */
export interface PreferencesForm {
  displayName: string;
  notificationsMuted: boolean;
}

export interface IceServerRow {
  url: string;
  username?: string;
  credential?: string;
}

export class OptionsPage {
  readonly page: Page;
  readonly status: ConnectionStatus;
  readonly host: Locator;
  readonly port: Locator;
  readonly path: Locator;
  readonly secure: Locator;
  readonly key: Locator;
  readonly addIceServer: Locator;
  readonly saveButton: Locator;
  readonly settingsStatus: Locator;
  readonly displayName: Locator;
  readonly notificationsMuted: Locator;
  readonly preferencesSave: Locator;

  constructor(page: Page) {
    this.page = page;
    this.status = new ConnectionStatus(page);
    this.host = page.getByTestId('server-host');
    this.port = page.getByTestId('server-port');
    this.path = page.getByTestId('server-path');
    this.secure = page.getByTestId('server-secure');
    this.key = page.getByTestId('server-key');
    this.addIceServer = page.getByTestId('ice-add');
    this.saveButton = page.getByTestId('settings-save');
    this.settingsStatus = page.getByTestId('settings-status');
    this.displayName = page.getByTestId('display-name');
    this.notificationsMuted = page.getByTestId('notifications-muted');
    this.preferencesSave = page.getByTestId('preferences-save');
  }

  static async open(context: BrowserContext, extensionId: string): Promise<OptionsPage> {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/options.html`);
    const options = new OptionsPage(page);
    // The form is filled from storage after the first render; wait until it has a host.
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="server-host"]') as HTMLInputElement | null)
          ?.value !== '',
      undefined,
      { timeout: 10_000 },
    );
    return options;
  }

  /** What the form shows now. */
  async serverSettings(): Promise<ServerSettings> {
    return {
      host: await this.host.inputValue(),
      port: await this.port.inputValue(),
      path: await this.path.inputValue(),
      secure: await this.secure.isChecked(),
      key: await this.key.inputValue(),
    };
  }

  /** Fills in the given server fields and leaves the others as they are; does not save. */
  async fillServer(settings: Partial<ServerSettings>): Promise<void> {
    if (settings.host !== undefined) await this.host.fill(settings.host);
    if (settings.port !== undefined) await this.port.fill(settings.port);
    if (settings.path !== undefined) await this.path.fill(settings.path);
    if (settings.secure !== undefined) await this.secure.setChecked(settings.secure);
    if (settings.key !== undefined) await this.key.fill(settings.key);
  }

  async save(): Promise<void> {
    await this.saveButton.click();
  }

  /** Fills in the given server fields and saves. */
  async saveServer(settings: Partial<ServerSettings>): Promise<void> {
    await this.fillServer(settings);
    await this.save();
  }

  /** Fills in the given preferences, leaves the others as they are, and saves them. */
  async savePreferences(preferences: Partial<PreferencesForm>): Promise<void> {
    if (preferences.displayName !== undefined) await this.displayName.fill(preferences.displayName);
    if (preferences.notificationsMuted !== undefined)
      await this.notificationsMuted.setChecked(preferences.notificationsMuted);
    await this.preferencesSave.click();
  }

  /** Waits until the host holds `preferences` (the form gives no other sign of saving). */
  async waitForSavedPreferences(preferences: Partial<PreferencesForm>): Promise<void> {
    await waitFor(
      `the host to hold the preferences ${JSON.stringify(preferences)}`,
      async () => {
        const saved = (await requestHost(this.page, 'getState', undefined)).preferences;
        const matches = Object.entries(preferences).every(
          ([key, value]) => saved?.[key as keyof PreferencesForm] === value,
        );
        return matches ? true : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  }

  /** The error shown under a field, e.g. `server-host` or `ice-url-0`. */
  fieldError(field: string): Locator {
    return this.page.getByTestId(`error-${field}`);
  }

  iceRow(index: number): { url: Locator; username: Locator; credential: Locator } {
    return {
      url: this.page.getByTestId(`ice-url-${index}`),
      username: this.page.getByTestId(`ice-username-${index}`),
      credential: this.page.getByTestId(`ice-credential-${index}`),
    };
  }

  /** The URL inputs of all ICE server rows, in order. */
  iceUrls(): Locator {
    return this.page.locator('[data-testid^="ice-url-"]');
  }

  /** Adds an ICE server row and fills it in; does not save. Returns the row's index. */
  async fillIceServer(row: IceServerRow): Promise<number> {
    const index = await this.iceUrls().count();
    await this.addIceServer.click();
    const fields = this.iceRow(index);
    await fields.url.fill(row.url);
    if (row.username !== undefined) await fields.username.fill(row.username);
    if (row.credential !== undefined) await fields.credential.fill(row.credential);
    return index;
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

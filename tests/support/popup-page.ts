// Drives Parley's popup, opened as a tab: a real popup cannot be opened headless, and the
// view is the same page either way. It relies only on the popup's test hooks.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ConnectionStatus } from './connection-status.ts';
import { ContactList } from './contact-list.ts';
import { ConversationView } from './conversation-view.ts';
import { OptionsPage } from './options-page.ts';
import { waitFor } from './wait.ts';

export type Presence = 'checking' | 'online' | 'offline' | 'error';

export class PopupPage {
  readonly page: Page;
  readonly status: ConnectionStatus;
  readonly ownPeerId: Locator;
  readonly peerIdInput: Locator;
  readonly checkButton: Locator;
  readonly presence: Locator;
  readonly copyButton: Locator;
  readonly settings: Locator;
  readonly contacts: ContactList;
  readonly showQr: Locator;
  readonly ownQr: Locator;

  constructor(page: Page) {
    this.page = page;
    this.status = new ConnectionStatus(page);
    this.ownPeerId = page.getByTestId('own-peer-id');
    this.peerIdInput = page.getByTestId('peer-id-input');
    this.checkButton = page.getByTestId('peer-check');
    this.presence = page.getByTestId('peer-presence');
    this.copyButton = page.getByRole('button', { name: 'Copy your peer ID' });
    this.settings = page
      .getByRole('link', { name: 'Settings' })
      .or(page.getByRole('button', { name: 'Settings' }));
    this.contacts = new ContactList(page);
    this.showQr = page.getByTestId('show-qr');
    this.ownQr = page.getByTestId('own-qr');
  }

  static async open(context: BrowserContext, extensionId: string): Promise<PopupPage> {
    const page = await context.newPage();
    await page.setViewportSize({ width: 400, height: 600 });
    await page.goto(`chrome-extension://${extensionId}/popup.html`);
    return new PopupPage(page);
  }

  /**
   * Resizes the tab to about the size Chrome gives the popup: the content's extent plus the
   * same margin again on the far side, at most 800 x 600. Screenshots then show what a user
   * sees, without a tab's empty space.
   */
  async sizeLikeAPopup(): Promise<void> {
    await this.page.setViewportSize({ width: 800, height: 600 });
    const size = await this.page.evaluate(() => {
      // Leaves only: containers such as the mount point stretch to the window's width.
      const rects = [...document.body.querySelectorAll('*')]
        .filter((element) => element.childElementCount === 0)
        .map((element) => element.getBoundingClientRect())
        .filter((rect) => rect.width > 0 && rect.height > 0);
      const left = Math.min(...rects.map((rect) => rect.left));
      const top = Math.min(...rects.map((rect) => rect.top));
      const right = Math.max(...rects.map((rect) => rect.right));
      const bottom = Math.max(...rects.map((rect) => rect.bottom));
      return { width: Math.ceil(right + left), height: Math.ceil(bottom + top) };
    });
    await this.page.setViewportSize({
      width: Math.min(800, Math.max(25, size.width)),
      height: Math.min(600, Math.max(25, size.height)),
    });
  }

  /** The user's own peer ID, once the host has one (it has one even while offline). */
  async peerId(timeoutMs = 15_000): Promise<string> {
    return waitFor(
      'the popup to show its own peer ID',
      async () => {
        const text = (await this.ownPeerId.textContent({ timeout: 1_000 }))?.trim();
        return text ? text : undefined;
      },
      { timeoutMs },
    );
  }

  /**
   * Asks whether `peerId` is online and returns the answer. An absent peer takes up to
   * ~10 s to report: the PeerServer expires an unanswered offer only after 5 s.
   */
  async checkPeer(peerId: string, timeoutMs = 20_000): Promise<Presence> {
    await this.peerIdInput.fill(peerId);
    await this.checkButton.click();
    return waitFor(
      `the presence of ${peerId}`,
      async () => {
        const presence = await this.presence.getAttribute('data-presence', { timeout: 1_000 });
        return presence && presence !== 'checking' ? (presence as Presence) : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Follows the Settings link, whether it opens a new tab or navigates this one. */
  async openSettings(): Promise<OptionsPage> {
    const context = this.page.context();
    const newTab = context.waitForEvent('page', { timeout: 10_000 }).catch(() => undefined);
    await this.settings.click();
    const target = await Promise.race([
      newTab,
      this.page.waitForURL(/\/options\.html/, { timeout: 10_000 }).then(() => this.page),
    ]);
    if (!target) throw new Error('Clicking Settings opened nothing.');
    await target.waitForLoadState();
    return new OptionsPage(target);
  }

  /** The conversation with `peerId`, whether or not it is on screen yet. */
  conversation(peerId: string): ConversationView {
    return new ConversationView(this.page, peerId);
  }

  /**
   * Goes back to the contact list if a conversation is on screen, and waits for it. The
   * view may be on its way back by itself (after a block or a removal): no matter.
   */
  async showContacts(): Promise<void> {
    // A tab in the background gets no animation frames, and clicks wait for them.
    await this.page.bringToFront();
    const back = this.page.getByTestId('back');
    let last = 'nothing tried';
    await waitFor(
      'the popup to show the contact list',
      async () => {
        if (await this.contacts.idInput.isVisible()) return true;
        if (!(await back.isVisible())) last = 'neither the list nor a back button is visible';
        else
          await back.click({ timeout: 1_000 }).then(
            () => (last = 'clicked back'),
            (error: Error) => (last = `clicking back failed: ${error.message.split('\n')[0]}`),
          );
        return undefined;
      },
      { timeoutMs: 5_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last: ${last}`, { cause: error });
    });
  }

  /** Clicks an accepted contact in the list and waits for its conversation to show. */
  async openConversation(peerId: string): Promise<ConversationView> {
    await this.showContacts();
    await this.contacts.open(peerId);
    return this.conversation(peerId).waitUntilShown();
  }

  /** The warning marker beside `peerId` in the contact list (shown while an identity alarm stands). */
  contactAlarm(peerId: string): Locator {
    return this.contacts.item(peerId).getByTestId('contact-alarm');
  }

  /** The verified mark beside `peerId` in the contact list. */
  contactVerifiedMark(peerId: string): Locator {
    return this.contacts.item(peerId).getByTestId('verified-mark');
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

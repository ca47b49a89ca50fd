// What the views show of identities (issue #6): the alarm in a conversation and on a
// contact's entry, the verified mark, and the verify panel with the safety number and the
// code check. It relies only on the views' `data-testid` hooks.
import type { Locator, Page } from 'playwright-core';
import type { IdentityAlarm } from '../../lib/contacts/contact.ts';
import { waitFor } from './wait.ts';

export class IdentityViews {
  readonly page: Page;
  /** The conversation's warning, of any kind. */
  readonly alarm: Locator;
  readonly acceptNewKey: Locator;
  readonly openVerify: Locator;
  readonly verifyPanel: Locator;
  readonly safetyNumber: Locator;
  readonly ownQr: Locator;
  readonly codeInput: Locator;
  readonly checkCode: Locator;
  readonly markVerified: Locator;
  readonly unmarkVerified: Locator;

  constructor(page: Page) {
    this.page = page;
    // One conversation is on screen at a time, so its warning and panel are unique.
    this.alarm = page.getByTestId('identity-alarm');
    this.acceptNewKey = page.getByTestId('accept-new-key');
    this.openVerify = page.getByTestId('open-verify');
    this.verifyPanel = page.getByTestId('verify-panel');
    this.safetyNumber = this.verifyPanel.getByTestId('safety-number');
    this.ownQr = this.verifyPanel.getByTestId('own-verification-qr');
    this.codeInput = this.verifyPanel.getByTestId('verification-code');
    this.checkCode = this.verifyPanel.getByTestId('check-verification-code');
    this.markVerified = this.verifyPanel.getByTestId('mark-verified');
    this.unmarkVerified = this.verifyPanel.getByTestId('unmark-verified');
  }

  /** The conversation's warning of `kind`, an alert. */
  alarmOf(kind: IdentityAlarm['kind']): Locator {
    return this.page.locator(`[data-testid="identity-alarm"][data-kind="${kind}"]`);
  }

  /** The warning on `peerId`'s entry in the contact list. */
  contactAlarm(peerId: string): Locator {
    return this.#contactItem(peerId).getByTestId('contact-alarm');
  }

  /** The verified mark on `peerId`'s entry in the contact list. */
  contactVerifiedMark(peerId: string): Locator {
    return this.#contactItem(peerId).getByTestId('verified-mark');
  }

  /** The verified mark in the header of the conversation with `peerId`. */
  conversationVerifiedMark(peerId: string): Locator {
    return this.page
      .locator(`[data-testid="conversation"][data-peer-id="${peerId}"]`)
      .getByTestId('verified-mark');
  }

  /** Opens the verify panel of the conversation on screen, if it is not open yet. */
  async openVerifyPanel(): Promise<void> {
    await this.page.bringToFront();
    if (await this.verifyPanel.isVisible()) return;
    await this.openVerify.click();
    await this.verifyPanel.waitFor({ state: 'visible' });
  }

  /** The safety number the open panel shows: its digits in groups, spacing normalized. */
  async shownSafetyNumber(): Promise<string> {
    return waitFor('the verify panel to show a safety number', async () => {
      const text = (await this.safetyNumber.textContent({ timeout: 1_000 })) ?? '';
      const groups = text.match(/\d{5}/g) ?? [];
      return groups.length === 12 ? groups.join(' ') : undefined;
    });
  }

  /** Pastes `code` into the panel's code field and checks it. */
  async checkVerificationCode(code: string): Promise<void> {
    await this.openVerifyPanel();
    await this.codeInput.fill(code);
    await this.checkCode.click();
  }

  /** What the panel says of a refused code: its alert, the only one in the panel. */
  get codeRefusal(): Locator {
    return this.verifyPanel.getByRole('alert');
  }

  #contactItem(peerId: string): Locator {
    return this.page.locator(`[data-testid="contact"][data-peer-id="${peerId}"]`);
  }
}

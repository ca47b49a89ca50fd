// One conversation as the popup or the full-page view shows it: its messages, the
// composer and the contact's actions. It relies only on the views' `data-testid` hooks.
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './wait.ts';

/** Outgoing: sending | sent | delivered | read. Incoming: received | read. */
export type ShownState = 'sending' | 'sent' | 'delivered' | 'read' | 'received';

/** One message as the view shows it. */
export interface ShownMessage {
  id: string;
  direction: string;
  state: string;
  text: string;
}

/** Outgoing states in the order they are reached. */
const OUTGOING_ORDER: readonly string[] = ['sending', 'sent', 'delivered', 'read'];

/** Whether an outgoing `state` is `least` or later. */
export function hasReached(state: string, least: ShownState): boolean {
  const at = OUTGOING_ORDER.indexOf(state);
  return at >= 0 && at >= OUTGOING_ORDER.indexOf(least);
}

export class ConversationView {
  readonly page: Page;
  readonly peerId: string;
  readonly root: Locator;
  readonly messages: Locator;
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly sendError: Locator;
  readonly back: Locator;
  readonly rename: Locator;
  readonly renameInput: Locator;
  readonly removeContact: Locator;
  readonly confirmRemove: Locator;
  readonly blockContact: Locator;
  readonly openFullPage: Locator;
  /** The identity warning (`data-kind`: key-changed | handshake-failed). */
  readonly identityAlarm: Locator;
  readonly acceptNewKeyButton: Locator;
  /** The verified mark beside the name in the conversation's header. */
  readonly verifiedMark: Locator;
  readonly openVerify: Locator;
  /** The verification panel: a modal dialog, outside the conversation's section. */
  readonly verifyPanel: Locator;

  constructor(page: Page, peerId: string) {
    this.page = page;
    this.peerId = peerId;
    this.root = page.locator(`[data-testid="conversation"][data-peer-id="${peerId}"]`);
    this.messages = this.root.getByTestId('message');
    // One conversation is on screen at a time, so its controls are unique in the page.
    this.composer = page.getByTestId('composer');
    this.sendButton = page.getByTestId('send');
    this.sendError = page.getByTestId('send-error');
    this.back = page.getByTestId('back');
    this.rename = page.getByTestId('rename');
    this.renameInput = page.getByTestId('rename-input');
    this.removeContact = page.getByTestId('remove-contact');
    this.confirmRemove = page.getByTestId('confirm-remove');
    this.blockContact = page.getByTestId('block-contact');
    this.openFullPage = page.getByTestId('open-full-page');
    this.identityAlarm = this.root.getByTestId('identity-alarm');
    this.acceptNewKeyButton = this.root.getByTestId('accept-new-key');
    this.verifiedMark = this.root
      .getByTestId('conversation-name')
      .locator('..')
      .getByTestId('verified-mark');
    this.openVerify = this.root.getByTestId('open-verify');
    this.verifyPanel = page.getByTestId('verify-panel');
  }

  /** The kind of identity warning shown, or null when there is none. */
  async alarmKind(): Promise<string | null> {
    if ((await this.identityAlarm.count()) === 0) return null;
    return this.identityAlarm.getAttribute('data-kind');
  }

  /** Accepts the contact's new identity key from the warning; waits for the warning to go. */
  async acceptNewKey(timeoutMs = 10_000): Promise<void> {
    await this.acceptNewKeyButton.click();
    await this.identityAlarm.waitFor({ state: 'detached', timeout: timeoutMs });
  }

  /** Opens the verification panel from the header and waits for it. */
  async openVerifyPanel(): Promise<Locator> {
    if (!(await this.verifyPanel.isVisible())) await this.openVerify.click();
    await this.verifyPanel.waitFor({ state: 'visible', timeout: 5_000 });
    return this.verifyPanel;
  }

  /** Closes the verification panel with its Close button. */
  async closeVerifyPanel(): Promise<void> {
    await this.verifyPanel.getByTestId('close-verify').click();
    await this.verifyPanel.waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** The safety number the panel shows ("12345 67890 …"), or null with no key pinned yet. */
  async safetyNumber(): Promise<string | null> {
    const panel = await this.openVerifyPanel();
    return panel.getByTestId('safety-number').getAttribute('data-number');
  }

  /** This side's own verification code (`parley-verify:1:…`), as the panel shows it. */
  async ownVerificationCode(): Promise<string> {
    const panel = await this.openVerifyPanel();
    return (await panel.getByTestId('own-verification-code').textContent())?.trim() ?? '';
  }

  /**
   * Gives the panel a picture of the contact's verification QR code, as a user picks a
   * photo or screenshot of it; returns what the code field then holds.
   */
  async scanVerificationQr(png: Buffer): Promise<string> {
    const panel = await this.openVerifyPanel();
    const field = panel.getByTestId('verification-code');
    await field.fill('');
    await panel
      .getByTestId('verification-qr-file')
      .setInputFiles({ name: 'their-code.png', mimeType: 'image/png', buffer: png });
    return waitFor(
      'the code read from the QR image',
      async () => {
        const error = panel.getByTestId('verify-error');
        if (await error.isVisible()) throw new Error(`not read: ${await error.textContent()}`);
        return (await field.inputValue()) || undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  }

  /**
   * Pastes `code` (the contact's verification code) into the panel and checks it. Returns
   * the sentence shown: `ok` when it came as a status, not as an error.
   */
  async checkVerificationCode(code: string): Promise<{ ok: boolean; text: string }> {
    const panel = await this.openVerifyPanel();
    const status = panel.getByTestId('verify-status');
    const error = panel.getByTestId('verify-error');
    await panel.getByTestId('verification-code').fill(code);
    await panel.getByTestId('check-verification-code').click();
    return waitFor(
      'the result of checking the verification code',
      async () => {
        if (await error.isVisible()) return { ok: false, text: (await error.textContent()) ?? '' };
        const text = (await status.textContent())?.trim();
        return text ? { ok: true, text } : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  }

  /** Marks the contact verified, or takes the mark back, from the panel; waits for it. */
  async setVerified(verified: boolean): Promise<void> {
    const panel = await this.openVerifyPanel();
    await panel.getByTestId(verified ? 'mark-verified' : 'unmark-verified').click();
    await panel
      .getByTestId(verified ? 'unmark-verified' : 'mark-verified')
      .waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** Waits until this conversation is on screen. */
  async waitUntilShown(timeoutMs = 10_000): Promise<this> {
    await this.root.waitFor({ state: 'visible', timeout: timeoutMs });
    return this;
  }

  /** Every message shown, in the order shown, read in one go. */
  async shown(): Promise<ShownMessage[]> {
    if ((await this.root.count()) === 0) return [];
    return this.root.evaluate(readMessages);
  }

  /** Types `text` into the composer and sends it with Enter or the Send button. */
  async send(text: string, via: 'enter' | 'button' = 'enter'): Promise<void> {
    // A tab in the background gets no animation frames, and clicks wait for them.
    await this.page.bringToFront();
    await this.composer.fill(text);
    if (via === 'enter') await this.composer.press('Enter');
    else await this.sendButton.click();
  }

  /**
   * Sends `text` and waits for it to show as an outgoing message; returns it. The text
   * must be unique in the conversation.
   */
  async sendAndShow(text: string, via: 'enter' | 'button' = 'enter'): Promise<ShownMessage> {
    await this.send(text, via);
    return this.waitForMessage(text, 'out');
  }

  /** Waits until a message with exactly `text` shows (in `direction`, if given). */
  async waitForMessage(
    text: string,
    direction?: 'in' | 'out',
    timeoutMs = 10_000,
  ): Promise<ShownMessage> {
    return this.#waitFor(
      `message ${JSON.stringify(text.slice(0, 60))}${direction ? ` (${direction})` : ''}`,
      (messages) =>
        messages.find((m) => m.text === text && (!direction || m.direction === direction)),
      timeoutMs,
    );
  }

  /** Waits until message `id` shows in one of `states`, and returns it. */
  async waitForState(
    id: string,
    states: ShownState | ShownState[],
    timeoutMs = 10_000,
  ): Promise<ShownMessage> {
    const wanted: string[] = Array.isArray(states) ? states : [states];
    return this.#waitFor(
      `message ${id} to be ${wanted.join(' or ')}`,
      (messages) => messages.find((m) => m.id === id && wanted.includes(m.state)),
      timeoutMs,
    );
  }

  /** Waits until outgoing message `id` has reached `least` (or a later state). */
  async waitForAtLeast(id: string, least: ShownState, timeoutMs = 10_000): Promise<ShownMessage> {
    return this.#waitFor(
      `message ${id} to be ${least} or later`,
      (messages) => messages.find((m) => m.id === id && hasReached(m.state, least)),
      timeoutMs,
    );
  }

  /** Renames the contact: opens the rename field, types the name and presses Enter. */
  async renameTo(nickname: string): Promise<void> {
    await this.rename.click();
    await this.renameInput.fill(nickname);
    await this.renameInput.press('Enter');
  }

  async #waitFor<T>(
    what: string,
    pick: (messages: ShownMessage[]) => T | undefined,
    timeoutMs: number,
  ): Promise<T> {
    let last: ShownMessage[] = [];
    try {
      return await waitFor(
        what,
        async () => {
          last = await this.shown();
          return pick(last);
        },
        { timeoutMs, intervalMs: 100 },
      );
    } catch (error) {
      const tail = last.slice(-5).map((m) => ({ ...m, text: m.text.slice(0, 60) }));
      throw new Error(
        `${(error as Error).message}; last ${tail.length} of ${last.length} shown: ${JSON.stringify(tail)}`,
        { cause: error },
      );
    }
  }
}

/**
 * Every message in the conversation `root`, in order. Runs in the page (Playwright's or
 * Puppeteer's evaluate), so it uses nothing from outside its own body.
 */
export function readMessages(root: Element): ShownMessage[] {
  return [...root.querySelectorAll('[data-testid="message"]')].map((message) => ({
    id: message.getAttribute('data-message-id') ?? '',
    direction: message.getAttribute('data-direction') ?? '',
    state: message.getAttribute('data-state') ?? '',
    text: message.querySelector('[data-testid="message-text"]')?.textContent ?? '',
  }));
}

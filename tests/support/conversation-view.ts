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

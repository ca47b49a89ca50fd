// The contact list and the add-contact form, as the popup and the full-page view show
// them. It relies only on the views' `data-testid` hooks and accessible names.
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './wait.ts';

export type ContactStatus = 'outgoing' | 'incoming' | 'accepted' | 'blocked';

/** One contact as the list shows it. */
export interface ShownContact {
  peerId: string;
  status: string | null;
  online: boolean;
  name: string;
  /** The unread count shown, 0 when none is shown. */
  unread: number;
}

export class ContactList {
  readonly page: Page;
  readonly idInput: Locator;
  readonly nicknameInput: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly items: Locator;

  constructor(page: Page) {
    this.page = page;
    this.idInput = page.getByTestId('add-contact-id');
    this.nicknameInput = page.getByTestId('add-contact-nickname');
    this.submit = page.getByTestId('add-contact-submit');
    this.error = page.getByTestId('add-contact-error');
    this.items = page.getByTestId('contact');
  }

  /** The list item for `peerId` (peer IDs hold only letters, digits, space, _ and -). */
  item(peerId: string): Locator {
    return this.page.locator(`[data-testid="contact"][data-peer-id="${peerId}"]`);
  }

  /** Fills in the add-contact form and submits it; does not wait for the outcome. */
  async add(peerId: string, nickname = ''): Promise<void> {
    await this.idInput.fill(peerId);
    await this.nicknameInput.fill(nickname);
    await this.submit.click();
  }

  /** Every contact shown, in the order shown, read in one go. */
  async shown(): Promise<ShownContact[]> {
    return this.page.evaluate(readContacts);
  }

  /** The contact `peerId` as shown now, or undefined if the list does not show it. */
  async find(peerId: string): Promise<ShownContact | undefined> {
    return (await this.shown()).find((contact) => contact.peerId === peerId);
  }

  /**
   * Waits until the list shows `peerId` matching `wanted` (any field left out is not
   * checked), and returns it. The error says what was shown last.
   */
  async waitFor(
    peerId: string,
    wanted: Partial<Omit<ShownContact, 'peerId'>>,
    timeoutMs = 10_000,
  ): Promise<ShownContact> {
    let last: ShownContact | undefined;
    try {
      return await waitFor(
        `contact ${peerId} to show ${JSON.stringify(wanted)}`,
        async () => {
          last = await this.find(peerId);
          if (!last) return undefined;
          const matches = Object.entries(wanted).every(
            ([key, value]) => last![key as keyof ShownContact] === value,
          );
          return matches ? last : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    } catch (error) {
      const shown = last ? JSON.stringify(last) : 'no such contact';
      throw new Error(`${(error as Error).message}; last shown: ${shown}`, { cause: error });
    }
  }

  /** Waits until the list no longer shows `peerId`. */
  async waitForGone(peerId: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(
      `contact ${peerId} to leave the list`,
      async () => ((await this.find(peerId)) ? undefined : true),
      { timeoutMs },
    );
  }

  async accept(peerId: string): Promise<void> {
    await this.item(peerId).getByTestId('accept-request').click();
  }

  async blockRequest(peerId: string): Promise<void> {
    await this.item(peerId).getByTestId('block-request').click();
  }

  /** The control that lifts a block: a named hook if the view has one, else by its name. */
  unblockButton(peerId: string): Locator {
    const item = this.item(peerId);
    return item
      .getByTestId('unblock-contact')
      .or(item.getByRole('button', { name: /unblock/i }))
      .first();
  }

  /** Opens the conversation with an accepted contact, as a click on its entry does. */
  async open(peerId: string): Promise<void> {
    await this.item(peerId).getByTestId('contact-name').click();
  }
}

/**
 * Every contact the page shows, in order. Runs in the page (Playwright's or Puppeteer's
 * evaluate), so it uses nothing from outside its own body.
 */
export function readContacts(): ShownContact[] {
  return [...document.querySelectorAll('[data-testid="contact"]')].map((item) => {
    const unread = item.querySelector('[data-testid="contact-unread"]');
    const unreadText = unread?.checkVisibility() ? (unread.textContent ?? '').trim() : '';
    return {
      peerId: item.getAttribute('data-peer-id') ?? '',
      status: item.getAttribute('data-status'),
      online: item.getAttribute('data-online') === 'true',
      name: (item.querySelector('[data-testid="contact-name"]')?.textContent ?? '').trim(),
      unread: unreadText ? Number(unreadText) : 0,
    };
  });
}

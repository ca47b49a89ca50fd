// The full-page chat view, `chat.html#<peerId>`: the same hooks as the popup's
// conversation, in a tab of its own.
import type { BrowserContext, Page } from 'playwright-core';
import { ConnectionStatus } from './connection-status.ts';
import { ContactList } from './contact-list.ts';
import { ConversationView } from './conversation-view.ts';

export class ChatPage {
  readonly page: Page;
  readonly peerId: string;
  readonly status: ConnectionStatus;
  readonly contacts: ContactList;
  readonly conversation: ConversationView;

  constructor(page: Page, peerId: string) {
    this.page = page;
    this.peerId = peerId;
    this.status = new ConnectionStatus(page);
    this.contacts = new ContactList(page);
    this.conversation = new ConversationView(page, peerId);
  }

  /** Opens the full-page view of the conversation with `peerId` by its URL. */
  static async open(
    context: BrowserContext,
    extensionId: string,
    peerId: string,
  ): Promise<ChatPage> {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/chat.html#${peerId}`);
    const chat = new ChatPage(page, peerId);
    await chat.conversation.waitUntilShown();
    return chat;
  }

  /**
   * Clicks `[data-testid="open-full-page"]` in `from` and returns the tab it opens,
   * once that tab shows the conversation with `peerId`.
   */
  static async openFrom(from: Page, peerId: string): Promise<ChatPage> {
    const opened = from.context().waitForEvent('page', { timeout: 10_000 });
    await from.getByTestId('open-full-page').click();
    const page = await opened;
    await page.waitForLoadState();
    const chat = new ChatPage(page, peerId);
    await chat.conversation.waitUntilShown();
    return chat;
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

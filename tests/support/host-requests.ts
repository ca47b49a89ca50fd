// Asks the peer host directly, over the views' own channel (docs/protocol.md, "Views ↔
// host"), from any extension page. Tests use it mostly to check what the host has stored (a
// message that must never arrive, a duplicate the view might hide); where the view under
// test is another one (a call page, Firefox without a page object for a control), or to
// clean up after a failed test, they also send the same intents a view would.
import type { ChatMessage } from '../../lib/chat/chat-message.ts';
import type { ContactSummary } from '../../lib/contacts/contact.ts';
import {
  HOST_CHANNEL,
  type HostMethod,
  type ParamsOf,
  type ResultOf,
} from '../../lib/protocol/host-protocol.ts';

/**
 * An extension page, as Playwright (Chromium) or Puppeteer (Firefox) drives it: all the
 * requests need is to run a function in it.
 */
export interface ExtensionPage {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

/** Sends one request as a view would and returns the host's result; throws its error. */
export async function requestHost<M extends HostMethod>(
  page: ExtensionPage,
  method: M,
  params: ParamsOf<M>,
  timeoutMs = 5_000,
): Promise<ResultOf<M>> {
  const result = await page.evaluate(
    async ({ channelName, method, params, timeoutMs }) => {
      const channel = new BroadcastChannel(channelName);
      const id = crypto.randomUUID();
      try {
        return await new Promise<{ ok: boolean; result?: unknown; error?: string }>((resolve) => {
          const timer = setTimeout(
            () => resolve({ ok: false, error: `no answer in ${timeoutMs} ms` }),
            timeoutMs,
          );
          channel.onmessage = (event: MessageEvent) => {
            const message = event.data as {
              kind?: string;
              id?: string;
              ok?: boolean;
              result?: unknown;
              error?: string;
            } | null;
            if (message?.kind !== 'response' || message.id !== id) return;
            clearTimeout(timer);
            resolve({ ok: message.ok === true, result: message.result, error: message.error });
          };
          channel.postMessage({ kind: 'request', id, method, params });
        });
      } finally {
        channel.close();
      }
    },
    { channelName: HOST_CHANNEL, method, params, timeoutMs },
  );
  if (!result.ok) throw new Error(`The host answered ${method} with: ${result.error}`);
  return result.result as ResultOf<M>;
}

/**
 * Every message the host has stored of the conversation with `peerId`, oldest first;
 * [] when it keeps none (a host may refuse to list a stranger's conversation).
 */
export async function storedMessages(page: ExtensionPage, peerId: string): Promise<ChatMessage[]> {
  return requestHost(page, 'getConversation', { peerId, limit: 10_000 }).catch(() => []);
}

/** The host's record of `peerId` as a contact, or undefined if it has none. */
export async function storedContact(
  page: ExtensionPage,
  peerId: string,
): Promise<ContactSummary | undefined> {
  const state = await requestHost(page, 'getState', undefined);
  return state.contacts.find((contact) => contact.peerId === peerId);
}

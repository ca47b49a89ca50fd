import type { browser as WxtBrowser } from 'wxt/browser';

/**
 * What the host asks of the browser's UI: the toolbar badge, notifications, saved files. Chrome's
 * offscreen document cannot use those APIs, so there the host sends these requests to
 * the service worker as runtime messages; Firefox's background page applies them itself.
 */
export type PlatformRequest =
  | {
      type: 'parley:platform';
      op: 'badge';
      count: number;
      /** A call rings in: the badge says so, in its own colour, whatever the count. */
      ringing?: boolean;
    }
  | {
      type: 'parley:platform';
      op: 'notify';
      /** Also the key that replaces an earlier notification of the same conversation. */
      id: string;
      title: string;
      message: string;
      /**
       * Buttons (Chrome only: Firefox has none, and refuses the option). Their clicks reach
       * the service worker's notifications.onButtonClicked by index.
       */
      buttons?: string[];
      /** Stays until the user acts (Chrome; Firefox ignores it), as a ringing call should. */
      requireInteraction?: boolean;
    }
  | { type: 'parley:platform'; op: 'clear-notification'; id: string }
  /** Shows a file Parley saved in its folder. */
  | { type: 'parley:platform'; op: 'show-download'; downloadId: number }
  /** Opens the call page of this call in a new tab (Chrome's offscreen document has no tabs). */
  | { type: 'parley:platform'; op: 'open-call'; callId: string };

export function isPlatformRequest(message: unknown): message is PlatformRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'parley:platform'
  );
}

/** Notification IDs are `parley:message:<peerId>`, so a click knows which conversation. */
export const MESSAGE_NOTIFICATION_PREFIX = 'parley:message:';

/**
 * A ringing call's notification is `parley:call:<callId>:<peerId>`: a button knows which
 * call to answer, a click which conversation to open (a call id is a 36-character UUID).
 */
export const CALL_NOTIFICATION_PREFIX = 'parley:call:';

export function callNotificationId(callId: string, peerId: string): string {
  return `${CALL_NOTIFICATION_PREFIX}${callId}:${peerId}`;
}

/** The call and contact a call notification is about, or null for any other id. */
export function parseCallNotificationId(id: string): { callId: string; peerId: string } | null {
  if (!id.startsWith(CALL_NOTIFICATION_PREFIX)) return null;
  const rest = id.slice(CALL_NOTIFICATION_PREFIX.length);
  const callId = rest.slice(0, 36);
  const peerId = rest.slice(37);
  return rest[36] === ':' && peerId ? { callId, peerId } : null;
}

/** The conversation a Parley notification is about (a message's, or a call's), if any. */
export function conversationOfNotification(id: string): string | null {
  if (id.startsWith(MESSAGE_NOTIFICATION_PREFIX))
    return id.slice(MESSAGE_NOTIFICATION_PREFIX.length) || null;
  return parseCallNotificationId(id)?.peerId ?? null;
}

/** The call page's address: its call id is the hash. */
export function callPageUrl(browser: Browser, callId: string): string {
  return `${browser.runtime.getURL('/call.html')}#${encodeURIComponent(callId)}`;
}

/** The badge while a call rings in: short, and green like "answer". */
export const RINGING_BADGE = { text: 'call', color: '#1a7f37' } as const;

type Browser = typeof WxtBrowser;

/** The toolbar button's API: `action` in MV3, `browserAction` in Firefox's MV2. */
function toolbar(browser: Browser): Browser['action'] {
  return (
    browser.action ?? (browser as unknown as { browserAction: Browser['action'] }).browserAction
  );
}

/** Carries out a platform request with the extension APIs of this context. */
export async function applyPlatformRequest(
  browser: Browser,
  request: PlatformRequest,
): Promise<void> {
  switch (request.op) {
    case 'badge': {
      if (request.ringing) {
        await toolbar(browser).setBadgeText({ text: RINGING_BADGE.text });
        await toolbar(browser).setBadgeBackgroundColor({ color: RINGING_BADGE.color });
        return;
      }
      const count = Math.max(0, Math.floor(request.count));
      await toolbar(browser).setBadgeText({
        text: count === 0 ? '' : count > 99 ? '99+' : String(count),
      });
      await toolbar(browser).setBadgeBackgroundColor({ color: '#2456d6' });
      return;
    }
    case 'notify':
      await browser.notifications.create(request.id, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title: request.title,
        message: request.message,
        ...(request.buttons && import.meta.env.BROWSER !== 'firefox'
          ? { buttons: request.buttons.map((title) => ({ title })) }
          : {}),
        ...(request.requireInteraction && import.meta.env.BROWSER !== 'firefox'
          ? { requireInteraction: true }
          : {}),
      });
      return;
    case 'clear-notification':
      await browser.notifications.clear(request.id);
      return;
    case 'show-download':
      browser.downloads.show(request.downloadId);
      return;
    case 'open-call':
      await browser.tabs.create({ url: callPageUrl(browser, request.callId) });
      return;
  }
}

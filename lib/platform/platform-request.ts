import type { browser as WxtBrowser } from 'wxt/browser';

/**
 * What the host asks of the browser's UI: the toolbar badge, notifications, saved files. Chrome's
 * offscreen document cannot use those APIs, so there the host sends these requests to
 * the service worker as runtime messages; Firefox's background page applies them itself.
 */
export type PlatformRequest =
  | { type: 'parley:platform'; op: 'badge'; count: number }
  | {
      type: 'parley:platform';
      op: 'notify';
      /** Also the key that replaces an earlier notification of the same conversation. */
      id: string;
      title: string;
      message: string;
    }
  | { type: 'parley:platform'; op: 'clear-notification'; id: string }
  /** Shows a file Parley saved in its folder. */
  | { type: 'parley:platform'; op: 'show-download'; downloadId: number };

export function isPlatformRequest(message: unknown): message is PlatformRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'parley:platform'
  );
}

/** Notification IDs are `parley:message:<peerId>`, so a click knows which conversation. */
export const MESSAGE_NOTIFICATION_PREFIX = 'parley:message:';

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
      });
      return;
    case 'clear-notification':
      await browser.notifications.clear(request.id);
      return;
    case 'show-download':
      browser.downloads.show(request.downloadId);
      return;
  }
}

import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { chromeOffscreenApi, OffscreenHost, OFFSCREEN_PATH } from '../lib/chrome/offscreen-host.ts';
import { startPeerHost } from '../lib/host/start-peer-host.ts';
import {
  applyPlatformRequest,
  isPlatformRequest,
  MESSAGE_NOTIFICATION_PREFIX,
} from '../lib/platform/platform-request.ts';
import { answerDownloadRequest, isDownloadRequest } from '../lib/platform/downloads.ts';
import { isEnsureHostMessage } from '../lib/protocol/host-protocol.ts';
import { logger } from '../lib/log.ts';

const WATCHDOG_ALARM = 'parley:host-watchdog';

/** Chrome MV3: the service worker only keeps the offscreen document (the host) alive. */
function superviseOffscreenHost(): void {
  const host = new OffscreenHost(
    chromeOffscreenApi(browser),
    browser.runtime.getURL(OFFSCREEN_PATH as '/offscreen.html'),
  );
  const ensure = () =>
    host
      .ensure()
      .catch((error: unknown) => logger.error('host-ensure-failed', { error: String(error) }));

  browser.runtime.onStartup.addListener(ensure);
  browser.runtime.onInstalled.addListener(ensure);
  // Answers whether the host is (now) up, so a view can tell a failure from success.
  browser.runtime.onMessage.addListener((message) => {
    // The offscreen host cannot reach the badge or notifications; it asks us.
    if (isPlatformRequest(message)) return applyPlatformRequest(browser, message).then(() => true);
    // Nor the downloads API: it asks us to save a verified file from its blob URL.
    if (isDownloadRequest(message)) return answerDownloadRequest(browser, message);
    if (!isEnsureHostMessage(message)) return undefined;
    return host.ensure().then(
      () => true,
      (error: unknown) => {
        logger.error('host-ensure-failed', { error: String(error) });
        return false;
      },
    );
  });
  // The watchdog brings the host back even when no view asks, e.g. after a crash.
  void browser.alarms.create(WATCHDOG_ALARM, { periodInMinutes: 0.5 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === WATCHDOG_ALARM) void ensure();
  });
  void ensure();
}

/** Firefox MV2: the persistent background page is the host itself. */
function runHostHere(): void {
  browser.runtime.onMessage.addListener((message) =>
    isEnsureHostMessage(message) ? Promise.resolve(true) : undefined,
  );
  startPeerHost().catch((error: unknown) =>
    logger.error('host-start-failed', { error: String(error) }),
  );
}

/** A click on a message notification opens that conversation in the full-page view. */
function openConversationsOnNotificationClick(): void {
  browser.notifications.onClicked.addListener((id) => {
    if (!id.startsWith(MESSAGE_NOTIFICATION_PREFIX)) return;
    const peerId = id.slice(MESSAGE_NOTIFICATION_PREFIX.length);
    void browser.notifications.clear(id);
    void browser.tabs.create({
      url: `${browser.runtime.getURL('/chat.html')}#${encodeURIComponent(peerId)}`,
    });
  });
}

export default defineBackground({
  persistent: { firefox: true },
  main() {
    openConversationsOnNotificationClick();
    if (import.meta.env.BROWSER === 'firefox') runHostHere();
    else superviseOffscreenHost();
  },
});

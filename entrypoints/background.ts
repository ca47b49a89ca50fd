import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { chromeOffscreenApi, OffscreenHost, OFFSCREEN_PATH } from '../lib/chrome/offscreen-host.ts';
import { startPeerHost } from '../lib/host/start-peer-host.ts';
import {
  applyPlatformRequest,
  conversationOfNotification,
  isPlatformRequest,
  parseCallNotificationId,
} from '../lib/platform/platform-request.ts';
import { HostClient } from '../lib/protocol/host-client.ts';
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

/**
 * A click on a message's or a ringing call's notification opens that conversation in the
 * full-page view, where a ringing call has its Accept and Decline (a popup cannot be
 * opened from code, and Firefox's notifications have no buttons).
 */
function openConversationsOnNotificationClick(): void {
  browser.notifications.onClicked.addListener((id) => {
    const peerId = conversationOfNotification(id);
    if (!peerId) return;
    void browser.notifications.clear(id);
    void browser.tabs.create({
      url: `${browser.runtime.getURL('/chat.html')}#${encodeURIComponent(peerId)}`,
    });
  });
}

/**
 * Chrome: a ringing call's notification has Accept and Decline buttons. The service worker
 * answers through the host's channel like any view; the host opens the call page.
 */
function answerCallsFromNotificationButtons(): void {
  browser.notifications.onButtonClicked.addListener((id, buttonIndex) => {
    const call = parseCallNotificationId(id);
    if (!call) return;
    void browser.notifications.clear(id);
    const client = new HostClient();
    client
      .request('answerCall', { callId: call.callId, accept: buttonIndex === 0 })
      .then(
        (result) => {
          if (!result.ok)
            logger.warn('call-answer-refused', { callId: call.callId, error: result.error });
        },
        (error: unknown) =>
          logger.error('call-answer-failed', { callId: call.callId, error: String(error) }),
      )
      .finally(() => client.close());
  });
}

export default defineBackground({
  persistent: { firefox: true },
  main() {
    openConversationsOnNotificationClick();
    if (import.meta.env.BROWSER === 'firefox') runHostHere();
    else {
      answerCallsFromNotificationButtons();
      superviseOffscreenHost();
    }
  },
});

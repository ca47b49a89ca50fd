import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { chromeOffscreenApi, OffscreenHost, OFFSCREEN_PATH } from '../lib/chrome/offscreen-host.ts';
import { startPeerHost } from '../lib/host/start-peer-host.ts';
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

export default defineBackground({
  persistent: { firefox: true },
  main() {
    if (import.meta.env.BROWSER === 'firefox') runHostHere();
    else superviseOffscreenHost();
  },
});

// What Parley shows outside its own pages to draw the user back: the toolbar badge and
// browser notifications. Both are read (and notifications cleared) in the extension's
// service worker, where `chrome.action` and `chrome.notifications` live.
import type { ChromiumProfile } from './chromium-profile.ts';
import { waitFor } from './wait.ts';

/** Parley's chat notifications have IDs that start with this. */
export const MESSAGE_NOTIFICATION_PREFIX = 'parley:message:';

/** The `chrome.*` APIs used here (the project has no @types/chrome). */
interface AttentionApis {
  chrome: {
    action: { getBadgeText(details: object): Promise<string> };
    notifications?: {
      getAll(): Promise<Record<string, boolean>>;
      clear(id: string): Promise<boolean>;
    };
  };
}

/** The toolbar badge's text ('' when there is none). */
export async function badgeText(profile: ChromiumProfile): Promise<string> {
  return profile.evaluateInServiceWorker(() =>
    (globalThis as unknown as AttentionApis).chrome.action.getBadgeText({}),
  );
}

/** Waits until the badge shows `text`, and fails saying what it showed last. */
export async function waitForBadge(
  profile: ChromiumProfile,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  let last = '(not read)';
  try {
    await waitFor(
      `${profile.name}'s badge to read "${text}"`,
      async () => {
        last = `"${await badgeText(profile)}"`;
        return last === `"${text}"` ? true : undefined;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last shown: ${last}`, { cause: error });
  }
}

/**
 * The IDs of the notifications the extension shows now. Throws if the extension cannot
 * use notifications at all (no "notifications" permission in its manifest).
 */
export async function notificationIds(profile: ChromiumProfile): Promise<string[]> {
  const all = await profile.evaluateInServiceWorker(async () => {
    const { chrome } = globalThis as unknown as AttentionApis;
    return chrome.notifications ? chrome.notifications.getAll() : null;
  });
  if (all === null) throw new Error('chrome.notifications is unavailable: no permission?');
  return Object.keys(all);
}

/** The chat notifications shown now. */
export async function messageNotificationIds(profile: ChromiumProfile): Promise<string[]> {
  return (await notificationIds(profile)).filter((id) =>
    id.startsWith(MESSAGE_NOTIFICATION_PREFIX),
  );
}

/** Clears every notification the extension shows, as a user dismissing them would. */
export async function clearNotifications(profile: ChromiumProfile): Promise<void> {
  await profile.evaluateInServiceWorker(async () => {
    const { chrome } = globalThis as unknown as AttentionApis;
    if (!chrome.notifications) return;
    for (const id of Object.keys(await chrome.notifications.getAll())) {
      await chrome.notifications.clear(id);
    }
  });
}

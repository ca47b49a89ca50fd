// The usual starting point of a test: a user whose popup is open and shows them online.
import type { ChromiumProfile } from './chromium-profile.ts';
import type { PopupPage } from './popup-page.ts';

export interface OnlineUser {
  profile: ChromiumProfile;
  popup: PopupPage;
  id: string;
}

/** Opens the popup and waits until it is online; the first start also makes the host. */
export async function bringOnline(profile: ChromiumProfile): Promise<OnlineUser> {
  const popup = await profile.openPopup();
  await popup.status.waitFor('online', { timeoutMs: 20_000 });
  return { profile, popup, id: await popup.peerId() };
}

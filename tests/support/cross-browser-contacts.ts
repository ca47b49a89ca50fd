// Making a Chromium user and a Firefox user contacts, as the Firefox-with-Chromium tests
// all begin: the Firefox user asks, the Chromium user accepts, both see the other online.
import type { FirefoxPopup } from './firefox-popup.ts';
import type { OnlineUser } from './online-user.ts';

export async function becomeContactsAcrossBrowsers(
  chromium: OnlineUser,
  firefox: FirefoxPopup,
  firefoxId: string,
): Promise<void> {
  const { popup, id: chromiumId } = chromium;
  await firefox.addContact(chromiumId);
  await popup.contacts.waitFor(firefoxId, { status: 'incoming' }, 15_000);
  await popup.contacts.accept(firefoxId);
  await Promise.all([
    popup.contacts.waitFor(firefoxId, { status: 'accepted', online: true }, 15_000),
    firefox.waitForContact(chromiumId, { status: 'accepted', online: true }),
  ]);
}

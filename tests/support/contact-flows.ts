// Steps that many tests start from, done through the views as a person would.
import type { OnlineUser } from './online-user.ts';

/**
 * `from` adds `to` by peer ID, `to` accepts the request, and both end up with the other
 * as an accepted contact who is online. Works from any view state: it reloads neither.
 */
export async function becomeContacts(
  from: OnlineUser,
  to: OnlineUser,
  nickname = '',
): Promise<void> {
  await from.popup.contacts.add(to.id, nickname);
  await to.popup.contacts.waitFor(from.id, { status: 'incoming' }, 15_000);
  await to.popup.contacts.accept(from.id);
  await Promise.all([
    from.popup.contacts.waitFor(to.id, { status: 'accepted', online: true }, 15_000),
    to.popup.contacts.waitFor(from.id, { status: 'accepted', online: true }, 15_000),
  ]);
}

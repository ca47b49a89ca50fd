// A third Parley user beside a two-user suite's Alice and Bob: Mallory, a real install in
// a Chromium profile of her own, who can take over another user's peer ID on the server.
import { afterAll, beforeAll } from 'vitest';
import { ChromiumProfile } from './chromium-profile.ts';
import { keepLogs } from './diagnostics.ts';
import { takePeerId } from './identity-storage.ts';
import { ready } from './one-user-suite.ts';
import { bringOnline, type OnlineUser } from './online-user.ts';

/**
 * Registers hooks for the enclosing describe block: a third profile, online on the suite's
 * server (every profile uses the build's default settings, which point at it), its logs
 * kept as `<label>-<name>`. Read the result inside tests.
 */
export function thirdUser(label: string, name = 'mallory'): { readonly user: OnlineUser } {
  let profile: ChromiumProfile | undefined;
  let user: OnlineUser | undefined;

  keepLogs(label, () => ({ [name]: profile }));

  beforeAll(async () => {
    profile = await ChromiumProfile.launch(name);
    user = await bringOnline(profile);
  });

  afterAll(async () => {
    await profile?.dispose();
  });

  return {
    get user() {
      return ready(user, name);
    },
  };
}

/**
 * Closes `user`'s browser and starts it again, as a person does; resolves once a new
 * popup shows them online. `user.popup` and `user.id` are updated.
 */
export async function restartUser(user: OnlineUser): Promise<void> {
  await user.profile.close();
  await user.profile.relaunch();
  const fresh = await bringOnline(user.profile);
  user.popup = fresh.popup;
  user.id = fresh.id;
}

/**
 * Makes `user`'s Parley register as `peerId` (someone else's, whose browser is closed):
 * the saved peer identity gets that ID and a token of its own, and the browser restarts.
 * The identity key stays `user`'s own. Resolves once the server has accepted the ID.
 */
export async function takeOverPeerId(user: OnlineUser, peerId: string): Promise<void> {
  await takePeerId(user.popup.page, peerId);
  await restartUser(user);
  if (user.id !== peerId)
    throw new Error(`${user.profile.name} came back as ${user.id}, not as ${peerId}`);
}

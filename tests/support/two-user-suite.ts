// The usual setup of a suite about two users who talk to each other: a real signaling
// server, Alice's and Bob's profiles with their popups open and online, each with a
// display name of their own, all torn down (and logs kept) after the suite.
import { afterAll, beforeAll } from 'vitest';
import { ChromiumProfile, type ChromiumLauncher } from './chromium-profile.ts';
import { keepLogs } from './diagnostics.ts';
import { bringOnline, type OnlineUser } from './online-user.ts';
import { SignalingServer } from './signaling-server.ts';
import { ready } from './one-user-suite.ts';

export interface TwoUserSuite {
  readonly server: SignalingServer;
  readonly alice: OnlineUser;
  readonly bob: OnlineUser;
}

export interface TwoUserOptions {
  /** Display names to save in each user's options before the tests; none if left out. */
  displayNames?: { alice?: string; bob?: string };
  /** What starts each user's browser, if not Debian's Chromium as it is. */
  launchers?: { alice?: ChromiumLauncher; bob?: ChromiumLauncher };
}

/** Call inside `describe`; read the fields inside tests or later hooks. */
export function twoUserSuite(name: string, options: TwoUserOptions = {}): TwoUserSuite {
  let server: SignalingServer | undefined;
  let profiles: ChromiumProfile[] = [];
  let alice: OnlineUser | undefined;
  let bob: OnlineUser | undefined;

  keepLogs(name, () => ({ server, alice: profiles[0], bob: profiles[1] }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    const launchers = options.launchers ?? {};
    profiles = await ChromiumProfile.launchAll(['alice', launchers.alice], ['bob', launchers.bob]);
    [alice, bob] = await Promise.all([bringOnline(profiles[0]!), bringOnline(profiles[1]!)]);
    const names = options.displayNames ?? {};
    await Promise.all(
      (
        [
          [alice, names.alice],
          [bob, names.bob],
        ] as const
      ).map(async ([user, displayName]) => {
        if (displayName === undefined) return;
        const page = await user.profile.openOptions();
        await page.savePreferences({ displayName });
        await page.waitForSavedPreferences({ displayName });
        await page.close();
      }),
    );
  });

  afterAll(async () => {
    await Promise.allSettled(profiles.map((profile) => profile.dispose()));
    await server?.stop();
  });

  return {
    get server() {
      return ready(server, 'the signaling server');
    },
    get alice() {
      return ready(alice, 'Alice');
    },
    get bob() {
      return ready(bob, 'Bob');
    },
  };
}

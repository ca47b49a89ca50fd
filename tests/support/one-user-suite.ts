// The usual setup of a suite about one user: a real signaling server and Alice's profile
// with her popup open and online, all torn down (and logs kept) after the suite.
import { afterAll, beforeAll } from 'vitest';
import { ChromiumProfile } from './chromium-profile.ts';
import { keepLogs } from './diagnostics.ts';
import { bringOnline, type OnlineUser } from './online-user.ts';
import { SignalingServer } from './signaling-server.ts';

export interface OneUserSuite {
  readonly server: SignalingServer;
  readonly profile: ChromiumProfile;
  readonly alice: OnlineUser;
}

/** Call inside `describe`; read the fields inside tests or later hooks. */
export function oneUserSuite(name: string): OneUserSuite {
  let server: SignalingServer | undefined;
  let profile: ChromiumProfile | undefined;
  let alice: OnlineUser | undefined;

  keepLogs(name, () => ({ server, alice: profile }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    profile = await ChromiumProfile.launch('alice');
    alice = await bringOnline(profile);
  });

  afterAll(async () => {
    await profile?.dispose();
    await server?.stop();
  });

  return {
    get server() {
      return ready(server, 'the signaling server');
    },
    get profile() {
      return ready(profile, "Alice's profile");
    },
    get alice() {
      return ready(alice, 'Alice');
    },
  };
}

/** A suite's field, read in a test: there, or a clear word that setting it up failed. */
export function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not set up (did beforeAll fail?)`);
  return value;
}

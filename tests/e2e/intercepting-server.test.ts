// The signaling server as the attacker (docs/security.md). Alice and Bob point their
// options at a proxy in front of the real server (intercepting-signaling.ts), which
// diverts their connections to a relay page (relay-peer.ts): both browsers' DTLS
// succeeds, each with the relay's certificate, and the relay passes every frame on as it
// is while it reads them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { becomeContacts } from '../support/contact-flows.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { InterceptingSignaling } from '../support/intercepting-signaling.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import { RelayPeer } from '../support/relay-peer.ts';
import { SignalingServer } from '../support/signaling-server.ts';

/** Saves `port` as the user's server port and waits until the host is online there. */
async function pointAt(user: OnlineUser, port: number): Promise<void> {
  const options = await user.profile.openOptions();
  await options.saveServer({ port: String(port) });
  await options.status.waitFor('online', { timeoutMs: 20_000 });
  await options.close();
  await user.popup.status.waitFor('online', { timeoutMs: 20_000 });
}

describe('a signaling server in the middle', () => {
  let server: SignalingServer | undefined;
  let proxy: InterceptingSignaling | undefined;
  let relay: RelayPeer | undefined;
  let profiles: ChromiumProfile[] = [];
  let alice: OnlineUser;
  let bob: OnlineUser;

  keepLogs('intercepting-server', () => ({
    server,
    proxy,
    relay,
    alice: profiles[0],
    bob: profiles[1],
  }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    proxy = await InterceptingSignaling.start(server);
    profiles = await ChromiumProfile.launchAll('alice', 'bob');
    [alice, bob] = await Promise.all([bringOnline(profiles[0]!), bringOnline(profiles[1]!)]);
    relay = await RelayPeer.start(profiles[0]!.context, server, [alice.id, bob.id]);
    await alice.popup.page.bringToFront();
  });

  afterAll(async () => {
    await relay?.dispose();
    await Promise.allSettled(profiles.map((profile) => profile.dispose()));
    await proxy?.stop();
    await server?.stop();
  });

  it('without the identity handshake, reads everything Alice and Bob say', async () => {
    proxy!.setMode({ kind: 'divert', between: [alice.id, bob.id], relay: relay!.id });
    await Promise.all([pointAt(alice, proxy!.port), pointAt(bob, proxy!.port)]);

    await becomeContacts(alice, bob);
    const aliceChat = await alice.popup.openConversation(bob.id);
    const sent = await aliceChat.sendAndShow('Only for Bob');
    const bobChat = await bob.popup.openConversation(alice.id);
    await bobChat.waitForMessage(sent.text, 'in');

    expect(proxy!.tampered, 'signaling messages diverted').toBeGreaterThan(0);
    expect(await relay!.frameTypes()).toEqual(
      expect.arrayContaining(['contact-request', 'contact-accept', 'chat', 'receipt']),
    );
  });
});

// The peer host outlives what a user does not control: the server crashing, Chrome closing
// the offscreen document, the browser restarting or crashing. Each time it comes back
// online by itself, under the same peer ID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import { SignalingServer } from '../support/signaling-server.ts';

describe('recovery', () => {
  let server: SignalingServer | undefined;
  let profiles: ChromiumProfile[] = [];
  let alice: OnlineUser;
  let bob: OnlineUser;

  keepLogs('recovery', () => ({ server, alice: profiles[0], bob: profiles[1] }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    profiles = await ChromiumProfile.launchAll('alice', 'bob');
    [alice, bob] = await Promise.all([bringOnline(profiles[0]!), bringOnline(profiles[1]!)]);
  });

  afterAll(async () => {
    await Promise.allSettled(profiles.map((profile) => profile.dispose()));
    await server?.stop();
  });

  it('goes back online with the same IDs after the server crashes and restarts', async () => {
    await server!.kill();
    await Promise.all([
      alice.popup.status.waitFor(['offline', 'connecting'], { timeoutMs: 15_000 }),
      bob.popup.status.waitFor(['offline', 'connecting'], { timeoutMs: 15_000 }),
    ]);

    // Stay down long enough for the hosts' back-off to reach its longest delay, so the
    // 10 s below covers the worst case rather than the first quick retry.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await server!.restart();
    await Promise.all([
      alice.popup.status.waitFor('online', { timeoutMs: 10_000 }),
      bob.popup.status.waitFor('online', { timeoutMs: 10_000 }),
    ]);
    expect(await alice.popup.peerId(), "Alice's ID after the server restart").toBe(alice.id);
    expect(await bob.popup.peerId(), "Bob's ID after the server restart").toBe(bob.id);
    // Online means registered again: the new server can put them in touch.
    expect(await alice.popup.checkPeer(bob.id), 'Bob, seen by Alice').toBe('online');
  });

  it('re-creates the offscreen document when the popup opens after Chrome closed it', async () => {
    await alice.popup.close();
    expect(await alice.profile.offscreenDocumentCount(), 'offscreen documents before').toBe(1);
    expect(await alice.profile.closeOffscreenDocument(), 'offscreen documents after closing').toBe(
      0,
    );

    alice.popup = await alice.profile.openPopup();
    await expect
      .poll(() => alice.profile.offscreenDocumentCount(), { timeout: 10_000, interval: 250 })
      .toBe(1);
    await alice.popup.status.waitFor('online', { timeoutMs: 15_000 });
    expect(await alice.popup.peerId(), 'ID from the new offscreen document').toBe(alice.id);
    expect(await bob.popup.checkPeer(alice.id), 'Alice, seen by Bob').toBe('online');
  });

  it('keeps the peer ID and goes online after the browser restarts', async () => {
    await alice.profile.close();
    await alice.profile.relaunch();

    // No view is open: the service worker alone must have started the host at startup.
    await expect
      .poll(() => bob.popup.checkPeer(alice.id), { timeout: 30_000, interval: 500 })
      .toBe('online');
    alice.popup = await alice.profile.openPopup();
    await alice.popup.status.waitFor('online', { timeoutMs: 20_000 });
    expect(await alice.popup.peerId(), 'ID after relaunching the profile').toBe(alice.id);
  });

  it('keeps the peer ID and goes online after the browser crashes', async () => {
    await alice.profile.kill();
    await alice.profile.relaunch();

    alice.popup = await alice.profile.openPopup();
    await alice.popup.status.waitFor('online', { timeoutMs: 20_000 });
    expect(await alice.popup.peerId(), 'ID after relaunching the profile').toBe(alice.id);
    expect(await bob.popup.checkPeer(alice.id), 'Alice, seen by Bob').toBe('online');
  });
});

// Two users, each in their own Chromium profile, on one real signaling server: they get
// peer IDs, go online, and can see each other, whether or not their popup is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { madeUpIdLike } from '../support/peer-ids.ts';
import type { PopupPage } from '../support/popup-page.ts';
import { SignalingServer } from '../support/signaling-server.ts';

describe('two users on one server', () => {
  let server: SignalingServer | undefined;
  let alice: ChromiumProfile | undefined;
  let bob: ChromiumProfile | undefined;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  let aliceId = '';
  let bobId = '';

  keepLogs('presence', () => ({ server, alice, bob }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    [alice, bob] = await ChromiumProfile.launchAll('alice', 'bob');
  });

  afterAll(async () => {
    await Promise.allSettled([alice?.dispose(), bob?.dispose()]);
    await server?.stop();
  });

  it('gives each user a peer ID and brings both online, with different IDs', async () => {
    [alicePopup, bobPopup] = await Promise.all([alice!.openPopup(), bob!.openPopup()]);
    // The first start also waits for the offscreen document and the first registration.
    await Promise.all([
      alicePopup.status.waitFor('online', { timeoutMs: 20_000 }),
      bobPopup.status.waitFor('online', { timeoutMs: 20_000 }),
    ]);
    [aliceId, bobId] = await Promise.all([alicePopup.peerId(), bobPopup.peerId()]);

    expect(aliceId).not.toBe('');
    expect(bobId).not.toBe('');
    expect(aliceId).not.toBe(bobId);
  });

  it('copies the peer ID to the clipboard', async () => {
    expect(aliceId, 'needs the IDs from the first test').toBeTruthy();
    await alicePopup.page.bringToFront();
    await alicePopup.copyButton.click();
    // Read the real clipboard back from a plain web page: Chrome will not grant
    // clipboard-read to a chrome-extension:// origin, but will to the server's.
    const reader = await alice!.context.newPage();
    const origin = `http://${server!.host}:${server!.port}`;
    await alice!.context.grantPermissions(['clipboard-read'], { origin });
    await reader.goto(`${origin}/health`);
    await reader.bringToFront();
    const clipboard = await reader.evaluate(() => navigator.clipboard.readText());
    await reader.close();
    expect(clipboard.trim()).toBe(aliceId);
  });

  it('shows each user the other as online', async () => {
    expect(aliceId && bobId, 'needs the IDs from the first test').toBeTruthy();
    expect(await alicePopup.checkPeer(bobId), 'Bob, seen by Alice').toBe('online');
    expect(await bobPopup.checkPeer(aliceId), 'Alice, seen by Bob').toBe('online');
  });

  it('reports an ID that nobody holds as offline', async () => {
    expect(bobId, 'needs the IDs from the first test').toBeTruthy();
    const nobody = madeUpIdLike(bobId);
    expect(nobody).not.toBe(bobId);
    const started = Date.now();
    expect(await alicePopup.checkPeer(nobody)).toBe('offline');
    // Not a test of speed, only that the answer is bounded as the popup promises.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('keeps a user online after they close the popup', async () => {
    expect(aliceId, 'needs the IDs from the first test').toBeTruthy();
    await alicePopup.close();
    const extensionTabs = alice!.context
      .pages()
      .filter((page) => page.url().startsWith('chrome-extension://'));
    expect(extensionTabs).toEqual([]);
    // Long enough for anything tied to the popup's lifetime to have been torn down.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(await bobPopup.checkPeer(aliceId), 'Alice (popup closed), seen by Bob').toBe('online');

    // And the host kept its identity: a new popup shows the same ID, still online.
    alicePopup = await alice!.openPopup();
    await alicePopup.status.waitFor('online');
    expect(await alicePopup.peerId(), "Alice's ID in a new popup").toBe(aliceId);
  });
});

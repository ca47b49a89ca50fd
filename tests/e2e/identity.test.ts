// Issue #6: trust on first use, verification and a changed key, through the views, between
// two real installs. Becoming contacts pins each other's key, and both see the same safety
// number; Alice checks Bob's verification code (a code for another key is refused) and he
// shows as verified. Then Bob's installation gets a new key: Alice is warned, her verified
// mark goes, and nothing flows either way until she accepts the new key; after that chat
// flows, the safety number is new and Bob is no longer verified.
import { describe, expect, it, beforeAll } from 'vitest';
import { safetyNumber, verificationCode } from '../../lib/identity/safety-number.ts';
import { becomeContacts } from '../support/contact-flows.ts';
import { storedMessages } from '../support/host-requests.ts';
import {
  contactRecord,
  ownIdentity,
  waitForAlarm,
  waitForContactRecord,
  waitForNoAlarm,
  type OwnIdentity,
} from '../support/identity-state.ts';
import { deleteIdentityKeys, strangerPublicKey } from '../support/identity-storage.ts';
import { bringOnline } from '../support/online-user.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import { sleep } from '../support/wait.ts';

/** Long enough for a frame that got through to be stored and shown. */
const SETTLE_MS = 3_000;
/** How long the views may take to show what the host already holds. */
const POLL = { timeout: 10_000, interval: 100 };

describe('identity', () => {
  const suite = twoUserSuite('identity', { displayNames: { alice: 'Alice', bob: 'Bob' } });
  const tag = Date.now().toString(36);
  let aliceIdentity: OwnIdentity;
  let bobIdentity: OwnIdentity;

  beforeAll(async () => {
    await becomeContacts(suite.alice, suite.bob);
    aliceIdentity = await ownIdentity(suite.alice.popup.page);
    bobIdentity = await ownIdentity(suite.bob.popup.page);
  });

  it("pins each other's key, and both show the same safety number", async () => {
    const { alice, bob } = suite;
    expect(aliceIdentity.identityKey).not.toBe(bobIdentity.identityKey);
    const bobAtAlice = await waitForContactRecord(alice.popup.page, bob.id, 'pinned', (c) =>
      Boolean(c.publicKey),
    );
    const aliceAtBob = await waitForContactRecord(bob.popup.page, alice.id, 'pinned', (c) =>
      Boolean(c.publicKey),
    );
    expect(bobAtAlice.publicKey, "the key Alice pinned for Bob: Bob's").toBe(
      bobIdentity.identityKey,
    );
    expect(aliceAtBob.publicKey, "the key Bob pinned for Alice: Alice's").toBe(
      aliceIdentity.identityKey,
    );
    for (const contact of [bobAtAlice, aliceAtBob]) {
      expect(contact.verified).toBe(false);
      expect(contact.alarm).toBeNull();
      expect(contact.pendingKey).toBeNull();
    }
    const expected = await safetyNumber(
      { peerId: alice.id, publicKey: aliceIdentity.identityKey },
      { peerId: bob.id, publicKey: bobIdentity.identityKey },
    );
    expect(bobAtAlice.safetyNumber).toBe(expected);
    expect(aliceAtBob.safetyNumber).toBe(expected);

    const shown: (string | null)[] = [];
    for (const [user, other, own] of [
      [alice, bob, aliceIdentity],
      [bob, alice, bobIdentity],
    ] as const) {
      const chat = await user.popup.openConversation(other.id);
      expect(await chat.verifiedMark.count(), 'a verified mark').toBe(0);
      shown.push(await chat.safetyNumber());
      expect(await chat.verifyPanel.getByTestId('own-verification-qr').isVisible()).toBe(true);
      expect(await chat.ownVerificationCode(), `${user.profile.name}'s own code`).toBe(
        own.verificationCode,
      );
      await chat.closeVerifyPanel();
    }
    expect(shown, "the safety number on Alice's screen, then on Bob's").toEqual([
      expected,
      expected,
    ]);
  });

  it('refuses a code for another key, and marks Bob verified by a picture of his QR code', async () => {
    const { alice, bob } = suite;
    const chat = await alice.popup.openConversation(bob.id);

    const wrong = verificationCode(bob.id, await strangerPublicKey());
    const refused = await chat.checkVerificationCode(wrong);
    expect(refused.ok, `refused: ${refused.text}`).toBe(false);
    expect(refused.text).toMatch(/key/i);
    await sleep(500);
    expect((await contactRecord(alice.popup.page, bob.id)).verified, 'after a wrong code').toBe(
      false,
    );
    await chat.closeVerifyPanel();
    expect(await chat.verifiedMark.count()).toBe(0);

    // Alice points her camera at Bob's screen: a picture of his verification QR code.
    const bobChat = await bob.popup.openConversation(alice.id);
    const bobPanel = await bobChat.openVerifyPanel();
    const picture = await bobPanel.getByTestId('own-verification-qr').screenshot();
    await bobChat.closeVerifyPanel();
    const scanned = await chat.scanVerificationQr(picture);
    expect(scanned, 'the code read from the picture').toBe(bobIdentity.verificationCode);

    const passed = await chat.checkVerificationCode(scanned);
    expect(passed.ok, `checked: ${passed.text}`).toBe(true);
    await waitForContactRecord(alice.popup.page, bob.id, 'verified', (c) => c.verified);
    await chat.closeVerifyPanel();
    await expect.poll(() => chat.verifiedMark.isVisible(), POLL).toBe(true);
    await alice.popup.showContacts();
    await expect.poll(() => alice.popup.contactVerifiedMark(bob.id).isVisible(), POLL).toBe(true);
    // Verifying is Alice's own note: Bob has not verified her.
    expect((await contactRecord(bob.popup.page, alice.id)).verified).toBe(false);
  });

  it('warns when Bob has a new key and holds everything until Alice accepts it', async () => {
    const { alice, bob } = suite;
    const before = await contactRecord(alice.popup.page, bob.id);
    expect(before.verified).toBe(true);

    // Bob's installation loses its key while he is away; Alice writes to him meanwhile.
    await deleteIdentityKeys(bob.popup.page);
    await bob.profile.close();
    await waitForContactRecord(alice.popup.page, bob.id, 'offline', (c) => !c.online, 30_000);
    let aliceChat = await alice.popup.openConversation(bob.id);
    const fromAlice = await aliceChat.sendAndShow(`Is that you, Bob? ${tag}`);
    await alice.popup.showContacts();

    await bob.profile.relaunch();
    const bobBack = await bringOnline(bob.profile);
    bob.popup = bobBack.popup;
    const bobNow = await ownIdentity(bob.popup.page);
    expect(bobNow.peerId, "Bob's peer ID").toBe(bobIdentity.peerId);
    expect(bobNow.identityKey, "Bob's new key").not.toBe(bobIdentity.identityKey);

    const warned = await waitForAlarm(alice.popup.page, bob.id, 'key-changed');
    expect(warned.alarm).toEqual({ kind: 'key-changed', newKey: bobNow.identityKey });
    expect(warned.publicKey, 'the key still pinned').toBe(bobIdentity.identityKey);

    // Loud in the list and in the conversation; the verified mark (given to the old key) is
    // not shown beside a warning, so nobody reads "verified" as "this new key is fine".
    await expect
      .poll(
        () => alice.popup.contactAlarm(bob.id).getAttribute('data-kind', { timeout: 1_000 }),
        POLL,
      )
      .toBe('key-changed');
    aliceChat = await alice.popup.openConversation(bob.id);
    await expect.poll(() => aliceChat.alarmKind(), POLL).toBe('key-changed');
    expect(await aliceChat.identityAlarm.getAttribute('role')).toBe('alert');
    expect(await aliceChat.composer.isDisabled(), 'the composer, while warned').toBe(true);
    expect(await aliceChat.verifiedMark.count(), 'a verified mark beside the warning').toBe(0);
    expect(await alice.popup.contactVerifiedMark(bob.id).count(), 'in the list').toBe(0);
    await aliceChat.openVerifyPanel();
    expect(await aliceChat.verifyPanel.getByTestId('safety-number-outdated').isVisible()).toBe(
      true,
    );
    await aliceChat.closeVerifyPanel();

    const bobChat = await bob.popup.openConversation(alice.id);
    const fromBobText = `Yes, new key ${tag}`;
    const fromBob = await bobChat.sendAndShow(fromBobText);
    await sleep(SETTLE_MS);
    expect((await aliceChat.shown()).find((m) => m.id === fromAlice.id)?.state).toBe('sending');
    expect((await aliceChat.shown()).map((m) => m.text)).not.toContain(fromBobText);
    expect((await storedMessages(alice.popup.page, bob.id)).map((m) => m.id)).not.toContain(
      fromBob.id,
    );

    await alice.popup.page.bringToFront();
    await aliceChat.acceptNewKey();
    const accepted = await waitForNoAlarm(alice.popup.page, bob.id);
    expect(accepted.publicKey, 'the key now pinned').toBe(bobNow.identityKey);
    expect(accepted.verified, 'verified after accepting a new key').toBe(false);
    expect(accepted.safetyNumber).not.toBe(before.safetyNumber);
    const aliceAtBob = await contactRecord(bob.popup.page, alice.id);
    expect(aliceAtBob.safetyNumber, "Bob's safety number").toBe(accepted.safetyNumber);

    await aliceChat.waitForAtLeast(fromAlice.id, 'delivered', 45_000);
    await aliceChat.waitForMessage(fromBobText, 'in', 15_000);
    await bobChat.waitForAtLeast(fromBob.id, 'delivered');
    await bobChat.waitForMessage(`Is that you, Bob? ${tag}`, 'in');
    const after = await aliceChat.sendAndShow(`Welcome back ${tag}`);
    await aliceChat.waitForAtLeast(after.id, 'delivered');

    expect(await aliceChat.alarmKind()).toBeNull();
    expect(await aliceChat.verifiedMark.count(), 'a verified mark').toBe(0);
    expect(await aliceChat.safetyNumber()).toBe(accepted.safetyNumber);
    await aliceChat.closeVerifyPanel();
    const bobSees = await bob.popup.openConversation(alice.id);
    expect(await bobSees.safetyNumber(), "the safety number on Bob's screen").toBe(
      accepted.safetyNumber,
    );
    await bobSees.closeVerifyPanel();
  });
});

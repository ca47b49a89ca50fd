// Issue #6: someone who takes your peer ID on the server while you are offline cannot pass
// as you to your contacts, and receives none of their messages or files. Alice and Bob are
// contacts (keys pinned); Bob's browser closes; Mallory, a real Parley install with a key
// of her own, registers Bob's peer ID on the real server. Alice writes to "Bob" and offers
// him a file: the handshake proves Mallory's key, not Bob's, so Alice is warned and nothing
// goes to Mallory; what Mallory sends as Bob shows nothing to Alice. When Bob is back, his
// pinned key passes and what Alice held goes to him.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { becomeContacts } from '../support/contact-flows.ts';
import { storedMessages, requestHost } from '../support/host-requests.ts';
import { claimAcceptedContact } from '../support/identity-storage.ts';
import {
  contactRecord,
  ownIdentity,
  waitForAlarm,
  waitForContactRecord,
  waitForNoAlarm,
  type OwnIdentity,
} from '../support/identity-state.ts';
import { waitForLine } from '../support/log-lines.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import { restartUser, takeOverPeerId, thirdUser } from '../support/third-user.ts';
import { savedDownload, sha256OfFile, TransferCards, testFiles } from '../support/transfers.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import { sleep } from '../support/wait.ts';

/** Long enough for a frame that got through to be stored and shown. */
const SETTLE_MS = 3_000;
/** How long the views may take to show what the host already holds. */
const POLL = { timeout: 10_000, interval: 100 };

/** The host's log line for a link to `peerId` that it opened (its handshake passed). */
const linkOpenedTo = (peerId: string): RegExp =>
  new RegExp(`link-open \\{"peerId":"${peerId}","initiatedByMe":true`);

describe('a hijacked peer ID', () => {
  const suite = twoUserSuite('hijacked-id', { displayNames: { alice: 'Alice', bob: 'Bob' } });
  const third = thirdUser('hijacked-id');
  const tag = Date.now().toString(36);
  const heldText = `For Bob only ${tag}`;
  const viaHostText = `Also for Bob only ${tag}`;
  const forgedText = `It's Bob, on a new laptop ${tag}`;
  let bobIdentity: OwnIdentity;
  let malloryIdentity: OwnIdentity;
  let filesDir = '';
  let filePath = '';
  let heldId = '';
  let viaHostId = '';
  let transferId = '';

  beforeAll(async () => {
    const { alice, bob } = suite;
    await becomeContacts(alice, bob);
    const aliceChat = await alice.popup.openConversation(bob.id);
    const hello = await aliceChat.sendAndShow(`Hello Bob ${tag}`);
    await aliceChat.waitForAtLeast(hello.id, 'delivered', 15_000);
    bobIdentity = await ownIdentity(bob.popup.page);
    malloryIdentity = await ownIdentity(third.user.popup.page);
    const files = await testFiles([{ name: 'for-bob.bin', size: 300 * 1024 }]);
    filesDir = files.dir;
    filePath = files.paths[0]!;
  });

  afterAll(async () => {
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  /**
   * Mallory's host has nothing of Alice's: no message in any conversation, no transfer,
   * no request from her.
   */
  async function expectNothingFromAlice(mallory: OnlineUser, alice: OnlineUser): Promise<void> {
    const state = await requestHost(mallory.popup.page, 'getState', undefined);
    expect(state.transfers, "transfers in Mallory's host").toEqual([]);
    const aliceThere = state.contacts.find((c) => c.peerId === alice.id);
    expect(aliceThere?.status, "Alice's standing in Mallory's host").not.toBe('incoming');
    const conversations = await Promise.all(
      [alice.id, ...state.contacts.map((c) => c.peerId)].map((peerId) =>
        storedMessages(mallory.popup.page, peerId),
      ),
    );
    const received = conversations.flat().filter((m) => m.direction === 'in');
    expect(received, "messages Mallory's host received").toEqual([]);
  }

  /** Alice's host knows one contact, Bob, accepted: no request came from "him" or anyone. */
  async function expectOnlyBob(alice: OnlineUser, bobId: string): Promise<void> {
    const { contacts } = await requestHost(alice.popup.page, 'getState', undefined);
    expect(
      contacts.map((c) => [c.peerId, c.status]),
      "Alice's contacts",
    ).toEqual([[bobId, 'accepted']]);
  }

  it("pins Bob's key when they become contacts; Mallory's key is another", async () => {
    const { alice } = suite;
    const pinned = await waitForContactRecord(
      alice.popup.page,
      suite.bob.id,
      "to have Bob's key pinned",
      (c) => c.publicKey === bobIdentity.identityKey,
    );
    expect(pinned.alarm).toBeNull();
    expect(malloryIdentity.identityKey).not.toBe(bobIdentity.identityKey);
  });

  it('warns Alice and keeps her message and file from Mallory, who registered Bob’s ID', async () => {
    const { alice, bob } = suite;
    const mallory = third.user;
    await bob.profile.close();
    await waitForContactRecord(alice.popup.page, bob.id, 'offline', (c) => !c.online, 30_000);
    // Alice writes and offers a file while Bob is away: they wait for his next link.
    const aliceChat = await alice.popup.openConversation(bob.id);
    heldId = (await aliceChat.sendAndShow(heldText)).id;
    const cards = new TransferCards(alice.popup.page);
    const before = await cards.ids();
    await cards.attach([filePath]);
    transferId = await cards.waitForNew(before, 'out');

    await takeOverPeerId(mallory, bob.id);
    expect((await ownIdentity(mallory.popup.page)).identityKey, "Mallory's key after").toBe(
      malloryIdentity.identityKey,
    );

    // Alice's host dials "Bob" (with back-off since he left) and meets Mallory.
    const warned = await waitForAlarm(alice.popup.page, bob.id, 'key-changed', 60_000);
    expect(warned.alarm).toEqual({ kind: 'key-changed', newKey: malloryIdentity.identityKey });
    expect(warned.pendingKey, 'the key kept aside').toBe(malloryIdentity.identityKey);
    expect(warned.publicKey, 'the key still pinned').toBe(bobIdentity.identityKey);

    await expect.poll(() => aliceChat.alarmKind(), POLL).toBe('key-changed');
    expect(await aliceChat.identityAlarm.getAttribute('role')).toBe('alert');
    expect(await aliceChat.acceptNewKeyButton.isVisible()).toBe(true);
    expect(await aliceChat.composer.isDisabled(), 'the composer, while warned').toBe(true);
    // The views pause the composer; the host holds what any view asks it to send as well.
    const asked = await requestHost(alice.popup.page, 'sendMessage', {
      peerId: bob.id,
      text: viaHostText,
    });
    if (!asked.ok) throw new Error(`sendMessage: ${asked.error}`);
    viaHostId = asked.message.id;

    await sleep(SETTLE_MS);
    const held = (await aliceChat.shown()).find((m) => m.id === heldId);
    expect(held?.state, "Alice's message, as shown").toBe('sending');
    const stored = await storedMessages(alice.popup.page, bob.id);
    expect(
      [heldId, viaHostId].map((id) => stored.find((m) => m.id === id)?.state),
      "Alice's messages, as stored",
    ).toEqual(['sending', 'sending']);
    expect((await cards.summary(transferId)).state, "Alice's file").toBe('offered');
    expect((await cards.summary(transferId)).doneBytes).toBe(0);

    await expectNothingFromAlice(mallory, alice);

    await alice.popup.showContacts();
    await expect
      .poll(
        () => alice.popup.contactAlarm(bob.id).getAttribute('data-kind', { timeout: 1_000 }),
        POLL,
      )
      .toBe('key-changed');
  });

  it('shows Alice nothing that Mallory sends as Bob: neither a request nor a message', async () => {
    const { alice, bob } = suite;
    const mallory = third.user;
    const aliceBefore = await storedMessages(alice.popup.page, bob.id);

    // A contact request, through Mallory's own views. Her host sends it on each link it
    // opens to Alice: one that passed Mallory's side of the handshake.
    let after = mallory.profile.logLines.length;
    await mallory.popup.contacts.add(alice.id);
    await mallory.popup.contacts.waitFor(alice.id, { status: 'outgoing' });
    await waitForLine(mallory.profile, linkOpenedTo(alice.id), { after, timeoutMs: 20_000 });
    await sleep(SETTLE_MS);
    const bobAtAlice = await contactRecord(alice.popup.page, bob.id);
    expect(bobAtAlice.status, "Bob's standing with Alice").toBe('accepted');
    expect(bobAtAlice.publicKey, 'the key Alice has pinned for Bob').toBe(bobIdentity.identityKey);
    await expectOnlyBob(alice, bob.id);

    // Chat: Mallory's install claims Alice as an accepted contact, so her host sends chat
    // right after its handshake rather than waiting for an acceptance.
    await claimAcceptedContact(mallory.popup.page, alice.id);
    await restartUser(mallory);
    expect(mallory.id).toBe(bob.id);
    const malloryChat = await mallory.popup.openConversation(alice.id);
    after = mallory.profile.logLines.length;
    const forged = await malloryChat.sendAndShow(forgedText);
    // Each link Mallory's host opens sends what she wrote that is not delivered yet.
    await waitForLine(mallory.profile, linkOpenedTo(alice.id), { after, timeoutMs: 20_000 });
    await sleep(SETTLE_MS);

    const aliceAfter = await storedMessages(alice.popup.page, bob.id);
    expect(
      aliceAfter.map((m) => m.id),
      "Alice's conversation with Bob",
    ).toEqual(aliceBefore.map((m) => m.id));
    const aliceChat = await alice.popup.openConversation(bob.id);
    expect((await aliceChat.shown()).map((m) => m.text)).not.toContain(forgedText);
    const forgedNow = (await malloryChat.shown()).find((m) => m.id === forged.id);
    expect(['sending', 'sent'], "Mallory's message, as she sees it").toContain(forgedNow?.state);

    await expectNothingFromAlice(mallory, alice);
    const stillHeld = (await storedMessages(alice.popup.page, bob.id)).filter((m) =>
      [heldId, viaHostId].includes(m.id),
    );
    expect(
      stillHeld.map((m) => m.state),
      "Alice's messages, still",
    ).toEqual(['sending', 'sending']);
    await expectOnlyBob(alice, bob.id);
  });

  it('gives Bob, back with his own key, what Alice held; the warning clears', async () => {
    const { alice, bob } = suite;
    await third.user.profile.close();
    await bob.profile.relaunch();
    const back = await bringOnline(bob.profile);
    bob.popup = back.popup;
    expect(back.id).toBe(bob.id);

    const cleared = await waitForNoAlarm(alice.popup.page, bob.id);
    expect(cleared.publicKey, 'the key pinned for Bob').toBe(bobIdentity.identityKey);
    await alice.popup.showContacts();
    await expect.poll(() => alice.popup.contactAlarm(bob.id).count(), POLL).toBe(0);
    const aliceChat = await alice.popup.openConversation(bob.id);
    await aliceChat.waitForAtLeast(heldId, 'delivered', 30_000);
    await aliceChat.waitForAtLeast(viaHostId, 'delivered');
    expect(await aliceChat.alarmKind()).toBeNull();

    const bobChat = await bob.popup.openConversation(alice.id);
    await bobChat.waitForMessage(heldText, 'in');
    await bobChat.waitForMessage(viaHostText, 'in');
    const atBob = (await storedMessages(bob.popup.page, alice.id)).filter((m) =>
      [heldText, viaHostText].includes(m.text),
    );
    expect(
      atBob.map((m) => m.id),
      'the held messages at Bob, once each, in order',
    ).toEqual([heldId, viaHostId]);
    expect((await storedMessages(bob.popup.page, alice.id)).map((m) => m.text)).not.toContain(
      forgedText,
    );

    // The file Alice offered while Mallory held the ID is offered to Bob now.
    const received = new TransferCards(bob.popup.page);
    await received.waitForState(transferId, ['offered'], 30_000);
    await received.accept(transferId);
    const sent = new TransferCards(alice.popup.page);
    await sent.waitForState(transferId, ['complete'], 30_000);
    await received.waitForState(transferId, ['complete'], 30_000);
    const { downloadId } = await received.summary(transferId);
    const saved = await savedDownload(bob.profile, downloadId!);
    expect(saved?.state).toBe('complete');
    expect(path.basename(saved!.filename)).toBe('for-bob.bin');
    expect(await sha256OfFile(saved!.filename)).toBe(await sha256OfFile(filePath));
  });
});

// Contacts between two users: a request by peer ID, shown under the name its sender chose;
// acceptance on both sides; and what each user can do with a contact afterwards (rename,
// block, unblock, remove), each done through the popup as a person would.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { badgeText } from '../support/attention.ts';
import { requestHost, storedContact, storedMessages } from '../support/host-requests.ts';
import { waitForText } from '../support/locators.ts';
import type { OnlineUser } from '../support/online-user.ts';
import { readQrCode } from '../support/qr-code.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import { sleep } from '../support/wait.ts';

const ALICE_NAME = 'Alice Liddell';
const BOB_NAME = 'Bob Builder';

/**
 * How long a message that must not arrive gets to arrive anyway: many times what an
 * allowed one takes here (well under a second on loopback).
 */
const NEVER_ARRIVES_MS = 4_000;

/** The texts `user`'s host has stored of the conversation with `peerId`. */
async function storedTexts(user: OnlineUser, peerId: string): Promise<string[]> {
  return (await storedMessages(user.popup.page, peerId)).map((message) => message.text);
}

describe('contacts', () => {
  const suite = twoUserSuite('contacts', {
    displayNames: { alice: ALICE_NAME, bob: BOB_NAME },
  });
  const hello = `Hello from Alice ${randomUUID().slice(0, 8)}`;
  const whileBlocked = `Sent while blocked ${randomUUID().slice(0, 8)}`;

  it('shows your own peer ID as a QR code that reads back as that ID', async () => {
    const { bob } = suite;
    await bob.popup.showQr.click();
    await bob.popup.ownQr.waitFor({ state: 'visible' });
    expect(await readQrCode(bob.popup.ownQr)).toContain(bob.id);
    await bob.popup.page.reload();
    await bob.popup.status.waitFor('online');
  });

  it('refuses to add your own ID or a malformed one, and adds nobody', async () => {
    const { alice } = suite;
    await alice.popup.contacts.add(alice.id);
    await waitForText(alice.popup.contacts.error, /\S/);

    await alice.popup.page.reload();
    await alice.popup.status.waitFor('online');
    await alice.popup.contacts.add('not a peer ID!');
    await waitForText(alice.popup.contacts.error, /\S/);

    expect(await alice.popup.contacts.shown()).toEqual([]);
    expect((await requestHost(alice.popup.page, 'getState', undefined)).contacts).toEqual([]);
    await alice.popup.page.reload();
    await alice.popup.status.waitFor('online');
  });

  it("shows Alice's request to Bob under her display name, and it as outgoing to her", async () => {
    const { alice, bob } = suite;
    await alice.popup.contacts.add(bob.id);
    await alice.popup.contacts.waitFor(bob.id, { status: 'outgoing' });

    const request = await bob.popup.contacts.waitFor(alice.id, { status: 'incoming' }, 15_000);
    expect(request.name).toBe(ALICE_NAME);
    expect(await bob.popup.contacts.item(alice.id).getByTestId('accept-request').isVisible()).toBe(
      true,
    );
    // Until Bob answers, Alice is still waiting.
    expect((await alice.popup.contacts.find(bob.id))?.status).toBe('outgoing');
  });

  it('makes both sides accepted and online once Bob accepts, and lets them talk', async () => {
    const { alice, bob } = suite;
    await bob.popup.contacts.accept(alice.id);
    const [bobAsAliceSeesHim, aliceAsBobSeesHer] = await Promise.all([
      alice.popup.contacts.waitFor(bob.id, { status: 'accepted', online: true }, 15_000),
      bob.popup.contacts.waitFor(alice.id, { status: 'accepted', online: true }, 15_000),
    ]);
    // Alice gave no nickname, so Bob goes by the name he announced when accepting.
    expect.soft(bobAsAliceSeesHim.name).toBe(BOB_NAME);
    expect.soft(aliceAsBobSeesHer.name).toBe(ALICE_NAME);

    const aliceChat = await alice.popup.openConversation(bob.id);
    await aliceChat.sendAndShow(hello);
    const bobChat = await bob.popup.openConversation(alice.id);
    await bobChat.waitForMessage(hello, 'in');
  });

  it('renames a contact for yourself only, and keeps the new name', async () => {
    const { alice, bob } = suite;
    const chat = await alice.popup.openConversation(bob.id);
    await chat.renameTo('Bobby Tables');
    await alice.popup.showContacts();
    await alice.popup.contacts.waitFor(bob.id, { name: 'Bobby Tables' });

    await alice.popup.page.reload();
    await alice.popup.status.waitFor('online');
    await alice.popup.contacts.waitFor(bob.id, { name: 'Bobby Tables', status: 'accepted' });
    // A nickname is Alice's own: Bob's name for himself, and his name for her, stay.
    await bob.popup.showContacts();
    expect((await bob.popup.contacts.find(alice.id))?.name).toBe(ALICE_NAME);
  });

  it('never shows Bob anything from a contact he blocked, nor tells Alice it arrived', async () => {
    const { alice, bob } = suite;
    const bobChat = await bob.popup.openConversation(alice.id);
    await bobChat.blockContact.click();
    await bob.popup.showContacts();
    await bob.popup.contacts.waitFor(alice.id, { status: 'blocked' });
    expect((await storedContact(bob.popup.page, alice.id))?.status).toBe('blocked');

    const aliceChat = await alice.popup.openConversation(bob.id);
    const sent = await aliceChat.sendAndShow(whileBlocked);
    await sleep(NEVER_ARRIVES_MS);

    expect(await storedTexts(bob, alice.id)).not.toContain(whileBlocked);
    expect((await bob.popup.contacts.find(alice.id))?.unread ?? 0).toBe(0);
    expect(await badgeText(bob.profile)).toBe('');
    // A block is silent: Bob's host neither stores nor acknowledges what she sends.
    const [shown] = (await aliceChat.shown()).filter((message) => message.id === sent.id);
    expect(['sending', 'sent']).toContain(shown?.state);
  });

  it('lifts the block: Bob forgets Alice, accepts nothing on his behalf, shows nothing she sent', async () => {
    const { alice, bob } = suite;
    await bob.popup.showContacts();
    await bob.popup.contacts.unblockButton(alice.id).click();
    await expect
      .poll(async () => (await storedContact(bob.popup.page, alice.id))?.status ?? 'forgotten')
      .not.toBe('blocked');
    // Alice's host still counts Bob as a contact and will come knocking; that must not
    // make her one of Bob's contacts again, nor deliver what she sent while blocked.
    await sleep(NEVER_ARRIVES_MS);
    const entry = await bob.popup.contacts.find(alice.id);
    expect(entry?.status ?? 'forgotten', JSON.stringify(entry)).toMatch(/^(forgotten|incoming)$/);
    expect((await storedContact(bob.popup.page, alice.id))?.status ?? 'forgotten').toMatch(
      /^(forgotten|incoming)$/,
    );
    expect(await storedTexts(bob, alice.id)).not.toContain(whileBlocked);
  });

  it('removes a contact only once confirmed, forgetting the conversation; they can meet again', async () => {
    const { alice, bob } = suite;
    const chat = await alice.popup.openConversation(bob.id);
    await chat.removeContact.click();
    await chat.confirmRemove.waitFor({ state: 'visible' });
    expect(
      await storedContact(alice.popup.page, bob.id),
      'the contact before confirming',
    ).toBeDefined();
    await chat.confirmRemove.click();

    await alice.popup.showContacts();
    await alice.popup.contacts.waitForGone(bob.id);
    expect(await storedContact(alice.popup.page, bob.id)).toBeUndefined();
    expect(await storedTexts(alice, bob.id)).toEqual([]);

    // Adding Bob again starts afresh: a new request under the new nickname, no old history.
    await alice.popup.contacts.add(bob.id, 'Bob again');
    await alice.popup.contacts.waitFor(bob.id, { status: 'outgoing', name: 'Bob again' });
    await bob.popup.showContacts();
    await bob.popup.contacts.waitFor(alice.id, { status: 'incoming', name: ALICE_NAME }, 15_000);
    await bob.popup.contacts.accept(alice.id);
    await Promise.all([
      alice.popup.contacts.waitFor(bob.id, { status: 'accepted', online: true }, 15_000),
      bob.popup.contacts.waitFor(alice.id, { status: 'accepted', online: true }, 15_000),
    ]);
    expect(await storedTexts(alice, bob.id), "Alice's history with Bob").toEqual([]);

    // What Alice wrote while blocked went with the removed conversation: it never arrives.
    const fresh = `After meeting again ${randomUUID().slice(0, 8)}`;
    const aliceChat = await alice.popup.openConversation(bob.id);
    await aliceChat.sendAndShow(fresh);
    const bobChat = await bob.popup.openConversation(alice.id);
    await bobChat.waitForMessage(fresh, 'in');
    await sleep(1_000); // a resent old message would come before the new one; give it time
    expect((await aliceChat.shown()).map((message) => message.text)).toEqual([fresh]);
    expect((await bobChat.shown()).map((message) => message.text)).not.toContain(whileBlocked);
    expect(await storedTexts(bob, alice.id)).not.toContain(whileBlocked);
  });
});

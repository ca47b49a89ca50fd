// Chat between two contacts: messages both ways with delivery and read receipts, the
// badge and notifications while the popup is closed, history that survives a browser
// restart, and messages written while the other is offline, delivered once they are back.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  badgeText,
  clearNotifications,
  messageNotificationIds,
  waitForBadge,
} from '../support/attention.ts';
import { ChatPage } from '../support/chat-page.ts';
import { becomeContacts } from '../support/contact-flows.ts';
import { hasReached, type ShownMessage } from '../support/conversation-view.ts';
import { storedContact, storedMessages } from '../support/host-requests.ts';
import type { OnlineUser } from '../support/online-user.ts';
import { saveLightAndDark } from '../support/screenshots.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import { sleep } from '../support/wait.ts';

/**
 * How long a user stays offline with messages waiting for them: past the PeerServer's
 * 5 s expiry of an unanswered offer, so the sender's host has failed to reach them once.
 */
const AWAY_MS = 8_000;

/** Long enough for a notification to follow the badge, were one coming. */
const NOTIFICATION_GRACE_MS = 2_000;

/** Whether `user`'s host counts `peerId` as online right now. */
async function contactOnline(user: OnlineUser, peerId: string): Promise<boolean | undefined> {
  return (await storedContact(user.popup.page, peerId))?.online;
}

/** Opens a fresh popup for `user` (after a close or a restart) and waits until online. */
async function reopenPopup(user: OnlineUser): Promise<void> {
  user.popup = await user.profile.openPopup();
  await user.popup.status.waitFor('online', { timeoutMs: 20_000 });
}

async function setMuted(user: OnlineUser, notificationsMuted: boolean): Promise<void> {
  const options = await user.profile.openOptions();
  await options.savePreferences({ notificationsMuted });
  await options.waitForSavedPreferences({ notificationsMuted });
  await options.close();
}

function duplicates(messages: ShownMessage[]): string[] {
  const ids = messages.map((message) => message.id);
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}

describe('chat', () => {
  const suite = twoUserSuite('chat', { displayNames: { alice: 'Alice', bob: 'Bob' } });
  const tag = randomUUID().slice(0, 8);

  beforeAll(async () => {
    await becomeContacts(suite.alice, suite.bob);
  });

  it('carries messages both ways; each is delivered, then read once the recipient looks', async () => {
    const { alice, bob } = suite;
    const aliceChat = await alice.popup.openConversation(bob.id);
    const first = await aliceChat.sendAndShow(`Hello Bob, ça va? 👋 ${tag}`);
    expect(first.direction).toBe('out');
    expect(await aliceChat.composer.inputValue(), 'the composer after sending').toBe('');

    // Bob's popup shows his contact list, not this conversation: delivered, not read.
    await aliceChat.waitForState(first.id, 'delivered');
    await bob.popup.contacts.waitFor(alice.id, { unread: 1 });
    await sleep(1_000);
    expect((await aliceChat.shown()).find((m) => m.id === first.id)?.state).toBe('delivered');

    const bobChat = await bob.popup.openConversation(alice.id);
    const received = await bobChat.waitForMessage(first.text, 'in');
    expect(received.id, 'the same message ID on both sides').toBe(first.id);
    await aliceChat.waitForState(first.id, 'read');

    const reply = await bobChat.sendAndShow(`Hi Alice! ${tag}`, 'button');
    const replyAtAlice = await aliceChat.waitForMessage(reply.text, 'in');
    expect(replyAtAlice.id).toBe(reply.id);
    // Alice has the conversation open, so Bob's reply is read as soon as it lands.
    await bobChat.waitForState(reply.id, 'read');

    const [aliceSide, bobSide] = await Promise.all([aliceChat.shown(), bobChat.shown()]);
    expect(aliceSide.map((m) => [m.id, m.text])).toEqual(bobSide.map((m) => [m.id, m.text]));
    expect(aliceSide.map((m) => m.direction)).toEqual(['out', 'in']);
    expect(bobSide.map((m) => m.direction)).toEqual(['in', 'out']);
  });

  it("counts unread messages on Bob's badge and notifies him while his popup is closed", async () => {
    const { alice, bob } = suite;
    await bob.popup.close();
    await clearNotifications(bob.profile);
    const aliceChat = alice.popup.conversation(bob.id);
    const sent = [
      await aliceChat.sendAndShow(`Are you there? ${tag}`),
      await aliceChat.sendAndShow(`Ping ${tag}`),
    ];
    for (const message of sent) await aliceChat.waitForState(message.id, 'delivered');

    await waitForBadge(bob.profile, '2');
    await expect
      .poll(() => messageNotificationIds(bob.profile), { timeout: 10_000 })
      .not.toEqual([]);

    await reopenPopup(bob);
    await bob.popup.contacts.waitFor(alice.id, { unread: 2 });
    expect(await badgeText(bob.profile), 'the badge with the popup open on the list').toBe('2');

    await bob.popup.openConversation(alice.id);
    await waitForBadge(bob.profile, '');
    for (const message of sent) await aliceChat.waitForState(message.id, 'read');
    await bob.popup.showContacts();
    await bob.popup.contacts.waitFor(alice.id, { unread: 0 });
  });

  it('sends no notification while Bob has muted them, but still counts the message', async () => {
    const { alice, bob } = suite;
    await setMuted(bob, true);
    await bob.popup.close();
    await clearNotifications(bob.profile);

    const aliceChat = alice.popup.conversation(bob.id);
    const muted = await aliceChat.sendAndShow(`Quiet ping ${tag}`);
    await aliceChat.waitForState(muted.id, 'delivered');
    await waitForBadge(bob.profile, '1');
    await sleep(NOTIFICATION_GRACE_MS);
    expect(await messageNotificationIds(bob.profile)).toEqual([]);

    await setMuted(bob, false);
    await reopenPopup(bob);
    await bob.popup.openConversation(alice.id);
    await waitForBadge(bob.profile, '');
  });

  it("keeps Bob's history, receipts included, across a browser restart", async () => {
    const { alice, bob } = suite;
    // Five so far: one each way, two while the popup was closed, one while muted.
    const earlier = await bob.popup.openConversation(alice.id);
    await expect.poll(async () => (await earlier.shown()).length).toBe(5);
    const before = await earlier.shown();

    await bob.profile.close();
    await bob.profile.relaunch();
    await reopenPopup(bob);
    const bobChat = await bob.popup.openConversation(alice.id);
    await expect.poll(async () => (await bobChat.shown()).length).toBe(before.length);
    expect(await bobChat.shown()).toEqual(before);
    await expect.poll(() => contactOnline(alice, bob.id), { timeout: 30_000 }).toBe(true);
  });

  it('queues what one writes while the other is offline, and delivers it once, in order', async () => {
    // Peer IDs are random, so pick the roles: when both dial at once the smaller ID keeps
    // its own attempt (docs/protocol.md, "One connection per pair"), so a sender with the
    // smaller ID is the slower way back, and the one worth a test.
    const [sender, receiver] =
      suite.alice.id < suite.bob.id ? [suite.alice, suite.bob] : [suite.bob, suite.alice];
    await receiver.profile.close();
    await expect.poll(() => contactOnline(sender, receiver.id), { timeout: 30_000 }).toBe(false);

    const senderChat = await sender.popup.openConversation(receiver.id);
    const texts = [1, 2, 3].map((n) => `Queued ${n} of 3 ${tag}`);
    const queued: ShownMessage[] = [];
    for (const text of texts) queued.push(await senderChat.sendAndShow(text));
    await sleep(AWAY_MS);
    const waiting = (await senderChat.shown()).filter((m) => texts.includes(m.text));
    expect(waiting.map((m) => m.state)).toEqual(['sending', 'sending', 'sending']);

    // No view opens: the receiver's host alone must come back and take the queue.
    await receiver.profile.relaunch();
    for (const message of queued) await senderChat.waitForAtLeast(message.id, 'delivered', 45_000);

    await reopenPopup(receiver);
    const receiverChat = await receiver.popup.openConversation(sender.id);
    await receiverChat.waitForMessage(texts[2]!, 'in');
    await sleep(1_000); // a duplicate or a straggler would show by now
    const shown = await receiverChat.shown();
    const arrived = shown.filter((m) => texts.includes(m.text));
    expect(arrived.map((m) => [m.id, m.text, m.direction])).toEqual(
      queued.map((m) => [m.id, m.text, 'in']),
    );
    expect(duplicates(shown), 'message IDs the receiver sees twice').toEqual([]);
    const stored = await storedMessages(receiver.popup.page, sender.id);
    expect(stored.filter((m) => texts.includes(m.text)).map((m) => m.id)).toEqual(
      queued.map((m) => m.id),
    );

    const senderSide = (await senderChat.shown()).filter((m) => texts.includes(m.text));
    expect(senderSide.map((m) => m.id)).toEqual(queued.map((m) => m.id));
    for (const message of senderSide) expect(hasReached(message.state, 'delivered')).toBe(true);
  });

  it('opens the conversation full-page with the same messages, and sends from there', async () => {
    const { alice, bob } = suite;
    const aliceChat = await alice.popup.openConversation(bob.id);
    const stored = (await storedMessages(alice.popup.page, bob.id)).map((m) => m.id);
    expect(stored.length, 'messages so far').toBe(8);
    await expect.poll(async () => (await aliceChat.shown()).map((m) => m.id)).toEqual(stored);
    const full = await ChatPage.openFrom(alice.popup.page, bob.id);
    const url = new URL(full.page.url());
    expect(url.pathname).toBe('/chat.html');
    expect(decodeURIComponent(url.hash)).toBe(`#${bob.id}`);
    await expect
      .poll(async () => (await full.conversation.shown()).map((m) => m.id))
      .toEqual(stored);

    // A real popup closes once it has opened the tab; one opened as a tab may stay.
    if (alice.popup.page.isClosed()) await reopenPopup(alice);
    const popupChat = await alice.popup.openConversation(bob.id);

    const fromTab = await full.conversation.sendAndShow(`From the full page ${tag}`);
    const bobChat = await bob.popup.openConversation(alice.id);
    await bobChat.waitForMessage(fromTab.text, 'in');
    await full.conversation.waitForState(fromTab.id, 'read');
    // The popup, open on the same conversation, follows along.
    await popupChat.waitForState(fromTab.id, 'read');

    await saveLightAndDark(full.page, 'chat-full-page');
    await alice.popup.sizeLikeAPopup();
    await saveLightAndDark(alice.popup.page, 'popup-conversation');
    await alice.popup.showContacts();
    await alice.popup.sizeLikeAPopup();
    await saveLightAndDark(alice.popup.page, 'popup-contacts');
    await full.close();
  });
});

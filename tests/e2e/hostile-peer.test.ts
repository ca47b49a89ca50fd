// A hostile peer, Mallory, against Bob's host: plain PeerJS in a web page, writing frames
// no Parley would. Whatever she sends, Bob's views show peer input as text only, nothing
// she sends before Bob accepts her shows as chat, and every bad frame is dropped and
// logged while the connection, the host and the popup go on. She does the identity
// handshake too, or gets it wrong on purpose: then nothing she sends gets in, and once she
// is a contact Bob is warned.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { badgeText } from '../support/attention.ts';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import type { ConversationView } from '../support/conversation-view.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { requestHost, storedContact, storedMessages } from '../support/host-requests.ts';
import { HostilePeer, type HandshakeMode, type SendOutcome } from '../support/hostile-peer.ts';
import { waitForLine } from '../support/log-lines.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import { SignalingServer } from '../support/signaling-server.ts';
import { sleep } from '../support/wait.ts';

const HOSTILE_NAME = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const HOSTILE_TEXT =
  '<b>bold?</b><img src=x onerror=alert(3)><script>alert(4)</script> ' +
  'javascript:alert(5) [link](javascript:alert(6)) <a href="javascript:alert(7)">click</a>';
const PRE_ACCEPT_TEXT = 'Sent before Bob accepted me';
const MIB = 1024 * 1024;
/** How Parley opens a contact's connection (docs/protocol.md, "Transport"). */
const CONTACT_METADATA = { kind: 'contact' };
/** What the host logs for each frame it drops (lib/log.ts writes `[parley] <event>`). */
const REJECTED = /\[parley\] wire-frame-rejected/;

/** The kind of identity alarm Bob's host holds for `peerId`, or null for none. */
async function alarmKind(bob: OnlineUser, peerId: string): Promise<string | null> {
  return (await storedContact(bob.popup.page, peerId))?.alarm?.kind ?? null;
}

/**
 * Elements that peer input could have created, had a view rendered it as markup: the
 * hostile texts above use only these.
 */
async function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...[...document.querySelectorAll('img')]
      .filter((img) => img.getAttribute('src') === 'x')
      .map(() => 'img[src=x]'),
    ...[...document.querySelectorAll('script')]
      .filter((script) => (script.textContent ?? '').includes('alert'))
      .map((script) => `script: ${script.textContent}`),
    ...[...document.querySelectorAll('a')]
      .filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? ''))
      .map((a) => `a[href=${a.getAttribute('href')}]`),
    ...[...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold?').map(() => 'b'),
  ]);
}

interface HostileFrame {
  name: string;
  send(mallory: HostilePeer, target: string): Promise<SendOutcome>;
  /** The reason the host must log for it (docs/protocol.md, "Decoding"). */
  reason: 'not-text' | 'oversized' | 'malformed-json' | 'wrong-version' | 'invalid';
  /** Text the frame carries that must never show. */
  hidden?: string;
}

const HOSTILE_FRAMES: HostileFrame[] = [
  {
    name: 'a frame one byte over 32 KiB',
    reason: 'oversized',
    send: (mallory, target) => mallory.sendPaddedChat(target, 32 * 1024 + 1),
  },
  {
    name: 'a frame of 1 MiB, or the most the channel takes',
    reason: 'oversized',
    async send(mallory, target) {
      // A browser refuses to send more than the channel's max-message-size (Chromium:
      // 256 KiB); then the most it takes is the biggest frame a peer can send at all.
      const whole = await mallory.sendPaddedChat(target, MIB);
      if (whole.ok) return whole;
      const max = await mallory.maxMessageSize(target);
      console.info(`The browser refused 1 MiB (${whole.error}); sending ${max} bytes instead.`);
      return mallory.sendPaddedChat(target, max);
    },
  },
  {
    name: 'malformed JSON',
    reason: 'malformed-json',
    send: (mallory, target) => mallory.send(target, { text: '{"v":1,"type":"chat","id":' }),
  },
  {
    name: 'JSON that is not an object',
    reason: 'invalid',
    send: (mallory, target) => mallory.send(target, { text: '["v",1,"chat"]' }),
  },
  {
    name: 'a frame of version 2',
    reason: 'wrong-version',
    send: (mallory, target) =>
      mallory.sendJson(target, { ...mallory.chatFrame('From version two'), v: 2 }),
    hidden: 'From version two',
  },
  {
    name: 'a chat frame with fields of the wrong types',
    reason: 'invalid',
    send: (mallory, target) =>
      mallory.sendJson(target, {
        v: 1,
        type: 'chat',
        id: 42,
        seq: 'one',
        text: { html: '<img src=x onerror=alert(8)>' },
        sentAt: 'now',
      }),
  },
  {
    name: 'a frame of an unknown type',
    reason: 'invalid',
    send: (mallory, target) =>
      mallory.sendJson(target, { v: 1, type: 'exec', text: 'Unknown type', code: 'alert(9)' }),
    hidden: 'Unknown type',
  },
  {
    name: 'a binary frame',
    reason: 'not-text',
    send: (mallory, target) =>
      mallory.send(target, {
        binary: [...Buffer.from(JSON.stringify(mallory.chatFrame('Sent as binary')))],
      }),
    hidden: 'Sent as binary',
  },
  {
    // Every v1 object is closed. These extras name fields of a stored message, as if the
    // host might copy them in: the direction, a read state, another conversation.
    name: 'a chat frame with extra fields',
    reason: 'invalid',
    send: (mallory, target) => {
      const frame = mallory.chatFrame('With extra fields');
      const extras = { direction: 'out', state: 'read', peerId: 'someone-else', localOrder: -1 };
      const json = JSON.stringify({ ...frame, ...extras });
      return mallory.send(target, { text: `${json.slice(0, -1)},"__proto__":{"polluted":1}}` });
    },
    hidden: 'With extra fields',
  },
];

describe('a hostile peer', () => {
  let server: SignalingServer | undefined;
  let profile: ChromiumProfile | undefined;
  let mallory: HostilePeer | undefined;
  /** A second stranger, whose request Bob declines. */
  let trudy: HostilePeer | undefined;
  /** A stranger who never says who she is. */
  let eve: HostilePeer | undefined;
  let bob: OnlineUser;
  let chat: ConversationView;
  /** Every message Bob's conversation with Mallory should show, in order. */
  const valid: { id: string; text: string }[] = [];
  const dialogs: string[] = [];

  keepLogs('hostile-peer', () => ({ server, bob: profile, mallory, trudy, eve }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    profile = await ChromiumProfile.launch('bob');
    // An alert from peer input would be the proof of injection: record, dismiss, fail.
    profile.context.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()} (${dialog.page()?.url()})`);
      void dialog.dismiss().catch(() => {});
    });
    bob = await bringOnline(profile);
    mallory = await HostilePeer.start(profile.context, server);
    // Her page opened in front; a hidden tab gets no animation frames, which clicks wait for.
    await bob.popup.page.bringToFront();
  });

  afterEach(() => {
    expect(dialogs, 'dialogs opened by peer input').toEqual([]);
  });

  afterAll(async () => {
    await eve?.dispose();
    await trudy?.dispose();
    await mallory?.dispose();
    await profile?.dispose();
    await server?.stop();
  });

  /** Mallory sends a valid chat message; it must show in Bob's conversation. */
  async function sendValid(text: string): Promise<void> {
    const frame = mallory!.chatFrame(text);
    const outcome = await mallory!.sendJson(bob.id, frame);
    expect(outcome.ok, outcome.error).toBe(true);
    const shown = await chat.waitForMessage(text, 'in');
    expect(shown.id).toBe(frame.id);
    valid.push({ id: frame.id, text });
  }

  it("shows a stranger's request with the name as text, and none of what they send", async () => {
    await mallory!.connect(bob.id, CONTACT_METADATA);
    await mallory!.sendJson(bob.id, { v: 1, type: 'contact-request', name: HOSTILE_NAME });
    const early = mallory!.chatFrame(PRE_ACCEPT_TEXT);
    await mallory!.sendJson(bob.id, early);

    const request = await bob.popup.contacts.waitFor(mallory!.id, { status: 'incoming' }, 15_000);
    expect(request.name).toBe(HOSTILE_NAME);
    expect(await injectedElements(bob.popup.page)).toEqual([]);
    await sleep(1_000); // the chat frame came right behind the request
    expect(await storedMessages(bob.popup.page, mallory!.id)).toEqual([]);
    expect(request.unread).toBe(0);
    expect(await badgeText(profile!)).toBe('');
    // Dropped without a word: no receipt tells her it arrived.
    const receipts = (await mallory!.received()).filter((frame) => frame.includes('"receipt"'));
    expect(receipts.filter((frame) => frame.includes(early.id))).toEqual([]);
  });

  it('proves his key to her by the spec: her own check of his identity frame passes', async () => {
    const { identityKey } = await requestHost(bob.popup.page, 'getState', undefined);
    const identities = await mallory!.identitiesFrom(bob.id);
    expect(identities.length, 'identity frames from Bob').toBeGreaterThan(0);
    expect(identities).toEqual(
      identities.map(() => expect.objectContaining({ key: identityKey, verified: true })),
    );
  });

  it('closes a link whose first frame is not an identity frame, and drops all it brought', async () => {
    eve = await HostilePeer.start(profile!.context, server!, `eve-${Date.now()}`);
    await eve.setHandshake('skip');
    const early = eve.chatFrame('Sent before saying who I am');
    await eve.connect(bob.id, CONTACT_METADATA, 15_000, [
      { v: 1, type: 'contact-request', name: 'Eve' },
      early,
    ]);
    await expect.poll(() => eve!.isConnected(bob.id), { timeout: 5_000 }).toBe(false);

    expect(await storedContact(bob.popup.page, eve.id)).toBeUndefined();
    expect(await storedMessages(bob.popup.page, eve.id)).toEqual([]);
    expect(await bob.popup.contacts.find(eve.id)).toBeUndefined();
    expect(await badgeText(profile!)).toBe('');
  });

  it('closes a link that brings no identity frame within 10 s', async () => {
    await eve!.connect(bob.id, CONTACT_METADATA);
    const opened = Date.now();
    await expect
      .poll(() => eve!.isConnected(bob.id), { timeout: 14_000, interval: 250 })
      .toBe(false);
    console.info(`Bob closed Eve's silent link after ${Date.now() - opened} ms.`);
    expect(await storedContact(bob.popup.page, eve!.id)).toBeUndefined();
  });

  it('once accepted, shows markup in a message as text: no elements, no javascript: link', async () => {
    await bob.popup.contacts.accept(mallory!.id);
    await mallory!.waitForFrame('contact-accept');
    await bob.popup.contacts.waitFor(mallory!.id, { status: 'accepted', online: true });
    // Trust on first use: the key she proved is the one Bob's host keeps for her.
    const contact = await storedContact(bob.popup.page, mallory!.id);
    expect(contact?.publicKey).toBe(await mallory!.publicKey());
    expect(contact?.alarm).toBeNull();
    chat = await bob.popup.openConversation(mallory!.id);

    await sendValid(HOSTILE_TEXT);
    expect(await injectedElements(bob.popup.page)).toEqual([]);
    // What she sent before Bob accepted was never chat, and accepting does not make it so.
    const texts = (await chat.shown()).map((message) => message.text);
    expect(texts).not.toContain(PRE_ACCEPT_TEXT);
    const stored = await storedMessages(bob.popup.page, mallory!.id);
    expect(stored.map((message) => message.text)).not.toContain(PRE_ACCEPT_TEXT);
  });

  for (const [index, frame] of HOSTILE_FRAMES.entries()) {
    it(`drops ${frame.name}, logs it, and goes on`, async () => {
      expect(chat, 'needs the conversation from the tests above').toBeDefined();
      const connection = await mallory!.openConnectionId(bob.id);
      const logMark = profile!.logLines.length;

      const outcome = await frame.send(mallory!, bob.id);
      expect(outcome.ok, `the browser refused to send it: ${outcome.error}`).toBe(true);
      await sendValid(`Still here after ${frame.name} (#${index + 1})`);

      const logged = await waitForLine(profile!, REJECTED, { after: logMark });
      expect(logged).toContain(`"reason":"${frame.reason}"`);
      expect(await mallory!.openConnectionId(bob.id), 'the connection after the frame').toBe(
        connection,
      );
      const shown = await chat.shown();
      if (frame.hidden) expect(shown.map((m) => m.text)).not.toContain(frame.hidden);
      // Nothing but the valid messages shows: the bad frame added nothing.
      expect(shown.map((m) => m.id)).toEqual(valid.map((m) => m.id));
      expect(await injectedElements(bob.popup.page)).toEqual([]);
    });
  }

  it("refuses to let her rewrite Bob's message or her own by reusing their IDs", async () => {
    const bobs = await chat.sendAndShow('Words of my own');
    valid.push({ id: bobs.id, text: bobs.text });
    const echo = await mallory!.waitForFrame('chat', (frame) => frame.id === bobs.id);
    const logMark = profile!.logLines.length;
    // Bob's own message ID, as if it were hers: refused, logged, not acknowledged.
    await mallory!.sendJson(bob.id, { ...echo, seq: 999, text: 'Rewritten by Mallory' });
    await waitForLine(profile!, /wire-frame-rejected.*id-conflict/, { after: logMark });
    // Her own earlier message again, with new text: a duplicate, stored and shown once.
    const [first] = valid;
    await mallory!.sendJson(bob.id, {
      ...mallory!.chatFrame(''),
      id: first!.id,
      text: 'Rewritten',
    });
    await sendValid('Still here after reused IDs');

    const shown = await chat.shown();
    expect(shown.filter((m) => m.id === bobs.id)).toEqual([
      expect.objectContaining({ direction: 'out', text: bobs.text }),
    ]);
    expect(shown.filter((m) => m.id === first!.id)).toEqual([
      expect.objectContaining({ direction: 'in', text: first!.text }),
    ]);
    expect(shown.map((m) => m.text)).not.toContain('Rewritten by Mallory');
    expect(shown.map((m) => m.text)).not.toContain('Rewritten');
  });

  it("leaves Bob's popup working: it reloads online and shows her messages in order", async () => {
    await bob.popup.page.reload();
    await bob.popup.status.waitFor('online');
    await bob.popup.contacts.waitFor(mallory!.id, { status: 'accepted', name: HOSTILE_NAME });
    chat = await bob.popup.openConversation(mallory!.id);
    await sendValid('Last words');
    await expect
      .poll(async () => (await chat.shown()).map((message) => [message.id, message.text]))
      .toEqual(valid.map((message) => [message.id, message.text]));
    expect(await storedContact(bob.popup.page, 'someone-else')).toBeUndefined();
    expect(await injectedElements(bob.popup.page)).toEqual([]);
  });

  it('blocks a stranger whose request Bob declines: the link closes, nothing more gets in', async () => {
    trudy = await HostilePeer.start(profile!.context, server!, `trudy-${Date.now()}`);
    await trudy.connect(bob.id, CONTACT_METADATA);
    await trudy.sendJson(bob.id, { v: 1, type: 'contact-request', name: 'Trudy' });
    await bob.popup.showContacts();
    await bob.popup.contacts.waitFor(trudy.id, { status: 'incoming', name: 'Trudy' });

    await bob.popup.contacts.blockRequest(trudy.id);
    await bob.popup.contacts.waitFor(trudy.id, { status: 'blocked' });
    await expect.poll(() => trudy!.isConnected(bob.id), { timeout: 5_000 }).toBe(false);

    // Coming back is no use: the host turns her away before she can say a word.
    const logMark = profile!.logLines.length;
    await trudy.connect(bob.id, CONTACT_METADATA, 2_000).catch(() => undefined);
    await waitForLine(profile!, /link-refused-blocked/, { after: logMark });
    await trudy.sendJson(bob.id, trudy.chatFrame('Let me in'));
    await sleep(1_000);
    expect(await storedMessages(bob.popup.page, trudy.id)).toEqual([]);
    expect((await storedContact(bob.popup.page, trudy.id))?.status).toBe('blocked');
  });

  /** The ways an accepted contact can get the handshake wrong, each followed by amends. */
  const MISTAKES: {
    name: string;
    mode: (peers: { trudy: HostilePeer }) => Promise<HandshakeMode>;
  }[] = [
    { name: 'sends chat before any identity frame', mode: async () => 'skip' },
    { name: 'signs badly', mode: async () => 'bad-signature' },
    {
      name: "presents another peer's key",
      mode: async ({ trudy }) => ({ presentKey: await trudy.publicKey() }),
    },
  ];

  for (const [index, mistake] of MISTAKES.entries()) {
    it(`warns Bob when his contact ${mistake.name}, and shows nothing she sends with it`, async () => {
      expect(await alarmKind(bob, mallory!.id), 'the alarm before').toBeNull();
      chat = await bob.popup.openConversation(mallory!.id);
      const hidden = `Behind a handshake that ${mistake.name} (#${index + 1})`;
      const frame = mallory!.chatFrame(hidden);
      await mallory!.setHandshake(await mistake.mode({ trudy: trudy! }));
      await mallory!.disconnect(bob.id);
      // Once Bob's host has seen her go, it takes her new connection rather than calling her.
      await expect
        .poll(async () => (await storedContact(bob.popup.page, mallory!.id))?.online)
        .toBe(false);
      // Her chat goes right behind her identity frame (or, skipping it, first).
      await mallory!.connect(bob.id, CONTACT_METADATA, 15_000, [frame]);

      await expect
        .poll(() => alarmKind(bob, mallory!.id), { timeout: 10_000 })
        .toBe('handshake-failed');
      await expect.poll(() => mallory!.isConnected(bob.id), { timeout: 5_000 }).toBe(false);
      // Whatever she tries now (Bob's host calls her back, and gets the same) gets nowhere.
      await mallory!.sendJson(bob.id, mallory!.chatFrame(`${hidden}, again`));
      await sleep(1_000);
      const texts = (await storedMessages(bob.popup.page, mallory!.id)).map((m) => m.text);
      expect(texts.filter((text) => text.startsWith(hidden))).toEqual([]);
      expect((await chat.shown()).map((m) => m.id)).toEqual(valid.map((m) => m.id));
      expect(await alarmKind(bob, mallory!.id), 'the alarm after a while').toBe('handshake-failed');
      expect(await chat.alarmKind(), 'the warning in the conversation').toBe('handshake-failed');
      expect(await chat.identityAlarm.getAttribute('role')).toBe('alert');
      expect(await injectedElements(bob.popup.page)).toEqual([]);

      // An honest handshake clears the warning, and her messages show again. Bob's host
      // may be calling her back just now, and then keeps its own connection over hers:
      // either will do.
      await mallory!.setHandshake('honest');
      await mallory!.connect(bob.id, CONTACT_METADATA, 5_000).catch(() => undefined);
      await expect.poll(() => alarmKind(bob, mallory!.id), { timeout: 20_000 }).toBeNull();
      await expect.poll(() => chat.alarmKind()).toBeNull();
      await sendValid(`Honest again after a handshake that ${mistake.name}`);
    });
  }
});

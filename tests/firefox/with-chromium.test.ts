// Firefox and Chromium as two users of Parley: they become contacts, chat both ways, and
// send each other files that land byte for byte in the other's downloads folder. Here
// Firefox's WebRTC, its background-page host, its OPFS worker and its downloads API meet
// Chromium's offscreen host, which no Chromium-only test exercises.
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_BYTES } from '../../lib/transfer/receive/file-sink-core.ts';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { FirefoxPopup } from '../support/firefox-popup.ts';
import { FirefoxUser } from '../support/firefox-user.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import { ready } from '../support/one-user-suite.ts';
import { becomeContactsAcrossBrowsers } from '../support/cross-browser-contacts.ts';
import { SignalingServer } from '../support/signaling-server.ts';
import {
  savedDownload,
  type SavedDownload,
  sha256OfFile,
  TransferCards,
  testFiles,
} from '../support/transfers.ts';

/**
 * Past two of the receiver's checkpoints (each flushes the file and saves the hash state),
 * and not a whole number of 64 KiB messages, so the last one is short.
 */
const FILE_BYTES = 2 * CHECKPOINT_BYTES + 12_345;

describe('Firefox with Chromium', () => {
  let server: SignalingServer | undefined;
  let profile: ChromiumProfile | undefined;
  let alice: OnlineUser | undefined;
  let carol: FirefoxUser | undefined;
  let carolPopup: FirefoxPopup | undefined;
  let carolId = '';
  let files: { dir: string; paths: string[] } | undefined;

  keepLogs('firefox-with-chromium', () => ({ server, alice: profile, carol }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    files = await testFiles([
      { name: 'empty-to-firefox.txt', size: 0 },
      { name: 'to-firefox.bin', size: FILE_BYTES },
      { name: 'empty-to-chromium.txt', size: 0 },
      { name: 'to-chromium.bin', size: FILE_BYTES },
    ]);
    await Promise.all([
      ChromiumProfile.launch('alice').then(async (launched) => {
        profile = launched;
        alice = await bringOnline(launched);
      }),
      FirefoxUser.launch('carol').then(async (launched) => {
        carol = launched;
        carolPopup = new FirefoxPopup(await launched.openPopup());
        carolId = await carolPopup.waitUntilOnline();
      }),
    ]);

    // Carol's Firefox asks and opens the link; Alice's Chromium accepts.
    await becomeContactsAcrossBrowsers(
      ready(alice, 'Alice'),
      ready(carolPopup, "Carol's popup"),
      carolId,
    );
    const { popup, id: aliceId } = ready(alice, 'Alice');
    const firefox = ready(carolPopup, "Carol's popup");
    await popup.openConversation(carolId);
    await firefox.openConversation(aliceId);
  });

  afterAll(async () => {
    await Promise.allSettled([profile?.dispose(), carol?.close()]);
    await server?.stop();
    if (files) await rm(files.dir, { recursive: true, force: true });
  });

  function testFile(name: string): string {
    const found = ready(files, 'the test files').paths.find((p) => path.basename(p) === name);
    if (!found) throw new Error(`There is no test file ${name}.`);
    return found;
  }

  /** The saved copy, checked complete and named `name` in `downloadsDir`, matches `source`. */
  async function expectSavedCopy(
    saved: SavedDownload | undefined,
    source: string,
    downloadsDir: string,
  ): Promise<void> {
    const name = path.basename(source);
    expect(saved, `the download of ${name}`).toMatchObject({
      state: 'complete',
      fileSize: (await stat(source)).size,
      filename: path.join(downloadsDir, name),
    });
    expect(await sha256OfFile(saved!.filename), `SHA-256 of the saved ${name}`).toBe(
      await sha256OfFile(source),
    );
  }

  it('carries a chat message each way, each read by the other', async () => {
    const { popup, id: aliceId } = ready(alice, 'Alice');
    const firefox = ready(carolPopup, "Carol's popup");
    const aliceChat = popup.conversation(carolId);

    const hello = await aliceChat.sendAndShow('Hello Carol, from Chromium 👋');
    await firefox.waitForMessage(
      aliceId,
      (message) => message.id === hello.id && message.direction === 'in',
      `Alice's message ${hello.id}`,
    );
    await aliceChat.waitForState(hello.id, 'read');

    const text = 'Hi Alice, from Firefox 🦊';
    await firefox.send(text);
    const reply = await aliceChat.waitForMessage(text, 'in');
    await firefox.waitForMessage(
      aliceId,
      (message) => message.id === reply.id && message.state === 'read',
      `Carol's message ${reply.id} to be read`,
    );
  });

  it('sends files from Chromium to Firefox, saved in its downloads with the same SHA-256', async () => {
    const { popup } = ready(alice, 'Alice');
    const firefox = ready(carolPopup, "Carol's popup");
    const sent = new TransferCards(popup.page);

    for (const source of [testFile('empty-to-firefox.txt'), testFile('to-firefox.bin')]) {
      const before = new Set((await firefox.transfers()).map((card) => card.id));
      await sent.attach([source]);
      const id = await firefox.waitForNewTransfer(before, 'in');
      await firefox.acceptTransfer(id);
      await firefox.waitForTransfer(id, ['complete'], 30_000);
      await sent.waitForState(id, ['complete'], 10_000);

      const { downloadId } = await firefox.transferSummary(id);
      expect(downloadId, 'the download id of the saved file').not.toBeNull();
      const saved = await firefox.savedDownload(downloadId!);
      await expectSavedCopy(saved, source, ready(carol, 'Carol').downloadsDir);
    }
  });

  it('sends files from Firefox to Chromium, saved in its downloads with the same SHA-256', async () => {
    const { popup, profile: chromium } = ready(alice, 'Alice');
    const firefox = ready(carolPopup, "Carol's popup");
    const received = new TransferCards(popup.page);

    for (const source of [testFile('empty-to-chromium.txt'), testFile('to-chromium.bin')]) {
      const before = await received.ids();
      await firefox.attach([source]);
      const id = await received.waitForNew(before, 'in');
      await received.accept(id);
      await received.waitForState(id, ['complete'], 30_000);
      await firefox.waitForTransfer(id, ['complete'], 10_000);

      const { downloadId } = await received.summary(id);
      expect(downloadId, 'the download id of the saved file').not.toBeNull();
      const saved = await savedDownload(chromium, downloadId!);
      await expectSavedCopy(saved, source, chromium.downloadsDir);
    }
  });
});

// File sharing between two contacts, through the views, the hosts and the real server:
// offered, accepted, streamed to disk, verified and saved to Downloads byte for byte;
// declined, cancelled from either side, resumed after the receiver's browser crashes or
// (once the file is attached again) the sender's, saved under a safe name whatever the
// sender called it, and sent on with the popup shut.
import { existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_BYTES } from '../../lib/transfer/receive/file-sink-core.ts';
import { HIGH_WATER_BYTES, MESSAGE_BYTES } from '../../lib/transfer/send/pump-file.ts';
import { safeFileName } from '../../lib/transfer/safe-file-name.ts';
import { becomeContacts } from '../support/contact-flows.ts';
import { waitForLine } from '../support/log-lines.ts';
import type { OnlineUser } from '../support/online-user.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import {
  downloadsListing,
  type FilePayload,
  hasPartFile,
  savedDownload,
  sha256OfFile,
  storedCheckpoint,
  TransferCards,
  testFiles,
} from '../support/transfers.ts';
import { expectNothingKept } from '../support/transfer-expectations.ts';
import { waitFor } from '../support/wait.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('file transfer', () => {
  const suite = twoUserSuite('file-transfer', { displayNames: { alice: 'Alice', bob: 'Bob' } });
  const folders: string[] = [];

  beforeAll(async () => {
    await becomeContacts(suite.alice, suite.bob);
  });

  afterAll(async () => {
    await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function makeFiles(files: { name: string; size: number }[]): Promise<string[]> {
    const { dir, paths } = await testFiles(files);
    folders.push(dir);
    return paths;
  }

  /** Opens a fresh popup for `user` (after a close or a restart) and waits until online. */
  async function reopenPopup(user: OnlineUser): Promise<void> {
    user.popup = await user.profile.openPopup();
    await user.popup.status.waitFor('online', { timeoutMs: 20_000 });
  }

  /** Puts each user's conversation with the other on screen; Alice sends, Bob receives. */
  async function openCards(): Promise<{ sent: TransferCards; received: TransferCards }> {
    const { alice, bob } = suite;
    // A test that failed before reopening a popup it closed leaves the next one a new one.
    for (const user of [alice, bob]) if (user.popup.page.isClosed()) await reopenPopup(user);
    await alice.popup.openConversation(bob.id);
    await bob.popup.openConversation(alice.id);
    return {
      sent: new TransferCards(alice.popup.page),
      received: new TransferCards(bob.popup.page),
    };
  }

  /** Alice attaches one file; resolves with the transfer's id once Bob's card shows the offer. */
  async function offer(
    sent: TransferCards,
    received: TransferCards,
    file: [string] | [FilePayload],
  ): Promise<string> {
    const before = await received.ids();
    await sent.attach(file);
    return received.waitForNew(before, 'in');
  }

  /** Bob's saved copy of transfer `id`, checked complete and named `name` in Downloads. */
  async function savedCopy(received: TransferCards, id: string, name: string, size: number) {
    const { downloadId } = await received.summary(id);
    expect(downloadId, 'the download id of the saved file').not.toBeNull();
    const saved = await savedDownload(suite.bob.profile, downloadId!);
    expect(saved, 'the download as Chromium reports it').toMatchObject({
      state: 'complete',
      fileSize: size,
      filename: path.join(suite.bob.profile.downloadsDir, name),
    });
    return saved!.filename;
  }

  it('sends three files, 0 bytes, 1 byte and 50 MiB, whose SHA-256 match in Downloads', async () => {
    const paths = await makeFiles([
      { name: 'empty.txt', size: 0 },
      { name: 'one.bin', size: 1 },
      { name: 'big.bin', size: 50 * MiB },
    ]);
    const { sent, received } = await openCards();

    for (const file of paths) {
      const id = await offer(sent, received, [file]);
      await received.accept(id);
      await received.waitForState(id, ['complete'], 60_000);
      await sent.waitForState(id, ['complete'], 10_000);
      const saved = await savedCopy(received, id, path.basename(file), (await stat(file)).size);
      expect(await sha256OfFile(saved), `SHA-256 of ${path.basename(file)}`).toBe(
        await sha256OfFile(file),
      );
    }
  });

  it('ends as declined on both sides when Bob declines, and Bob keeps nothing', async () => {
    const [file] = await makeFiles([{ name: 'declined.bin', size: 1 * MiB }]);
    const { sent, received } = await openCards();
    const downloads = await downloadsListing(suite.bob.profile);

    const id = await offer(sent, received, [file!]);
    await received.decline(id);
    await received.waitForState(id, ['declined'], 10_000);
    await sent.waitForState(id, ['declined'], 10_000);
    await expectNothingKept(received, suite.bob.profile, id, downloads);
  });

  it.each(['Alice', 'Bob'] as const)(
    'ends as cancelled on both sides when %s cancels mid-way, and Bob keeps nothing',
    async (who) => {
      const [file] = await makeFiles([{ name: `cancelled-by-${who}.bin`, size: 200 * MiB }]);
      const { sent, received } = await openCards();
      const downloads = await downloadsListing(suite.bob.profile);

      const id = await offer(sent, received, [file!]);
      await received.accept(id);
      await waitFor(
        'Bob to have received part of the file',
        async () => ((await received.progress(id)) ?? 0) > 0 || undefined,
        { timeoutMs: 15_000, intervalMs: 50 },
      );
      expect(await hasPartFile(received.page, id), "Bob's partial file, mid-way").toBe(true);
      await (who === 'Alice' ? sent : received).cancel(id);
      await received.waitForState(id, ['cancelled'], 10_000);
      await sent.waitForState(id, ['cancelled'], 10_000);
      await expectNothingKept(received, suite.bob.profile, id, downloads);
    },
  );

  it('saves files with hostile names inside Downloads, under the names safeFileName gives', async () => {
    const { bob } = suite;
    const { sent, received } = await openCards();
    const names = [
      '../../etc/passwd',
      'a\u0007b\u001bc.txt',
      'evil\u202Etxt.exe',
      // 300 characters, 400 UTF-8 bytes: more than any file system takes in one name.
      `${'ü'.repeat(100)}${'x'.repeat(196)}.txt`,
    ];

    for (const name of names) {
      const expected = safeFileName(name);
      const buffer = Buffer.from(`The file Alice called ${JSON.stringify(name)}.\n`);
      const id = await offer(sent, received, [{ name, mimeType: 'text/plain', buffer }]);
      expect((await received.summary(id)).name, `the offer of ${JSON.stringify(name)}`).toBe(
        expected,
      );
      await received.accept(id);
      await received.waitForState(id, ['complete'], 15_000);
      await sent.waitForState(id, ['complete'], 10_000);
      const saved = await savedCopy(received, id, expected, buffer.length);
      expect(path.dirname(saved), 'the folder it was saved in').toBe(bob.profile.downloadsDir);
      expect(await readFile(saved), `the contents of ${JSON.stringify(expected)}`).toEqual(buffer);
    }
    const escaped = path.resolve(bob.profile.downloadsDir, names[0]!);
    expect(existsSync(escaped), `${escaped}, where ${names[0]} leads`).toBe(false);
  });

  it("finishes sending after Alice's popup closes right after she attached the file", async () => {
    const { alice, bob } = suite;
    const [file] = await makeFiles([{ name: 'popup-closed.bin', size: 30 * MiB }]);
    const { sent, received } = await openCards();

    const before = await received.ids();
    await sent.attach([file!]);
    await alice.popup.close();
    const id = await received.waitForNew(before, 'in');
    await received.accept(id);
    await received.waitForState(id, ['complete'], 30_000);
    const saved = await savedCopy(received, id, path.basename(file!), 30 * MiB);
    expect(await sha256OfFile(saved), 'SHA-256 of the saved file').toBe(await sha256OfFile(file!));

    await reopenPopup(alice);
    await alice.popup.openConversation(bob.id);
    await new TransferCards(alice.popup.page).waitForState(id, ['complete'], 10_000);
  });

  it("resumes after Bob's browser crashes mid-way, without resending what he had stored", async () => {
    const { alice, bob } = suite;
    // 40 % of it is 80 MiB, several times what a resume may send twice (see the end).
    const size = 200 * MiB;
    const [file] = await makeFiles([{ name: 'resumed.bin', size }]);
    const { sent, received } = await openCards();

    const id = await offer(sent, received, [file!]);
    await received.accept(id);
    // Killed as soon as Bob has stored 40 % (flushed, and its checkpoint recorded): what
    // he received since is all that may be sent twice.
    const stored = await waitFor(
      'Bob to have stored 40 % of the file',
      async () => {
        const bytes = await storedCheckpoint(received.page, id);
        return bytes >= 0.4 * size ? bytes : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await bob.profile.kill();
    const logMark = bob.profile.logLines.length;
    await bob.profile.relaunch();

    // Chromium restores no tab of the killed session, and no view of Bob's is open: his
    // host resumes by itself, from what it had stored.
    const views = bob.profile.context.pages().filter((page) => page.url().startsWith('chrome-'));
    expect(
      views.map((page) => page.url()),
      "Bob's extension pages after the restart",
    ).toEqual([]);
    const accepted = new RegExp(`transfer-accepted \\{"id":"${id}"`);
    const resumed = await waitForLine(bob.profile, accepted, { after: logMark, timeoutMs: 30_000 });
    const { offset } = JSON.parse(resumed.slice(resumed.indexOf('{'))) as { offset: number };
    expect(offset, 'where the resumed transfer starts').toBeGreaterThanOrEqual(stored);
    const { sentBytes } = await sent.waitForState(id, ['complete'], 60_000);

    await reopenPopup(bob);
    await bob.popup.openConversation(alice.id);
    const reopened = new TransferCards(bob.popup.page);
    await reopened.waitForState(id, ['complete'], 10_000);
    const saved = await savedCopy(reopened, id, path.basename(file!), size);
    expect(await sha256OfFile(saved), 'SHA-256 of the saved file').toBe(await sha256OfFile(file!));
    expect(await hasPartFile(reopened.page, id), "Bob's host's own copy, once saved").toBe(false);

    // What Bob had flushed is not sent again: beyond the file itself, Alice sent at most
    // what Bob received after his last checkpoint, and what the channel held: up to its
    // high-water mark, plus the one message the pump sends while at or under the mark.
    expect(sentBytes, "bytes Alice's card says she sent").toBeGreaterThanOrEqual(size);
    expect(sentBytes, "bytes Alice's card says she sent").toBeLessThanOrEqual(
      size + CHECKPOINT_BYTES + HIGH_WATER_BYTES + MESSAGE_BYTES,
    );
  });

  it("pauses when Alice's browser is killed mid-way, and resumes once she attaches the file again", async () => {
    const { alice, bob } = suite;
    const size = 200 * MiB;
    const [file] = await makeFiles([{ name: 'reattached.bin', size }]);
    const { sent, received } = await openCards();

    const id = await offer(sent, received, [file!]);
    await received.accept(id);
    await waitFor(
      'Bob to have stored 40 % of the file',
      async () => ((await storedCheckpoint(received.page, id)) >= 0.4 * size ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    // Alice's host held the File in memory: killed, it is gone.
    await alice.profile.kill();
    await alice.profile.relaunch();
    await reopenPopup(alice);
    await alice.popup.openConversation(bob.id);
    const resent = new TransferCards(alice.popup.page);

    // Paused on both sides, not cancelled: Bob keeps what he stored.
    const paused = await resent.waitForState(id, ['paused'], 30_000);
    await received.waitForState(id, ['paused'], 30_000);
    expect(await resent.status(id), "Alice's card").toBe(
      'Paused: attach reattached.bin again to resume',
    );
    expect(await received.status(id), "Bob's card").toBe('Waiting for Alice to resume');
    const stored = await storedCheckpoint(received.page, id);
    expect(stored, 'what Bob has stored').toBeGreaterThanOrEqual(0.4 * size);
    expect(await hasPartFile(received.page, id), "Bob's partial file, paused").toBe(true);

    await resent.reattach(id, file!);
    const { sentBytes } = await resent.waitForState(id, ['complete'], 60_000);
    await received.waitForState(id, ['complete'], 30_000);
    const saved = await savedCopy(received, id, path.basename(file!), size);
    expect(await sha256OfFile(saved), 'SHA-256 of the saved file').toBe(await sha256OfFile(file!));

    // After the restart Alice sent exactly what Bob lacked: his stored prefix stayed put.
    expect(sentBytes! - paused.sentBytes!, 'bytes Alice sent after she attached it').toBe(
      size - stored,
    );
  });
});

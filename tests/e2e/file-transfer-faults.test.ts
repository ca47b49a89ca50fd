// File transfers that go wrong for real, mid-way: Alice's file is deleted or changed on
// her disk while she sends it, and Bob's disk fills up while he receives. Each ends as
// failed on both sides with a sentence that says why, and Bob keeps nothing of it.
// Bob's browser keeps its storage on a small disk of its own (a tmpfs, see small-disk.ts),
// which the test fills as another program would.
import { appendFile, open, rm, truncate } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../lib/transfer/format-bytes.ts';
import { becomeContacts } from '../support/contact-flows.ts';
import { SmallDisk, smallDiskLauncher } from '../support/small-disk.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import {
  downloadsListing,
  hasPartFile,
  savedDownload,
  sha256OfFile,
  storedTransfer,
  TransferCards,
  testFiles,
} from '../support/transfers.ts';
import { expectNothingKept } from '../support/transfer-expectations.ts';
import { waitFor } from '../support/wait.ts';

const MiB = 1024 * 1024;
/** Bob's disk. Chromium lets his extension store about half of it (64 MiB). */
const BOB_DISK_MIB = 128;
/** The files that should fit: large enough to be sent for a while, small enough for Bob. */
const FILE_BYTES = 48 * MiB;

describe('file transfer faults', () => {
  const suite = twoUserSuite('file-transfer-faults', {
    displayNames: { alice: 'Alice', bob: 'Bob' },
    launchers: { bob: smallDiskLauncher(BOB_DISK_MIB) },
  });
  const folders: string[] = [];
  let sent: TransferCards;
  let received: TransferCards;

  beforeAll(async () => {
    const { alice, bob } = suite;
    await becomeContacts(alice, bob);
    await alice.popup.openConversation(bob.id);
    await bob.popup.openConversation(alice.id);
    sent = new TransferCards(alice.popup.page);
    received = new TransferCards(bob.popup.page);
  });

  afterAll(async () => {
    await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function makeFile(name: string, size: number): Promise<string> {
    const { dir, paths } = await testFiles([{ name, size }]);
    folders.push(dir);
    return paths[0]!;
  }

  /** A file of zeros that takes no room on disk (and no time to make). */
  async function makeSparseFile(name: string, size: number): Promise<string> {
    const file = await makeFile(name, 0);
    await truncate(file, size);
    return file;
  }

  /** Alice attaches the file at `file`, Bob accepts it; resolves with the transfer's id. */
  async function sendAndAccept(file: string): Promise<string> {
    const before = await received.ids();
    await sent.attach([file]);
    const id = await received.waitForNew(before, 'in');
    await received.accept(id);
    return id;
  }

  /** Waits until Bob has some of transfer `id` on disk, not all of it. */
  async function waitUntilMidWay(id: string): Promise<void> {
    await waitFor(
      'Bob to have received part of the file',
      async () => ((await received.progress(id)) ?? 0) > 0 || undefined,
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(await hasPartFile(received.page, id), "Bob's partial file, mid-way").toBe(true);
  }

  /** Both cards end failed, each with its sentence of why. */
  async function expectFailed(id: string, alicesProblem: string, bobsProblem: string) {
    await received.waitForState(id, ['failed'], 15_000);
    await sent.waitForState(id, ['failed'], 15_000);
    for (const [cards, problem] of [
      [sent, alicesProblem],
      [received, bobsProblem],
    ] as const) {
      await expect
        .poll(() => cards.card(id).getByTestId('transfer-problem').textContent())
        .toBe(problem);
    }
  }

  /** What Bob's browser says his extension may still store: what his host checks offers against. */
  async function reportedFreeSpace(): Promise<number> {
    const { quota, usage } = await received.page.evaluate(() => navigator.storage.estimate());
    return (quota ?? 0) - (usage ?? 0);
  }

  const unreadable = {
    alice: 'The file changed or was deleted before it was sent.',
    bob: 'The file changed or was deleted on Alice’s side before it was sent.',
  };

  it.each([
    ['deleted', (file: string) => rm(file)],
    [
      'overwritten in place',
      async (file: string) => {
        const handle = await open(file, 'r+');
        await handle.write(Buffer.from('changed'), 0, 7, (await handle.stat()).size - 7);
        await handle.close();
      },
    ],
    ['grown', (file: string) => appendFile(file, 'more')],
    ['cut short', (file: string) => truncate(file, MiB)],
  ] as const)(
    "fails on both sides when Alice's file is %s mid-send, and Bob keeps nothing",
    async (what, change) => {
      const file = await makeFile(`${what.replaceAll(' ', '-')}.bin`, FILE_BYTES);
      const downloads = await downloadsListing(suite.bob.profile);

      const id = await sendAndAccept(file);
      await waitUntilMidWay(id);
      await change(file);
      await expectFailed(id, unreadable.alice, unreadable.bob);
      await expectNothingKept(received, suite.bob.profile, id, downloads);
    },
  );

  it("refuses up front an offer larger than the space Bob's browser reports, and says so", async () => {
    const free = await reportedFreeSpace();
    const file = await makeSparseFile('too-big.bin', 2 * free);
    const downloads = await downloadsListing(suite.bob.profile);

    const before = await received.ids();
    await sent.attach([file]);
    const id = await received.waitForNew(before, 'in');
    await received.accept(id);
    await expect
      .poll(() => received.card(id).getByTestId('transfer-error').textContent())
      .toBe(
        `Not enough space: the file needs ${formatBytes(2 * free)}, and ${formatBytes(free)} are free.`,
      );
    // Still an offer, which Bob may accept once he has made room, or decline.
    expect((await received.summary(id)).state, "Bob's side").toBe('offered');
    expect((await sent.summary(id)).state, "Alice's side").toBe('offered');
    expect(await hasPartFile(received.page, id), "Bob's partial file").toBe(false);
    await received.decline(id);
    await sent.waitForState(id, ['declined'], 10_000);
    await expectNothingKept(received, suite.bob.profile, id, downloads);
  });

  it("fails with no-space when a file larger than Bob's disk fits what his browser reports", async () => {
    const { size } = await new SmallDisk(suite.bob.profile).usage();
    const larger = size + 16 * MiB;
    expect(larger, 'the file, within the space Bob is told he has').toBeLessThan(
      await reportedFreeSpace(),
    );
    const file = await makeSparseFile('larger-than-the-disk.bin', larger);
    const downloads = await downloadsListing(suite.bob.profile);

    const id = await sendAndAccept(file);
    await waitUntilMidWay(id);
    await expectFailed(id, 'Bob did not have enough disk space.', 'Not enough disk space.');
    expect((await received.summary(id)).reason, "Bob's reason").toBe('no-space');
    await expectNothingKept(received, suite.bob.profile, id, downloads);
  });

  it("fails on both sides with no-space when Bob's disk is full as he accepts", async () => {
    const disk = new SmallDisk(suite.bob.profile);
    const file = await makeFile('onto-a-full-disk.bin', MiB);
    const downloads = await downloadsListing(suite.bob.profile);
    await disk.fill();
    try {
      const id = await sendAndAccept(file);
      await expectFailed(id, 'Bob did not have enough disk space.', 'Not enough disk space.');
      expect((await received.summary(id)).reason, "Bob's reason").toBe('no-space');
      await expectNothingKept(received, suite.bob.profile, id, downloads);
    } finally {
      await disk.clear();
    }
  });

  it("fails on both sides with no-space when Bob's disk fills mid-way, then works again", async () => {
    const disk = new SmallDisk(suite.bob.profile);
    const { size, free } = await disk.usage();
    expect(size, "the size of Bob's disk").toBe(BOB_DISK_MIB * MiB);
    const file = await makeFile('disk-full.bin', FILE_BYTES);
    // Chromium lets an origin fill about half of a disk this small.
    expect(FILE_BYTES, 'the file, to fit on the disk').toBeLessThan(free / 2);
    const downloads = await downloadsListing(suite.bob.profile);

    const id = await sendAndAccept(file);
    await waitUntilMidWay(id);
    try {
      await disk.fill();
      await expectFailed(id, 'Bob did not have enough disk space.', 'Not enough disk space.');
      expect((await received.summary(id)).reason, "Bob's reason").toBe('no-space');
      expect((await sent.summary(id)).reason, "Alice's reason").toBe('no-space');
      await expectNothingKept(received, suite.bob.profile, id, downloads);
    } finally {
      await disk.clear();
    }

    // Chromium and Parley took it: once there is room again, a file as large arrives whole
    // (so the filled disk, not the size, is what failed the first one).
    const again = await makeFile('after-disk-full.bin', FILE_BYTES);
    const next = await sendAndAccept(again);
    await received.waitForState(next, ['complete'], 30_000);
    const { downloadId } = await received.summary(next);
    const saved = await savedDownload(suite.bob.profile, downloadId!);
    expect(saved?.state, 'the download').toBe('complete');
    expect(await sha256OfFile(saved!.filename), 'SHA-256 of the saved file').toBe(
      await sha256OfFile(again),
    );
    // Chromium ends every database connection of the origin when a write finds the disk
    // full; Bob's host must open its databases again, or nothing it does from now on
    // (records, resume checkpoints, chat history) would outlive a restart.
    await waitFor(
      "Bob's host to store the second transfer as complete",
      async () =>
        (await storedTransfer(received.page, next))?.state === 'complete' ? true : undefined,
      { timeoutMs: 10_000 },
    );
  });
});

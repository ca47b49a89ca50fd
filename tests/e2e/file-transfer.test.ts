// File sharing between two contacts, through the views, the hosts and the real server:
// offered, accepted, streamed to disk, verified and saved to Downloads byte for byte.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { becomeContacts } from '../support/contact-flows.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import { savedDownload, sha256OfFile, TransferCards, testFiles } from '../support/transfers.ts';

const MiB = 1024 * 1024;

describe('file transfer', () => {
  const suite = twoUserSuite('file-transfer', { displayNames: { alice: 'Alice', bob: 'Bob' } });
  beforeAll(async () => {
    await becomeContacts(suite.alice, suite.bob);
  });

  it('sends three files, 0 bytes, 1 byte and 50 MiB, whose SHA-256 match in Downloads', async () => {
    const { alice, bob } = suite;
    const { paths } = await testFiles([
      { name: 'empty.txt', size: 0 },
      { name: 'one.bin', size: 1 },
      { name: 'big.bin', size: 50 * MiB },
    ]);
    await alice.popup.openConversation(bob.id);
    await bob.popup.openConversation(alice.id);
    const sent = new TransferCards(alice.popup.page);
    const received = new TransferCards(bob.popup.page);

    for (const file of paths) {
      const before = await received.ids();
      await sent.attach([file]);
      const id = await received.waitForNew(before, 'in');
      await received.accept(id);
      await received.waitForState(id, ['complete'], 60_000);
      await sent.waitForState(id, ['complete'], 10_000);
      const { downloadId } = await received.summary(id);
      const saved = await savedDownload(bob.profile, downloadId!);
      expect(saved).toMatchObject({ state: 'complete', fileSize: (await stat(file)).size });
      expect(saved!.filename).toBe(path.join(bob.profile.downloadsDir, path.basename(file)));
      expect(await sha256OfFile(saved!.filename)).toBe(await sha256OfFile(file));
    }
  });
});

// Expectations about transfers, for the end-to-end tests. Apart from transfers.ts, which
// the benchmarks share: this imports Vitest, which runs only inside a test run.
import { expect } from 'vitest';
import type { ChromiumProfile } from './chromium-profile.ts';
import { downloadsListing, hasPartFile, type TransferCards } from './transfers.ts';
import { waitFor } from './wait.ts';

/**
 * Nothing of incoming transfer `id` is left with its receiver: no partial file (its host
 * deletes it, shortly), no saved copy, and the Downloads folder as it was before.
 */
export async function expectNothingKept(
  received: TransferCards,
  receiver: ChromiumProfile,
  id: string,
  downloadsBefore: string[],
): Promise<void> {
  await waitFor(
    `the receiver's host to delete the partial file of ${id}`,
    async () => ((await hasPartFile(received.page, id)) ? undefined : true),
    { timeoutMs: 5_000 },
  );
  expect((await received.summary(id)).downloadId, 'a saved copy').toBeNull();
  expect(await downloadsListing(receiver), 'the Downloads folder').toEqual(downloadsBefore);
}

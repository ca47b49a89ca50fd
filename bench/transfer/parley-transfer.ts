// Parley's side of bench:transfer: user A sends a file on disk to user B through the real
// path. A picks it in a conversation view (chat.html, the file input's change event);
// A's host reads it and pumps it over a negotiated data channel; B's host hands every
// message to the file's own sink worker, which writes it to OPFS and hashes it; B checks
// the SHA-256, tells A, and saves the file to its Downloads folder.
import type { Page } from 'playwright-core';
import { HOST_CHANNEL } from '../../lib/protocol/host-protocol.ts';
import type { ChromiumProfile } from '../../tests/support/chromium-profile.ts';
import { requestHost } from '../../tests/support/host-requests.ts';
import { hasPartFile } from '../../tests/support/transfers.ts';
import { waitFor } from '../../tests/support/wait.ts';
import { makeContacts, openParleyUser } from '../chat/parley-chat.ts';
import { footprint } from '../support/heap-sampler.ts';
import type { HeapTreePeak, HeapTreeSampler } from '../support/heap-tree-sampler.ts';
import { startPairCpu, type PairCpuSeconds } from './pair-cpu.ts';
import { installSendClock, type SendClockGlobal, type SendTimes } from './parley-send-in-page.ts';
import { removeFile, sha256OfFile, waitForSavedCopy, type TestFile } from './test-file.ts';

export type { SendTimes };

/** One Parley transfer, and what the receiver's memory did meanwhile. */
export interface ParleyTransfer {
  bytes: number;
  times: SendTimes;
  /** From just before the pick to B's copy being whole in Downloads, on Node's clock. */
  savedMs: number;
  heap: HeapTreePeak;
  /** B's host after the transfer and a forced garbage collection, minus its baseline. */
  retainedBytes: number;
  /** From the pick to A's view showing 'complete'. */
  cpuSeconds: PairCpuSeconds;
}

/** A file sent, and B's copy of it. */
interface Sent {
  times: SendTimes;
  /** From just before the pick to B's copy being whole, on Node's clock. */
  savedMs: number;
  /** Where B saved it. */
  saved: string;
  cpuSeconds: PairCpuSeconds;
}

/** Long enough for any page or host answer; a transfer's own limit is its stall time. */
const PICK_TIMEOUT_MS = 15_000;

/** Two Parley users who are each other's contacts; A's conversation with B is on screen. */
export class ParleyPair {
  readonly sender: ChromiumProfile;
  readonly receiver: ChromiumProfile;
  /** A's conversation with B, in a tab of its own. */
  readonly view: Page;
  readonly senderId: string;
  readonly receiverId: string;

  private constructor(
    sender: ChromiumProfile,
    receiver: ChromiumProfile,
    view: Page,
    ids: { sender: string; receiver: string },
  ) {
    this.sender = sender;
    this.receiver = receiver;
    this.view = view;
    this.senderId = ids.sender;
    this.receiverId = ids.receiver;
  }

  /**
   * Makes the two users contacts (through their hosts, as bench:chat does), has B accept
   * any file from A without a click, then closes both setup pages: an extension page runs
   * in the same renderer as its host, so B keeps none open while it is measured. A opens
   * its conversation with B (chat.html#<B's id>), where files are picked.
   */
  static async open(sender: ChromiumProfile, receiver: ChromiumProfile): Promise<ParleyPair> {
    const [a, b] = await Promise.all([
      openParleyUser(sender, 'Bench A'),
      openParleyUser(receiver, 'Bench B'),
    ]);
    await makeContacts(a, b);
    const accepting = await requestHost(b.probe.page, 'setAutoAccept', {
      peerId: a.peerId,
      bytes: Number.MAX_SAFE_INTEGER,
    });
    if (!accepting.ok) throw new Error(`B's host refused auto-accept: ${accepting.error}`);
    await Promise.all([a.probe.page.close(), b.probe.page.close()]);

    const view = await sender.context.newPage();
    await view.goto(`chrome-extension://${sender.extensionId}/chat.html#${b.peerId}`);
    await view
      .locator(`[data-testid="conversation"][data-peer-id="${b.peerId}"]`)
      .waitFor({ state: 'visible', timeout: 15_000 });
    await view.evaluate(installSendClock, { channelName: HOST_CHANNEL });
    return new ParleyPair(sender, receiver, view, { sender: a.peerId, receiver: b.peerId });
  }

  /** Sends `file` from A to B, unmeasured: to warm both browsers up. */
  async warmUp(file: TestFile, stallMs: number): Promise<SendTimes> {
    const { times, saved } = await this.#send(file, stallMs);
    await checkAndRemove(saved, file);
    return times;
  }

  /**
   * Sends `file` from A to B while `sampler` (on B's host) samples B's memory, from just
   * before the pick until B's copy is whole in Downloads; then checks that copy's SHA-256
   * against the file's, and deletes it.
   */
  async measure(
    file: TestFile,
    sampler: HeapTreeSampler,
    { intervalMs, stallMs }: { intervalMs: number; stallMs: number },
  ): Promise<ParleyTransfer> {
    await sampler.start(intervalMs);
    let sent: Sent;
    try {
      sent = await this.#send(file, stallMs);
    } catch (error) {
      await sampler.stop().catch(() => {});
      throw error;
    }
    const heap = await sampler.stop();
    await sampler.collectGarbage();
    const retainedBytes = footprint(await sampler.usage()) - footprint(heap.rootBaseline);
    await checkAndRemove(sent.saved, file);
    const { times, savedMs, cpuSeconds } = sent;
    return { bytes: file.size, times, savedMs, heap, retainedBytes, cpuSeconds };
  }

  /** Picks `file` in A's view; resolves once B's copy is whole in Downloads. */
  async #send(file: TestFile, stallMs: number): Promise<Sent> {
    await this.view.bringToFront();
    const sent = this.view.evaluate(
      ({ name, size, pickTimeoutMs, stallMs }) =>
        (globalThis as unknown as SendClockGlobal).parleySendClock.sent(
          name,
          size,
          pickTimeoutMs,
          stallMs,
        ),
      { name: file.name, size: file.size, pickTimeoutMs: PICK_TIMEOUT_MS, stallMs },
    );
    // Awaited below; if the pick fails first, this must not count as unhandled.
    sent.catch(() => {});
    const cpu = await startPairCpu(this.sender, this.receiver);
    const picking = performance.now();
    await this.view.getByTestId('file-input').setInputFiles(file.path);
    const times = await sent;
    // Before saving: the raw reference has nothing like it, and it is off the clock too.
    const cpuSeconds = await cpu.read();
    // Saving reads the whole file back from OPFS; give it the time a slow disk needs.
    const saveTimeoutMs = 60_000 + (file.size / 50e6) * 1000;
    const saved = await waitForSavedCopy(this.receiver.downloadsDir, file, saveTimeoutMs);
    return { times, savedMs: performance.now() - picking, saved, cpuSeconds };
  }

  /**
   * Whether B's host still holds a stored copy of any of `ids` in OPFS, a while after
   * saving it (it deletes its own once the copy in Downloads is made). Opens B's options
   * page to look, and closes it.
   */
  async leftovers(ids: string[], timeoutMs = 5_000): Promise<string[]> {
    const options = await this.receiver.openOptions();
    try {
      const left = async () => {
        const found: string[] = [];
        for (const id of ids) if (await hasPartFile(options.page, id)) found.push(id);
        return found;
      };
      return await waitFor(
        "B's host to delete what it saved",
        async () => ((await left()).length === 0 ? [] : undefined),
        { timeoutMs, intervalMs: 200 },
      ).catch(() => left());
    } finally {
      await options.page.close();
    }
  }
}

/** Checks B's saved copy against the file sent, then deletes it. */
async function checkAndRemove(saved: string, file: TestFile): Promise<void> {
  const sha256 = await sha256OfFile(saved);
  await removeFile(saved);
  if (sha256 !== file.sha256) {
    throw new Error(`B's copy of ${file.name} has SHA-256 ${sha256}, not ${file.sha256}`);
  }
}

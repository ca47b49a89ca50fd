// The half of ParleySender that runs in the sender's conversation view (chat.html): it
// stamps the moment the view hands a picked file over (the file input's change event)
// and the moments the host's state shows that transfer moving on, all on the page's own
// clock, so the figure holds no Playwright or DevTools round trips. Playwright serializes
// `installSendClock` into the page, so it may use nothing from outside its own body.
import type { HostState } from '../../lib/protocol/host-state.ts';

/** One outgoing transfer as the sender's view saw it, in ms from the file being picked. */
export interface SendTimes {
  /** The transfer's id, as the host named it. */
  id: string;
  /** The host's state first listed the transfer ('offered'). */
  offered: number;
  /** B accepted (automatically) and bytes started to flow. */
  transferring: number;
  /** Every byte handed to the channel, the hash sent: the sender waits for B's verdict. */
  verifying: number;
  /** B verified the SHA-256 and said so ('file-complete'): the clock stops. */
  complete: number;
  /** How many state messages the page heard while the transfer ran. */
  states: number;
}

/** What `installSendClock` puts in the page, as `globalThis.parleySendClock`. */
export interface InPageSendClock {
  /**
   * Resolves once the file picked as `name` (`size` bytes) is complete, after it is picked
   * with the file input. Rejects when it ends otherwise, when nothing is picked within
   * `pickTimeoutMs`, or when its progress stands still for `stallMs`.
   */
  sent(name: string, size: number, pickTimeoutMs: number, stallMs: number): Promise<SendTimes>;
}

export type SendClockGlobal = { parleySendClock: InPageSendClock };

export function installSendClock({ channelName }: { channelName: string }): void {
  type Transfer = HostState['transfers'][number];
  interface Picked {
    at: number;
    name: string;
    size: number;
  }

  const picks: Picked[] = [];
  const pickWatchers = new Set<() => void>();
  // Capture, on the window: before the view's own handler (Svelte's, delegated to the
  // root) takes the file, so the clock starts when the page hands it over.
  window.addEventListener(
    'change',
    (event) => {
      const at = performance.now();
      const input = event.target as HTMLInputElement | null;
      if (input?.dataset.testid !== 'file-input' || !input.files) return;
      for (const file of input.files) picks.push({ at, name: file.name, size: file.size });
      for (const watcher of pickWatchers) watcher();
    },
    { capture: true },
  );

  const stateWatchers = new Set<(state: HostState, at: number) => void>();
  const channel = new BroadcastChannel(channelName);
  channel.addEventListener(
    'message',
    (event: MessageEvent<{ kind?: string; state?: HostState }>) => {
      const at = performance.now();
      if (event.data?.kind !== 'state' || !event.data.state) return;
      for (const watcher of stateWatchers) watcher(event.data.state, at);
    },
  );

  const clock: InPageSendClock = {
    sent(name, size, pickTimeoutMs, stallMs) {
      return new Promise<SendTimes>((resolve, reject) => {
        let picked: Picked | undefined;
        let id: string | undefined;
        const seen = new Map<string, number>();
        let states = 0;
        let lastProgress = { bytes: -1, at: performance.now() };

        const finish = (error: Error | undefined, times?: SendTimes) => {
          clearInterval(stallTimer);
          clearTimeout(pickTimer);
          stateWatchers.delete(onState);
          pickWatchers.delete(onPick);
          if (error) reject(error);
          else resolve(times!);
        };
        const onPick = () => {
          picked ??= picks.find((pick) => pick.name === name && pick.size === size);
          if (!picked) return;
          clearTimeout(pickTimer);
          lastProgress = { bytes: -1, at: picked.at };
        };
        const onState = (state: HostState, at: number) => {
          if (!picked) return;
          states += 1;
          // The benchmark names every file it sends differently.
          const mine: Transfer | undefined = state.transfers.find((candidate) =>
            id === undefined
              ? candidate.direction === 'out' && candidate.name === name && candidate.size === size
              : candidate.id === id,
          );
          if (!mine) return;
          id = mine.id;
          if (!seen.has(mine.state)) seen.set(mine.state, at);
          if (mine.doneBytes !== lastProgress.bytes || mine.state !== 'transferring')
            lastProgress = { bytes: mine.doneBytes, at };
          if (mine.state === 'complete') {
            const pickedAt = picked.at;
            const from = (state: string) => (seen.get(state) ?? Number.NaN) - pickedAt;
            finish(undefined, {
              id: mine.id,
              offered: from('offered'),
              transferring: from('transferring'),
              verifying: from('verifying'),
              complete: at - pickedAt,
              states,
            });
          } else if (['declined', 'cancelled', 'failed'].includes(mine.state)) {
            finish(new Error(`the transfer of ${name} ended ${mine.state} (${mine.reason})`));
          }
        };
        const pickTimer = setTimeout(
          () => finish(new Error(`${name} was not picked within ${pickTimeoutMs} ms`)),
          pickTimeoutMs,
        );
        const stallTimer = setInterval(() => {
          if (!picked || performance.now() - lastProgress.at < stallMs) return;
          const where = id ? `at ${lastProgress.bytes} bytes` : 'before it was offered';
          finish(new Error(`the transfer of ${name} stood still for ${stallMs} ms ${where}`));
        }, 1_000);
        pickWatchers.add(onPick);
        stateWatchers.add(onState);
        onPick();
      });
    },
  };
  (globalThis as unknown as SendClockGlobal).parleySendClock = clock;
}

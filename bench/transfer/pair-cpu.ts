import { CpuClock, type CpuShare } from '../support/cpu-clock.ts';

/** CPU seconds each user's browser (all its processes) spent on one transfer. */
export interface PairCpuSeconds {
  sender: number;
  receiver: number;
  /** Where it went, by kind of process and thread, the largest first. */
  senderShares: CpuShare[];
  receiverShares: CpuShare[];
}

interface Profile {
  userDataDirArgument: string;
}

/** Starts counting both browsers' CPU time; `read()` says how much each has spent since. */
export async function startPairCpu(
  sender: Profile,
  receiver: Profile,
): Promise<{ read(): Promise<PairCpuSeconds> }> {
  const [a, b] = await Promise.all([
    CpuClock.start(sender.userDataDirArgument),
    CpuClock.start(receiver.userDataDirArgument),
  ]);
  return {
    read: async () => {
      const [sender, receiver] = await Promise.all([a.read(), b.read()]);
      return {
        sender: sender.seconds,
        receiver: receiver.seconds,
        senderShares: sender.shares,
        receiverShares: receiver.shares,
      };
    },
  };
}

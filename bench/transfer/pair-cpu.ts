import { CpuClock } from '../support/cpu-clock.ts';

/** CPU seconds each user's browser (all its processes) spent on one transfer. */
export interface PairCpuSeconds {
  sender: number;
  receiver: number;
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
      const [senderSeconds, receiverSeconds] = await Promise.all([a.seconds(), b.seconds()]);
      return { sender: senderSeconds, receiver: receiverSeconds };
    },
  };
}

// A guard that every browser and server launch goes through: the end-to-end tests do real
// WebRTC, which would happily gather and try every address this machine has. Inside the
// namespace that `tests/run-in-private-network.ts` makes, loopback is the only interface.
import os from 'node:os';

export function assertPrivateNetwork(): void {
  const exposed = Object.entries(os.networkInterfaces()).flatMap(([name, addresses]) =>
    (addresses ?? []).filter((a) => !a.internal).map((a) => `${name} ${a.address}`),
  );
  if (exposed.length > 0) {
    throw new Error(
      `The end-to-end tests run only in a private network namespace, but this one has ${exposed.join(', ')}. ` +
        'Run them with `npm run test:e2e`, which enters one first.',
    );
  }
}

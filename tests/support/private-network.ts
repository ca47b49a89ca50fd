// A guard that every browser and server launch goes through: the end-to-end tests do real
// WebRTC, which would happily gather and try every address this machine has. Inside the
// namespace that `tests/run-in-private-network.ts` makes, the only interfaces are loopback
// and the two ends of one veth pair, both of them inside the namespace.
import os from 'node:os';

/**
 * The veth pair that `tests/run-in-private-network.ts` adds, with the default route into
 * its first end. Firefox gathers no ICE candidates on loopback, and a page without camera
 * or microphone permission (Parley's background page) gathers only on the interface of
 * the default route; with no default route at all it gathers nothing, and ICE fails.
 * With both ends in the same namespace, a packet sent on one can only reach the other.
 */
export const vethPair = [
  { name: 'parley0', address: '10.77.0.1' },
  { name: 'parley1', address: '10.77.0.2' },
] as const;

/** The prefix length of the pair's addresses. */
export const vethPrefixLength = 24;

export function assertPrivateNetwork(): void {
  const interfaces = os.networkInterfaces();
  // The pair counts as private only whole: one end alone could lead out of the namespace.
  const pairHere = vethPair.every(({ name }) => interfaces[name] !== undefined);
  const isOurs = (name: string, address: string): boolean => {
    const end = vethPair.find((candidate) => candidate.name === name);
    // The kernel gives each end an IPv6 link-local address of its own.
    return pairHere && end !== undefined && (address === end.address || /^fe80:/i.test(address));
  };
  const exposed = Object.entries(interfaces).flatMap(([name, addresses]) =>
    (addresses ?? [])
      .filter((a) => !a.internal && !isOurs(name, a.address))
      .map((a) => `${name} ${a.address}`),
  );
  if (exposed.length > 0) {
    throw new Error(
      `The end-to-end tests run only in a private network namespace, but this one has ${exposed.join(', ')}. ` +
        'Run them with `npm run test:e2e`, which enters one first.',
    );
  }
}

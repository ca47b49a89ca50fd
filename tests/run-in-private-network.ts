// Runs a command inside a fresh network namespace that has only loopback and a veth pair
// whose two ends both stay inside it, so the end-to-end tests (browsers doing real
// WebRTC, a real PeerServer) cannot send a single packet off this machine, and always
// find port 9000 free.
//
//   node tests/run-in-private-network.ts vitest run --project e2e
//
// As root (CI) this is `unshare --net`; as another user it maps that user to root in a
// new user namespace (`unshare --map-root-user --net`), which most Linux hosts allow.
// Inside, `ip link set lo up` brings loopback up (a new namespace starts with it down);
// then `ip link add` makes the veth pair, gives each end an address and routes everything
// else into one end, for Firefox (see support/private-network.ts). A packet for anywhere
// else finds nobody on the other end to take it: it fails with "no route to host" after
// the neighbour lookup (3 s), and a DNS lookup of a name after its retries (about 12 s).
// Then the command replaces the shell, so its stdio and exit code are ours.
import { spawn, spawnSync } from 'node:child_process';
import { vethPair, vethPrefixLength } from './support/private-network.ts';

/** Set in the command's environment, so tests can tell they are inside the namespace. */
const MARKER = 'PARLEY_PRIVATE_NETWORK';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node tests/run-in-private-network.ts <command> [args...]');
  process.exit(2);
}

const isRoot = process.getuid?.() === 0;
const unshareArgs = isRoot ? ['--net'] : ['--map-root-user', '--net'];
const [near, far] = vethPair;
const loopbackUp = 'ip link set lo up';
const vethUp = [
  `ip link add ${near.name} type veth peer name ${far.name}`,
  ...vethPair.map(({ name, address }) => `ip addr add ${address}/${vethPrefixLength} dev ${name}`),
  ...vethPair.map(({ name }) => `ip link set ${name} up`),
  `ip route add default dev ${near.name}`,
].join(' && ');
// `exec "$@"` keeps the arguments exactly as given: no second round of shell parsing.
const script = `${loopbackUp} && ${vethUp} && exec "$@"`;

/** The probe's exit code when the namespace was made but the veth pair could not be. */
const NO_VETH = 42;

// Probe first, so that "not permitted" is reported as such and never mistaken for the
// command's own failure (both would otherwise surface as exit code 1).
const probeScript = `${loopbackUp} || exit 1; ${vethUp} || exit ${NO_VETH}`;
const probe = spawnSync('unshare', [...unshareArgs, '--', 'sh', '-c', probeScript], {
  encoding: 'utf8',
});
if (probe.status === NO_VETH) {
  console.error(
    [
      'run-in-private-network: made a private network namespace, but not the veth pair in it.',
      `  ${probe.stderr.trim() || 'ip link add failed'}`,
      '  Firefox gathers no ICE candidates on loopback, so the tests add a veth pair whose two',
      "  ends stay inside the namespace. This needs the kernel's veth driver (`modprobe veth`",
      '  as root on the host, where it is not built in) and CAP_NET_ADMIN in the namespace.',
    ].join('\n'),
  );
  process.exit(1);
}
if (probe.error || probe.status !== 0) {
  const detail = probe.error?.message ?? probe.stderr.trim();
  console.error(
    [
      'run-in-private-network: cannot create a private network namespace.',
      `  unshare ${unshareArgs.join(' ')} failed: ${detail || `exit code ${probe.status}`}`,
      '  The end-to-end tests refuse to run on the open network. Run them as root (as CI does),',
      '  or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1;',
      '  on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0), or in a container',
      '  started with CAP_SYS_ADMIN. `unshare` and `ip` come from util-linux and iproute2.',
    ].join('\n'),
  );
  process.exit(1);
}

const child = spawn('unshare', [...unshareArgs, '--', 'sh', '-c', script, 'sh', ...command], {
  stdio: 'inherit',
  env: { ...process.env, [MARKER]: '1' },
});

// Ctrl+C already reaches the whole foreground process group: just outlive the command.
// SIGTERM or SIGHUP from a CI runner reaches only us: pass it on, so the command can
// shut its browsers and servers down.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => child.kill(signal));
}

child.on('error', (error) => {
  console.error(`run-in-private-network: could not start unshare: ${error.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so our parent sees what really happened.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});

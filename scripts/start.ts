// `npm start`: build the extension for Chrome and Firefox (development defaults: the
// local PeerServer), start that PeerServer, and, where a display exists, open two
// browser profiles with the extension loaded, so you can be two users at once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const builds = {
  chrome: path.join(root, '.output', 'chrome-mv3-dev'),
  firefox: path.join(root, '.output', 'firefox-mv2-dev'),
};
const useFirefox = process.argv.includes('--firefox');
const children: ChildProcess[] = [];

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function findChromium(): string | null {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ];
  return candidates.find((candidate) => candidate && existsSync(candidate)) ?? null;
}

/** Chromium's ID for an unpacked extension: the SHA-256 of its path, in letters a–p. */
function unpackedExtensionId(directory: string): string {
  const hex = createHash('sha256').update(directory).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

function openChromiumProfiles(): void {
  const chromium = findChromium();
  if (!chromium) {
    console.log('No Chromium found (set CHROME_PATH); load the unpacked build by hand.');
    return;
  }
  // Two profiles are two users. They live in .profiles/ so IDs survive restarts.
  // (Google Chrome 137+ ignores --load-extension; Chromium honours it.)
  const popup = `chrome-extension://${unpackedExtensionId(builds.chrome)}/popup.html`;
  for (const [index, user] of ['alice', 'bob'].entries()) {
    const profile = path.join(root, '.profiles', user);
    mkdirSync(profile, { recursive: true });
    const flags = [
      `--user-data-dir=${profile}`,
      `--disable-extensions-except=${builds.chrome}`,
      `--load-extension=${builds.chrome}`,
      '--no-first-run',
      `--window-position=${index * 820},0`,
      '--window-size=800,700',
      // Chromium refuses to run as root with its sandbox (containers, CI machines).
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ];
    const browser = spawn(chromium, flags, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    browser.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk).slice(-2000)));
    browser.on('exit', (code) => {
      if (code) console.log(`Chromium (${user}) exited with code ${code}:\n${errors}`);
    });
    children.push(browser);
    // Once the extension has loaded, show its popup as a tab, so both users are visible
    // at once. (A second launch on the same profile hands the URL to the running browser.)
    setTimeout(() => {
      spawn(chromium, [...flags, popup], { stdio: 'ignore' });
    }, 3_000);
  }
  console.log('Opened Chromium as "alice" and "bob"; click the Parley icon in each.');
}

function openFirefox(): void {
  children.push(
    spawn(bin('web-ext'), ['run', '--source-dir', builds.firefox, '--firefox', 'firefox-esr'], {
      cwd: root,
      stdio: 'inherit',
    }),
  );
}

function stopAll(): void {
  for (const child of children) child.kill('SIGTERM');
}

run(bin('wxt'), ['build', '--mode', 'development']);
run(bin('wxt'), ['build', '--mode', 'development', '-b', 'firefox']);

const signaling = spawn(process.execPath, [path.join(root, 'signaling', 'src', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '9000', ...process.env },
});
children.push(signaling);
signaling.on('exit', (code) => {
  console.log(`The signaling server stopped (exit code ${code}).`);
  stopAll();
  process.exit(code ?? 1);
});

console.log(`
Parley is built. Unpacked extensions:
  Chrome / Chromium: ${builds.chrome}
  Firefox:           ${builds.firefox}
Local PeerServer:    http://127.0.0.1:9000/parley (health: http://127.0.0.1:9000/health)
Press Ctrl+C to stop.
`);

const hasDisplay =
  Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'darwin';
if (!hasDisplay) console.log('No display found: load the builds above by hand (see README).');
else if (useFirefox) openFirefox();
else openChromiumProfiles();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopAll();
    process.exit(0);
  });
}

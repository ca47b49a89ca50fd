// Where the end-to-end tests find the builds and the server, and where they leave artifacts.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root: tests/support/ is two levels down. */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** `npm run build:dev` makes both; their defaults point at 127.0.0.1:9000/parley, key parley. */
export const chromeBuildDir = path.join(repoRoot, '.output/chrome-mv3-dev');
export const firefoxBuildDir = path.join(repoRoot, '.output/firefox-mv2-dev');

/** The real signaling server, run from source by Node 22's type stripping. */
export const signalingEntry = path.join(repoRoot, 'signaling/src/main.ts');

/** Screenshots are artifacts for people to look at; test-results/ is git-ignored. */
export const screenshotsDir = path.join(repoRoot, 'test-results/screenshots');

/** The server settings a development build has by default; the server is started with them. */
export const devServer = {
  host: '127.0.0.1',
  port: 9000,
  path: '/parley',
  key: 'parley',
} as const;

/** Fails early, and says what to do, when a build the tests need is missing. */
export function requireBuild(dir: string): string {
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    throw new Error(`No extension build in ${dir}. Run \`npm run build:dev\` first.`);
  }
  return dir;
}

// Screenshots are artifacts for people (reviewers, designers), not assertions.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotsDir } from './paths.ts';

/** A Playwright or a Puppeteer page: both take these options. */
interface Screenshotable {
  screenshot(options: { path: `${string}.png`; fullPage: boolean }): Promise<unknown>;
}

/** Saves `page` as `test-results/screenshots/<name>.png` and returns the path. */
export async function saveScreenshot(page: Screenshotable, name: string): Promise<string> {
  await mkdir(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name}.png`) as `${string}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Saves `page` in the light and the dark colour scheme, and returns both paths. */
export async function saveLightAndDark(page: Page, name: string): Promise<string[]> {
  const files: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    files.push(await saveScreenshot(page, `${name}-${colorScheme}`));
  }
  await page.emulateMedia({ colorScheme: null });
  return files;
}

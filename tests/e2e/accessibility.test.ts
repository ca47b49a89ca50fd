// Every control has an accessible name, the views work with the keyboard alone, and they
// follow the system's light or dark theme.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromeBuildDir, firefoxBuildDir } from '../support/paths.ts';
import { describe, expect, it } from 'vitest';
import { oneUserSuite } from '../support/one-user-suite.ts';

const CONTROL_ROLES = new Set(['button', 'textbox', 'checkbox', 'spinbutton', 'link', 'combobox']);

interface AxNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
}

/** The controls in the page's accessibility tree that have no name, as `role`. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const controls = nodes.filter(
      (node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? ''),
    );
    expect(controls.length, 'controls found in the accessibility tree').toBeGreaterThan(0);
    return controls
      .filter((node) => !node.name?.value.trim())
      .map((node) => node.role?.value ?? '?');
  } finally {
    await cdp.detach();
  }
}

/** Presses Tab until `isTarget` holds for the focused element; fails after `limit` presses. */
async function tabTo(page: Page, description: string, testId: string, limit = 15): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      () => document.activeElement?.getAttribute('data-testid') ?? null,
    );
    if (focused === testId) return;
  }
  throw new Error(`Tab never reached ${description} in ${limit} presses`);
}

async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body)
      .backgroundColor.match(/\d+/g)!
      .map(Number) as [number, number, number];
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
}

describe('accessibility', () => {
  const suite = oneUserSuite('accessibility');

  it('names every control in the popup', async () => {
    expect(await unnamedControls(suite.alice.popup.page)).toEqual([]);
  });

  it('names every control in the options page, TURN fields included', async () => {
    const options = await suite.profile.openOptions();
    await options.fillIceServer({ url: 'turn:turn.example.org:3478', username: 'u' });
    expect(await unnamedControls(options.page)).toEqual([]);
    await options.close();
  });

  it('checks a peer with the keyboard alone', async () => {
    const page = suite.alice.popup.page;
    await page.reload();
    await suite.alice.popup.status.waitFor('online');
    await tabTo(page, 'the peer ID field', 'peer-id-input');
    await page.keyboard.type(suite.alice.id);
    await page.keyboard.press('Enter');
    await expect.poll(() => suite.alice.popup.presence.getAttribute('data-presence')).toBe('error');
    expect(await suite.alice.popup.presence.textContent()).toContain('your own peer ID');
  });

  it('saves settings with the keyboard alone, and shows field errors', async () => {
    const options = await suite.profile.openOptions();
    const page = options.page;
    await tabTo(page, 'the host field', 'server-host');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('not a host!');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('error-server-host').isVisible()).toBe(true);
    await options.close();
  });

  // In our headless runs Chromium's commands.getAll reports the suggested shortcut as
  // unassigned, and a key press cannot open a popup headless; so the built manifests are
  // checked: that is what both browsers read the shortcut from.
  it('declares a keyboard shortcut that opens the popup, in both builds', async () => {
    const shortcut = async (dir: string, command: string) => {
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
      return manifest.commands?.[command]?.suggested_key?.default;
    };
    expect(await shortcut(chromeBuildDir, '_execute_action')).toBe('Alt+Shift+P');
    expect(await shortcut(firefoxBuildDir, '_execute_browser_action')).toBe('Alt+Shift+P');
  });

  it('follows the system theme', async () => {
    const page = suite.alice.popup.page;
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    await page.emulateMedia({ colorScheme: null });
  });
});

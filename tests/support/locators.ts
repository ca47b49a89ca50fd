// Waiting on what a person would see: an element that is visible and says something.
import type { Locator } from 'playwright-core';
import { waitFor } from './wait.ts';

/** Waits until `locator` is visible with text matching `pattern`, and returns that text. */
export async function waitForText(
  locator: Locator,
  pattern: RegExp,
  timeoutMs = 5_000,
): Promise<string> {
  let last = 'not visible';
  try {
    return await waitFor(
      `${locator} to show ${pattern}`,
      async () => {
        if (!(await locator.isVisible())) {
          last = 'not visible';
          return undefined;
        }
        const text = ((await locator.textContent({ timeout: 1_000 })) ?? '').trim();
        last = `"${text}"`;
        return pattern.test(text) ? text : undefined;
      },
      { timeoutMs },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last shown: ${last}`, { cause: error });
  }
}

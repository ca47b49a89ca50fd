// The `[data-testid="connection-status"]` element that the popup and the options page share.
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './wait.ts';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export class ConnectionStatus {
  readonly element: Locator;

  constructor(page: Page) {
    this.element = page.getByTestId('connection-status');
  }

  /** The state right now, or null before the view has rendered it. */
  async state(): Promise<string | null> {
    return this.element.getAttribute('data-state', { timeout: 5_000 });
  }

  /** The human-readable text, which names the reason when offline. */
  async text(): Promise<string> {
    return ((await this.element.textContent({ timeout: 5_000 })) ?? '').trim();
  }

  /**
   * Waits until the state is one of `states` (and the text matches `text`, if given), and
   * returns the text shown then. Matching the text tells one offline from another: after a
   * settings change the old reason stays up until the host has tried the new settings.
   * The error says what was shown last, which is usually the clue.
   */
  async waitFor(
    states: ConnectionState | ConnectionState[],
    { timeoutMs = 10_000, text: pattern }: { timeoutMs?: number; text?: RegExp } = {},
  ): Promise<string> {
    const wanted: string[] = Array.isArray(states) ? states : [states];
    const what = `connection status ${wanted.join(' or ')}${pattern ? ` with text ${pattern}` : ''}`;
    let last = 'nothing';
    try {
      return await waitFor(
        what,
        async () => {
          const [state, text] = [await this.state(), await this.text()];
          last = `${state ?? 'no state'} "${text}"`;
          const matches = state !== null && wanted.includes(state);
          return matches && (!pattern || pattern.test(text)) ? text : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last shown: ${last}`, { cause: error });
    }
  }
}

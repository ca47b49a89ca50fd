import { mount, type Component } from 'svelte';
import { browser } from 'wxt/browser';
import { HostClient } from '../lib/protocol/host-client.ts';
import { ENSURE_HOST_MESSAGE } from '../lib/protocol/host-protocol.ts';
import { HostView } from './host-view.svelte.ts';
import './theme.css';

/** How long a view waits for the host's state before it shows "starting" instead. */
const FIRST_STATE_WAIT_MS = 1_500;

/**
 * Mounts a view once the host's current state is known, so the first paint already
 * shows it (no blank or "loading" flash when the host is up, as it nearly always is).
 */
export async function mountView(app: Component<{ host: HostView }>): Promise<void> {
  const client = new HostClient({
    // Chrome's service worker (re)creates the offscreen host; Firefox's host just answers.
    wakeHost: async () => {
      await browser.runtime.sendMessage(ENSURE_HOST_MESSAGE);
    },
  });
  const initial = await client.connect(FIRST_STATE_WAIT_MS);
  const target = document.getElementById('app');
  if (!target) throw new Error('The page has no #app element.');
  mount(app, { target, props: { host: new HostView(client, initial) } });
}

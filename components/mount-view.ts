import { mount, type Component } from 'svelte';
import { browser } from 'wxt/browser';
import { HostClient } from '../lib/protocol/host-client.ts';
import {
  ENSURE_HOST_MESSAGE,
  VIEW_PORT_NAME,
  type ViewPresence,
} from '../lib/protocol/host-protocol.ts';
import { HostView, type PresenceReporter } from './host-view.svelte.ts';
import './theme.css';

/** How long a view waits for the host's state before it shows "starting" instead. */
const FIRST_STATE_WAIT_MS = 1_500;

/**
 * Keeps a runtime port open to the host for as long as this view lives, re-opening it if
 * the host restarts, and tells it what the view shows. Returns the reporter.
 */
function openPresencePort(kind: ViewPresence['kind']): PresenceReporter {
  let presence: ViewPresence = { kind, conversation: null };
  let port: ReturnType<typeof browser.runtime.connect> | null = null;
  const connect = () => {
    port = browser.runtime.connect({ name: VIEW_PORT_NAME });
    port.onDisconnect.addListener(() => {
      port = null;
      setTimeout(connect, 1_000); // the host went away (e.g. Chrome re-creating it)
    });
    port.postMessage(presence);
  };
  connect();
  return (next) => {
    presence = next;
    port?.postMessage(presence);
  };
}

/**
 * Mounts a view once the host's current state is known, so the first paint already
 * shows it (no blank or "loading" flash when the host is up, as it nearly always is).
 */
export async function mountView(
  app: Component<{ host: HostView }>,
  kind: ViewPresence['kind'] = 'popup',
): Promise<void> {
  const client = new HostClient({
    // Chrome's service worker (re)creates the offscreen host; Firefox's host just answers.
    wakeHost: async () => {
      await browser.runtime.sendMessage(ENSURE_HOST_MESSAGE);
    },
  });
  const initial = await client.connect(FIRST_STATE_WAIT_MS);
  const target = document.getElementById('app');
  if (!target) throw new Error('The page has no #app element.');
  const host = new HostView(client, initial, kind, openPresencePort(kind));
  mount(app, { target, props: { host } });
}

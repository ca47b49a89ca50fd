import { mount } from 'svelte';
import { browser } from 'wxt/browser';
import { browserCallEnvironment } from '../../lib/call/browser-call-environment.ts';
import { CallSession } from '../../lib/call/call-session.ts';
import { HostClient } from '../../lib/protocol/host-client.ts';
import { ENSURE_HOST_MESSAGE } from '../../lib/protocol/host-protocol.ts';
import { CallView } from './call-view.svelte.ts';
import CallPage from './CallPage.svelte';
import '../theme.css';

/**
 * Mounts the page of call `callId` and starts its session. The page owns its media and
 * RTCPeerConnection (MediaStreams cannot move between documents); the host relays its
 * signaling. Closing the tab ends the call and releases camera and microphone.
 */
export async function mountCallPage(callId: string): Promise<void> {
  const client = new HostClient({
    // Chrome's service worker (re)creates the offscreen host; Firefox's host just answers.
    wakeHost: async () => {
      await browser.runtime.sendMessage(ENSURE_HOST_MESSAGE);
    },
  });
  await client.connect(5_000);
  const session = new CallSession(callId, client, browserCallEnvironment());
  const target = document.getElementById('app');
  if (!target) throw new Error('The page has no #app element.');
  mount(CallPage, { target, props: { view: new CallView(session, client) } });
  addEventListener('pagehide', () => session.close());
  await session.start();
}

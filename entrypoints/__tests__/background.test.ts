import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '../background.ts';

const OFFSCREEN_URL = 'chrome-extension://test-extension-id/offscreen.html';
const WATCHDOG = 'parley:host-watchdog';

interface CreateParameters {
  url: string;
  reasons: string[];
  justification: string;
}

/** Open offscreen documents, by URL; tests remove one to play Chrome closing it. */
let openDocuments: Set<string>;
let created: CreateParameters[];

/**
 * fakeBrowser implements neither `offscreen` nor `runtime.getContexts`; these stand-ins
 * behave like Chrome's: one offscreen document at most, listed by getContexts.
 */
function installChromeOnlyApis(): void {
  Object.assign(fakeBrowser.offscreen, {
    async createDocument(parameters: CreateParameters) {
      created.push(parameters);
      if (openDocuments.size > 0)
        throw new Error('Only a single offscreen document may be created.');
      openDocuments.add(parameters.url);
    },
  });
  Object.assign(fakeBrowser.runtime, {
    async getContexts(filter: { contextTypes?: string[]; documentUrls?: string[] }) {
      if (!filter.contextTypes?.includes('OFFSCREEN_DOCUMENT')) return [];
      return [...openDocuments]
        .filter((url) => !filter.documentUrls || filter.documentUrls.includes(url))
        .map((documentUrl) => ({ contextType: 'OFFSCREEN_DOCUMENT', documentUrl }));
    },
  });
}

/** Lets every pending promise and zero-delay timer run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeEach(() => {
  fakeBrowser.reset();
  openDocuments = new Set();
  created = [];
  installChromeOnlyApis();
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('background (Chrome)', () => {
  it('creates the offscreen document for WebRTC once at start', async () => {
    background.main();
    await settle();

    expect(created).toEqual([
      { url: OFFSCREEN_URL, reasons: ['WEB_RTC'], justification: expect.any(String) },
    ]);
    expect(openDocuments).toEqual(new Set([OFFSCREEN_URL]));
  });

  it('has the document without errors when Chrome also fires onStartup and onInstalled', async () => {
    background.main();
    await Promise.all([
      fakeBrowser.runtime.onStartup.trigger(),
      fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' }),
    ]);
    await settle();

    expect(openDocuments).toEqual(new Set([OFFSCREEN_URL]));
    expect(created).toHaveLength(1);
    expect(console.error).not.toHaveBeenCalled();
  });

  // fakeBrowser.runtime.sendMessage treats a listener whose promise resolves to `true`
  // as "will call sendResponse" and waits forever; with webextension-polyfill, which
  // this build uses, the promise's value is the answer. So the listener is triggered
  // directly, as the polyfill would call it.
  it('re-creates a closed document when a view asks, then answers true', async () => {
    background.main();
    await settle();
    openDocuments.clear();

    const answers = await fakeBrowser.runtime.onMessage.trigger(
      { type: 'parley:ensure-host' },
      {},
      () => undefined,
    );

    expect(answers).toContain(true);
    expect(openDocuments).toEqual(new Set([OFFSCREEN_URL]));
    expect(created).toHaveLength(2);
  });

  it('leaves other runtime messages to other listeners', async () => {
    background.main();
    await settle();
    const answers = await fakeBrowser.runtime.onMessage.trigger(
      { type: 'other' },
      {},
      () => undefined,
    );
    expect(answers).toEqual([undefined]);
  });

  it('registers a watchdog alarm every 30 s', async () => {
    background.main();
    await settle();
    expect(await fakeBrowser.alarms.get(WATCHDOG)).toMatchObject({
      name: WATCHDOG,
      periodInMinutes: 0.5,
    });
  });

  it('re-creates a missing document when the watchdog fires, and only then', async () => {
    background.main();
    await settle();
    openDocuments.clear();

    await fakeBrowser.alarms.onAlarm.trigger({ name: 'something-else', scheduledTime: Date.now() });
    await settle();
    expect(openDocuments.size).toBe(0);

    await fakeBrowser.alarms.onAlarm.trigger({ name: WATCHDOG, scheduledTime: Date.now() });
    await vi.waitFor(() => expect(openDocuments).toEqual(new Set([OFFSCREEN_URL])));
    expect(created).toHaveLength(2);
  });

  it('logs a failure to create the document instead of throwing', async () => {
    Object.assign(fakeBrowser.offscreen, {
      createDocument: () => Promise.reject(new Error('offscreen permission missing')),
    });
    background.main();
    await settle();
    expect(console.error).toHaveBeenCalledWith(
      '[parley] host-ensure-failed',
      expect.stringContaining('offscreen permission missing'),
    );
  });
});

describe('background: message notifications', () => {
  it('opens the conversation in the full-page view when its notification is clicked', async () => {
    const clicked: ((id: string) => void)[] = [];
    const cleared: string[] = [];
    Object.assign(fakeBrowser.notifications, {
      onClicked: { addListener: (listener: (id: string) => void) => clicked.push(listener) },
      clear: async (id: string) => cleared.push(id) > 0,
    });
    background.main();
    await settle();

    for (const listener of clicked) listener('parley:message:abcd-efgh-jkmn-pqrs');
    for (const listener of clicked) listener('someone-else:42');
    await settle();

    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.map((tab) => tab.url).filter(Boolean)).toEqual([
      'chrome-extension://test-extension-id/chat.html#abcd-efgh-jkmn-pqrs',
    ]);
    expect(cleared).toEqual(['parley:message:abcd-efgh-jkmn-pqrs']);
  });
});

describe('background: call notifications', () => {
  const CALL_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const NOTIFICATION = `parley:call:${CALL_ID}:abcd-efgh-jkmn-pqrs`;

  it('opens the conversation, whose banner answers, when a call notification is clicked', async () => {
    const clicked: ((id: string) => void)[] = [];
    Object.assign(fakeBrowser.notifications, {
      onClicked: { addListener: (listener: (id: string) => void) => clicked.push(listener) },
      clear: async () => true,
    });
    background.main();
    await settle();

    for (const listener of clicked) listener(NOTIFICATION);
    for (const listener of clicked) listener('parley:call:not-a-call');
    await settle();

    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.map((tab) => tab.url).filter(Boolean)).toEqual([
      'chrome-extension://test-extension-id/chat.html#abcd-efgh-jkmn-pqrs',
    ]);
  });

  it.each([
    [0, true],
    [1, false],
  ])(
    'button %i answers the call through the host’s channel (accept: %s)',
    async (index, accept) => {
      const buttons: ((id: string, index: number) => void)[] = [];
      Object.assign(fakeBrowser.notifications, {
        onButtonClicked: {
          addListener: (listener: (id: string, index: number) => void) => buttons.push(listener),
        },
        clear: async () => true,
      });
      // The host's end of the channel, answering as the real HostServer does.
      const host = new BroadcastChannel('parley:host');
      const requests: unknown[] = [];
      host.addEventListener('message', (event: MessageEvent<{ kind: string; id: string }>) => {
        if (event.data.kind !== 'request') return;
        requests.push(event.data);
        host.postMessage({ kind: 'response', id: event.data.id, ok: true, result: { ok: true } });
      });
      background.main();
      await settle();

      for (const listener of buttons) listener(NOTIFICATION, index);
      for (const listener of buttons) listener('parley:message:abcd-efgh-jkmn-pqrs', 0);
      await vi.waitFor(() => expect(requests).toHaveLength(1));
      host.close();

      expect(requests[0]).toMatchObject({
        method: 'answerCall',
        params: { callId: CALL_ID, accept },
      });
    },
  );
});

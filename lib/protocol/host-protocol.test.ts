import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostClient } from './host-client.ts';
import type { ChannelMessage } from './host-protocol.ts';
import { HostServer, type HostHandlers } from './host-server.ts';
import type { HostState } from './host-state.ts';

const state = (peerId: string): HostState => ({
  peerId,
  identityKey: 'B'.repeat(87),
  verificationCode: `parley-verify:1:${peerId}:${'B'.repeat(87)}`,
  connection: { phase: 'online', server: 'wss://peer.example.org:443/' },
  settings: {
    server: { host: 'peer.example.org', port: 443, path: '/', secure: true, key: 'k' },
    iceServers: [],
  },
  preferences: { displayName: '', notificationsMuted: false },
  contacts: [],
  unreadTotal: 0,
  transfers: [],
  calls: [],
});

const done = { ok: true } as const;

let name: string;
let closers: (() => void)[];

/** A fresh BroadcastChannel end, as a separate document would open it. */
function channel(): BroadcastChannel {
  const end = new BroadcastChannel(name);
  closers.push(() => end.close());
  return end;
}

function server(handlers: Partial<HostHandlers> = {}): HostServer {
  const host = new HostServer(
    {
      getState: () => state('host-1'),
      saveSettings: () => ({ saved: true }),
      checkPeer: () => ({ presence: 'offline' }),
      savePreferences: () => done,
      addContact: () => done,
      acceptContactKey: () => done,
      setContactVerified: () => done,
      verifyContactCode: () => done,
      answerRequest: () => done,
      renameContact: () => done,
      removeContact: () => done,
      blockContact: () => done,
      unblockContact: () => done,
      sendMessage: () => ({ ok: false, error: 'not in this test' }),
      getConversation: () => [],
      sendFiles: () => done,
      answerTransfer: () => done,
      reattachFile: () => done,
      cancelTransfer: () => done,
      setAutoAccept: () => done,
      showDownload: () => done,
      startCall: () => ({ ok: false, error: 'not in this test' }),
      answerCall: () => done,
      endCall: () => done,
      sendCallSignal: () => done,
      setCallMedia: () => done,
      callConnected: () => done,
      ...handlers,
    },
    channel(),
  );
  closers.push(() => host.close());
  return host;
}

function client(options: ConstructorParameters<typeof HostClient>[0] = {}): HostClient {
  const view = new HostClient({ channel: channel(), requestTimeoutMs: 2_000, ...options });
  closers.push(() => view.close());
  return view;
}

beforeEach(() => {
  name = `parley:test:${crypto.randomUUID()}`;
  closers = [];
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  for (const close of closers) close();
  vi.restoreAllMocks();
});

describe('HostServer and HostClient', () => {
  it('answers a request with its handler’s result', async () => {
    server({ checkPeer: ({ peerId }) => ({ presence: 'error', message: `asked for ${peerId}` }) });
    await expect(client().request('checkPeer', { peerId: 'abc' })).resolves.toEqual({
      presence: 'error',
      message: 'asked for abc',
    });
  });

  it('rejects the request when the handler throws, and keeps serving', async () => {
    server({
      saveSettings: async () => {
        throw new Error('disk full');
      },
    });
    const view = client();
    await expect(view.request('saveSettings', state('x').settings)).rejects.toThrow('disk full');
    await expect(view.request('getState', undefined)).resolves.toEqual(state('host-1'));
  });

  it('gives each of two views its own answer to concurrent requests', async () => {
    server({
      // The first request is answered last, so answers cross on the channel.
      checkPeer: async ({ peerId }) => {
        await new Promise((resolve) => setTimeout(resolve, peerId === 'slow' ? 50 : 0));
        return { presence: 'error', message: peerId };
      },
    });
    const [a, b] = [client(), client()];
    const answers = await Promise.all([
      a.request('checkPeer', { peerId: 'slow' }),
      b.request('checkPeer', { peerId: 'fast' }),
      a.request('checkPeer', { peerId: 'fast-a' }),
    ]);
    expect(answers.map((answer) => answer.presence === 'error' && answer.message)).toEqual([
      'slow',
      'fast',
      'fast-a',
    ]);
  });

  it('pushes every published state to every view', async () => {
    const host = server();
    const views = [client(), client()];
    const received = views.map((view) => new Promise((resolve) => view.onState(resolve)));

    host.publishState(state('pushed'));

    expect(await Promise.all(received)).toEqual([state('pushed'), state('pushed')]);
    for (const view of views) expect(view.latestState).toEqual(state('pushed'));
  });

  it('stops calling a listener once it unsubscribes', async () => {
    const host = server();
    const view = client();
    const unsubscribed = vi.fn();
    view.onState(unsubscribed)();
    const received = new Promise((resolve) => view.onState(resolve));
    host.publishState(state('pushed'));
    await received;
    expect(unsubscribed).not.toHaveBeenCalled();
  });

  it('connect() wakes the host and resolves with its state once it starts late', async () => {
    const wakeHost = vi.fn(() => Promise.resolve());
    const view = client({ wakeHost });
    const connected = view.connect(3_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 180));
    server();

    expect(await connected).toEqual(state('host-1'));
    expect(wakeHost).toHaveBeenCalledOnce();
    expect(view.latestState).toEqual(state('host-1'));
  });

  it('connect() resolves null when no host answers in time, even if waking it fails', async () => {
    const view = client({ wakeHost: () => Promise.reject(new Error('no service worker')) });
    const started = Date.now();
    expect(await view.connect(300, 50)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a request times out with a clear error when no host answers', async () => {
    await expect(client().request('getState', undefined, 50)).rejects.toThrow(/did not answer/);
  });

  it('ignores garbage and unknown requests on the channel without answering them', async () => {
    server();
    const view = client();
    const stranger = channel();
    const seen: ChannelMessage[] = [];
    channel().addEventListener('message', (event: MessageEvent<ChannelMessage>) =>
      seen.push(event.data),
    );

    for (const garbage of [
      null,
      42,
      'request',
      [],
      {},
      { kind: 'request' },
      { kind: 'request', id: 'g1', method: 'deleteEverything', params: {} },
      { kind: 'request', id: 'g2', method: 'toString', params: {} },
      { kind: 'request', id: 'g3', method: '__proto__', params: {} },
      { kind: 'request', id: 7, method: 'getState' },
      { kind: 'response', id: 'nobody', ok: true, result: 1 },
    ]) {
      stranger.postMessage(garbage);
    }

    await expect(view.request('getState', undefined)).resolves.toEqual(state('host-1'));
    // The host answers in order, so any answer to the garbage precedes the real one.
    const answers = () =>
      seen.filter((message) => message?.kind === 'response' && message.id !== 'nobody');
    await vi.waitFor(() => expect(answers()).not.toHaveLength(0));
    expect(answers()).toEqual([expect.objectContaining({ ok: true, result: state('host-1') })]);
  });

  // BUG: HostClient trusts any message with kind 'state' and hands its (missing) state
  // to the views, replacing the last good one.
  it('keeps the last good state when a malformed state message arrives', async () => {
    const host = server();
    const view = client();
    const listener = vi.fn();
    const first = new Promise((resolve) => view.onState(resolve));
    host.publishState(state('good'));
    await first;
    view.onState(listener);

    channel().postMessage({ kind: 'state' });
    await view.request('getState', undefined); // the channel is ordered: garbage came first

    expect(listener).not.toHaveBeenCalled();
    expect(view.latestState).toEqual(state('good'));
  });
});

describe('host events', () => {
  it('reach the onEvent listeners of every client', async () => {
    const host = server();
    const [first, second] = [client(), client()];
    const seen: string[] = [];
    first.onEvent((event) => event.type === 'message' && seen.push(`first:${event.message.id}`));
    second.onEvent((event) => event.type === 'message' && seen.push(`second:${event.message.id}`));
    host.publishEvent({
      type: 'message',
      message: {
        id: 'm-1',
        peerId: 'p',
        direction: 'in',
        text: 'hi',
        sentAt: 1,
        seq: 1,
        localOrder: 1,
        state: 'received',
      },
    });
    await vi.waitFor(() => expect(seen.sort()).toEqual(['first:m-1', 'second:m-1']));
  });
});

import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../lib/chat/chat-message.ts';
import type { HostEvent } from '../lib/protocol/host-state.ts';
import type { HostView } from './host-view.svelte.ts';

// The unit project has no Svelte compiler, so runes are not compiled here. Outside a
// component a `$state` field is a plain value anyway: this shim tests the logic, not
// Svelte's reactivity (the views are checked in a browser).
const rune = <T>(value: T): T => value;
vi.stubGlobal('$state', Object.assign(rune, { raw: rune }));
const { ConversationState } = await import('./conversation-state.svelte.ts');

const message = (
  id: string,
  localOrder: number,
  patch: Partial<ChatMessage> = {},
): ChatMessage => ({
  id,
  peerId: 'bob',
  direction: 'out',
  text: id,
  sentAt: localOrder,
  seq: localOrder,
  localOrder,
  state: 'sent',
  ...patch,
});

/** A host whose requests are answered by `answer`, and whose events the test pushes. */
function fakeHost(answer: (method: string, params: unknown) => unknown) {
  const listeners = new Set<(event: HostEvent) => void>();
  const host = {
    request: vi.fn(async (method: string, params: unknown) => answer(method, params)),
    onEvent: (listener: (event: HostEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (event: HostEvent) => listeners.forEach((listener) => listener(event));
  return { host: host as unknown as HostView & typeof host, push, listeners };
}

describe('ConversationState', () => {
  it('loads the history, then keeps it sorted and current from events of this peer only', async () => {
    let release: (messages: ChatMessage[]) => void = () => undefined;
    const history = new Promise<ChatMessage[]>((resolve) => (release = resolve));
    const { host, push, listeners } = fakeHost(() => history);
    const conversation = new ConversationState(host, 'bob');
    const stop = conversation.connect();
    expect(host.request).toHaveBeenCalledWith('getConversation', { peerId: 'bob', limit: 200 });

    // An event that arrives while the history loads is kept, and its newer state wins.
    push({ type: 'message', message: message('b', 2, { state: 'delivered' }) });
    push({ type: 'message', message: message('x', 1, { peerId: 'carol' }) });
    release([message('a', 1, { state: 'read' }), message('b', 2, { state: 'sent' })]);
    await vi.waitFor(() => expect(conversation.loading).toBe(false));
    expect(conversation.messages.map((m) => [m.id, m.state])).toEqual([
      ['a', 'read'],
      ['b', 'delivered'],
    ]);

    push({ type: 'message', message: message('c', 3, { direction: 'in', state: 'received' }) });
    push({ type: 'message', message: message('c', 3, { direction: 'in', state: 'read' }) });
    expect(conversation.messages.map((m) => [m.id, m.state])).toEqual([
      ['a', 'read'],
      ['b', 'delivered'],
      ['c', 'read'],
    ]);

    stop();
    expect(listeners.size).toBe(0);
  });

  it('sends trimmed text, adds the message, and reports a refusal', async () => {
    const { host } = fakeHost((method, params) => {
      if (method === 'getConversation') return [];
      const { text } = params as { text: string };
      return text === 'no'
        ? { ok: false, error: 'Too long.' }
        : { ok: true, message: message('s', 5, { text, state: 'sending' }) };
    });
    const conversation = new ConversationState(host, 'bob');
    conversation.connect();

    expect(await conversation.send('   ')).toBe(false);
    expect(await conversation.send('  hi \n')).toBe(true);
    expect(host.request).toHaveBeenLastCalledWith('sendMessage', { peerId: 'bob', text: 'hi' });
    expect(conversation.messages.map((m) => m.text)).toEqual(['hi']);

    expect(await conversation.send('no')).toBe(false);
    expect(conversation.sendError).toBe('Too long.');
  });
});

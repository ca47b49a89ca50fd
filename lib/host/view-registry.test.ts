import { describe, expect, it, vi } from 'vitest';
import { VIEW_PORT_NAME } from '../protocol/host-protocol.ts';
import { ViewRegistry, type ViewPort } from './view-registry.ts';

/** A runtime.Port as the registry sees it, with the browser's side driven by the test. */
class FakePort implements ViewPort {
  readonly name = VIEW_PORT_NAME;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #disconnectListeners: (() => void)[] = [];

  readonly onMessage = {
    addListener: (listener: (message: unknown) => void) => this.#messageListeners.push(listener),
  };

  readonly onDisconnect = {
    addListener: (listener: () => void) => this.#disconnectListeners.push(listener),
  };

  post(message: unknown): void {
    for (const listener of this.#messageListeners) listener(message);
  }

  disconnect(): void {
    for (const listener of this.#disconnectListeners) listener();
  }
}

function setup() {
  const onChange = vi.fn();
  const registry = new ViewRegistry(onChange);
  const open = (): FakePort => {
    const port = new FakePort();
    registry.attach(port);
    return port;
  };
  return { registry, onChange, open };
}

describe('ViewRegistry', () => {
  it('counts a newly attached view as a page with no conversation on screen', () => {
    const { registry, open } = setup();

    open();

    expect(registry.visibleConversations()).toEqual(new Set());
    expect(registry.isPopupOpen()).toBe(false);
  });

  it('learns from presence messages which conversation a view shows and that it is a popup', () => {
    const { registry, onChange, open } = setup();
    const popup = open();

    popup.post({ kind: 'popup', conversation: 'bob-peer' });

    expect(registry.visibleConversations()).toEqual(new Set(['bob-peer']));
    expect(registry.isPopupOpen()).toBe(true);
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('forgets the conversation a view moved away from', () => {
    const { registry, open } = setup();
    const page = open();

    page.post({ kind: 'page', conversation: 'bob-peer' });
    page.post({ kind: 'page', conversation: 'carol-peer' });
    expect(registry.visibleConversations()).toEqual(new Set(['carol-peer']));

    page.post({ kind: 'page', conversation: null });
    expect(registry.visibleConversations()).toEqual(new Set());
  });

  it('joins what every open view shows', () => {
    const { registry, open } = setup();
    const popup = open();
    const page = open();
    const other = open();

    popup.post({ kind: 'popup', conversation: 'bob-peer' });
    page.post({ kind: 'page', conversation: 'carol-peer' });
    other.post({ kind: 'page', conversation: 'bob-peer' });

    expect(registry.visibleConversations()).toEqual(new Set(['bob-peer', 'carol-peer']));
    expect(registry.isPopupOpen()).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'popup'],
    ['an array', ['popup', 'bob-peer']],
    ['an unknown kind', { kind: 'sidebar', conversation: 'bob-peer' }],
    ['no kind', { conversation: 'bob-peer' }],
    ['no conversation field', { kind: 'popup' }],
    ['a numeric conversation', { kind: 'popup', conversation: 42 }],
    ['an object as conversation', { kind: 'popup', conversation: { peerId: 'bob-peer' } }],
  ])('ignores a message that is %s', (_, message) => {
    const { registry, onChange, open } = setup();
    const page = open();
    page.post({ kind: 'page', conversation: 'bob-peer' });
    onChange.mockClear();

    page.post(message);

    expect(onChange).not.toHaveBeenCalled();
    expect(registry.visibleConversations()).toEqual(new Set(['bob-peer']));
    expect(registry.isPopupOpen()).toBe(false);
  });

  it('removes a view when its port disconnects, and says so', () => {
    const { registry, onChange, open } = setup();
    const popup = open();
    const page = open();
    popup.post({ kind: 'popup', conversation: 'bob-peer' });
    page.post({ kind: 'page', conversation: 'carol-peer' });
    onChange.mockClear();

    popup.disconnect();

    expect(onChange).toHaveBeenCalledTimes(1);
    expect(registry.isPopupOpen()).toBe(false);
    expect(registry.visibleConversations()).toEqual(new Set(['carol-peer']));
  });

  it('keeps a conversation visible while another view still shows it', () => {
    const { registry, open } = setup();
    const popup = open();
    const page = open();
    popup.post({ kind: 'popup', conversation: 'bob-peer' });
    page.post({ kind: 'page', conversation: 'bob-peer' });

    popup.disconnect();

    expect(registry.visibleConversations()).toEqual(new Set(['bob-peer']));
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  applyPlatformRequest,
  callNotificationId,
  conversationOfNotification,
  isPlatformRequest,
  parseCallNotificationId,
  MESSAGE_NOTIFICATION_PREFIX,
  type PlatformRequest,
} from './platform-request.ts';

type Browser = Parameters<typeof applyPlatformRequest>[0];

/** fakeBrowser implements `action` and `notifications` with real in-memory state. */
const browser = fakeBrowser as unknown as Browser;

const NOTIFICATION_ID = `${MESSAGE_NOTIFICATION_PREFIX}bob-peer`;

function badge(count: number): PlatformRequest {
  return { type: 'parley:platform', op: 'badge', count };
}

function notify(title: string, message: string): PlatformRequest {
  return { type: 'parley:platform', op: 'notify', id: NOTIFICATION_ID, title, message };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('isPlatformRequest', () => {
  it.each([
    ['a badge request', badge(3)],
    ['a notify request', notify('Bob', 'hi')],
    ['a bare platform type', { type: 'parley:platform' }],
  ])('accepts %s', (_, message) => {
    expect(isPlatformRequest(message)).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['the type as a string', 'parley:platform'],
    ['another Parley message', { type: 'parley:ensure-host' }],
    ['an object without a type', { op: 'badge', count: 3 }],
    ['an array', ['parley:platform']],
  ])('refuses %s', (_, message) => {
    expect(isPlatformRequest(message)).toBe(false);
  });
});

describe('applyPlatformRequest: badge', () => {
  it.each([
    [0, ''],
    [1, '1'],
    [42, '42'],
    [99, '99'],
    [100, '99+'],
    [12_345, '99+'],
    [-3, ''],
    [2.9, '2'],
  ])('shows %s unread as "%s"', async (count, text) => {
    await fakeBrowser.action.setBadgeText({ text: 'stale' });

    await applyPlatformRequest(browser, badge(count));

    expect(await fakeBrowser.action.getBadgeText({})).toBe(text);
  });

  it('colours the badge in Parley blue', async () => {
    await applyPlatformRequest(browser, badge(5));

    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0x24, 0x56, 0xd6, 255]);
  });

  it('uses browserAction where there is no action (Firefox, Manifest V2)', async () => {
    const firefox = { ...fakeBrowser, action: undefined, browserAction: fakeBrowser.action };

    await applyPlatformRequest(firefox as unknown as Browser, badge(7));

    expect(await fakeBrowser.action.getBadgeText({})).toBe('7');
  });
});

describe('applyPlatformRequest: notifications', () => {
  it('creates a basic notification with the given id, title and message and the icon', async () => {
    await applyPlatformRequest(browser, notify('Bob', 'Are you there?'));

    expect(fakeBrowser.notifications.getAllCreateOptions()).toEqual({
      [NOTIFICATION_ID]: {
        type: 'basic',
        iconUrl: fakeBrowser.runtime.getURL('/icon/128.png'),
        title: 'Bob',
        message: 'Are you there?',
      },
    });
  });

  it('replaces the earlier notification of the same conversation', async () => {
    await applyPlatformRequest(browser, notify('Bob', 'first'));
    await applyPlatformRequest(browser, notify('Bob', 'second'));

    const shown = fakeBrowser.notifications.getAllCreateOptions();
    expect(Object.keys(shown)).toEqual([NOTIFICATION_ID]);
    expect(shown[NOTIFICATION_ID]?.message).toBe('second');
  });

  it('clears the notification with the given id and leaves the others', async () => {
    const other = `${MESSAGE_NOTIFICATION_PREFIX}carol-peer`;
    await applyPlatformRequest(browser, notify('Bob', 'hi'));
    await applyPlatformRequest(browser, {
      type: 'parley:platform',
      op: 'notify',
      id: other,
      title: 'Carol',
      message: 'hello',
    });

    await applyPlatformRequest(browser, {
      type: 'parley:platform',
      op: 'clear-notification',
      id: NOTIFICATION_ID,
    });

    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([other]);
  });
});

describe('applyPlatformRequest: calls', () => {
  it('shows a ringing call on the badge, in green, whatever the unread count', async () => {
    await applyPlatformRequest(browser, {
      type: 'parley:platform',
      op: 'badge',
      count: 3,
      ringing: true,
    });

    expect(await fakeBrowser.action.getBadgeText({})).toBe('call');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0x1a, 0x7f, 0x37, 255]);

    await applyPlatformRequest(browser, {
      type: 'parley:platform',
      op: 'badge',
      count: 3,
      ringing: false,
    });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('3');
  });

  it('gives a call notification its buttons and keeps it up (Chrome)', async () => {
    const id = callNotificationId('0f8fad5b-d9cb-469f-a165-70867728950e', 'bob-peer');
    await applyPlatformRequest(browser, {
      type: 'parley:platform',
      op: 'notify',
      id,
      title: 'Bob',
      message: 'Video call',
      buttons: ['Accept', 'Decline'],
      requireInteraction: true,
    });

    expect(fakeBrowser.notifications.getAllCreateOptions()[id]).toMatchObject({
      buttons: [{ title: 'Accept' }, { title: 'Decline' }],
      requireInteraction: true,
    });
  });

  it('opens the call page in a tab, the call id as its hash', async () => {
    await applyPlatformRequest(browser, {
      type: 'parley:platform',
      op: 'open-call',
      callId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    });

    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.map((tab) => tab.url)).toContain(
      'chrome-extension://test-extension-id/call.html#0f8fad5b-d9cb-469f-a165-70867728950e',
    );
  });
});

describe('call notification ids', () => {
  const CALL_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('carry the call and the conversation, and are told from others', () => {
    const id = callNotificationId(CALL_ID, 'abcd-efgh');
    expect(parseCallNotificationId(id)).toEqual({ callId: CALL_ID, peerId: 'abcd-efgh' });
    expect(conversationOfNotification(id)).toBe('abcd-efgh');
    expect(conversationOfNotification(`${MESSAGE_NOTIFICATION_PREFIX}abcd-efgh`)).toBe('abcd-efgh');
    expect(parseCallNotificationId(`${MESSAGE_NOTIFICATION_PREFIX}abcd-efgh`)).toBeNull();
    expect(parseCallNotificationId('parley:call:short:abcd')).toBeNull();
    expect(parseCallNotificationId(`parley:call:${CALL_ID}:`)).toBeNull();
    expect(conversationOfNotification('other:1')).toBeNull();
  });
});

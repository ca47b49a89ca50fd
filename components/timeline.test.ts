import { describe, expect, it } from 'vitest';
import type { CallSummary } from '../lib/call/call-types.ts';
import type { ChatMessage } from '../lib/chat/chat-message.ts';
import type { TransferSummary } from '../lib/transfer/transfer-summary.ts';
import { timeline, transfersWith } from './timeline.ts';

const message = (id: string, sentAt: number): ChatMessage => ({
  id,
  peerId: 'bob',
  direction: 'out',
  text: id,
  sentAt,
  seq: 1,
  localOrder: 1,
  state: 'sent',
});

const transfer = (id: string, offeredAt: number, peerId = 'bob'): TransferSummary => ({
  id,
  peerId,
  direction: 'in',
  name: `${id}.txt`,
  size: 1,
  offeredAt,
  state: 'offered',
  reason: null,
  doneBytes: 0,
  sentBytes: 0,
  bytesPerSecond: null,
  secondsLeft: null,
  downloadId: null,
  endedBy: null,
});

const call = (callId: string, startedAt: number): CallSummary => ({
  callId,
  peerId: 'bob',
  direction: 'in',
  video: true,
  state: 'ended',
  endReason: 'unanswered',
  startedAt,
  answeredAt: null,
  endedAt: startedAt + 45_000,
  remoteMedia: { muted: false, cameraOff: false, screen: false },
});

const keys = (items: ReturnType<typeof timeline>) => items.map((item) => item.key);

describe('transfersWith', () => {
  it("keeps one contact's transfers, oldest first", () => {
    const all = [transfer('b', 20), transfer('x', 5, 'carol'), transfer('a', 10)];
    expect(transfersWith(all, 'bob').map((t) => t.id)).toEqual(['a', 'b']);
  });
});

describe('timeline', () => {
  it('puts transfers among messages by time', () => {
    const items = timeline(
      [message('m1', 10), message('m2', 30), message('m3', 50)],
      [transfer('t1', 5), transfer('t2', 40), transfer('t3', 60)],
    );
    expect(keys(items)).toEqual(['t:t1', 'm:m1', 'm:m2', 't:t2', 'm:m3', 't:t3']);
  });

  it('keeps the messages in their stored order even when their clocks disagree', () => {
    const items = timeline([message('m1', 50), message('m2', 10)], [transfer('t1', 30)]);
    expect(keys(items)).toEqual(['t:t1', 'm:m1', 'm:m2']);
  });

  it('puts a message first when it was sent at the same time', () => {
    expect(keys(timeline([message('m1', 10)], [transfer('t1', 10)]))).toEqual(['m:m1', 't:t1']);
  });

  it('works with only one kind, or none', () => {
    expect(keys(timeline([], [transfer('t1', 1)]))).toEqual(['t:t1']);
    expect(keys(timeline([message('m1', 1)], []))).toEqual(['m:m1']);
    expect(timeline([], [])).toEqual([]);
  });

  it('puts calls among messages and transfers by the time they started', () => {
    const items = timeline(
      [message('m1', 10), message('m2', 30)],
      [transfer('t1', 5), transfer('t2', 40)],
      [call('c1', 1), call('c2', 20), call('c3', 40), call('c4', 50)],
    );
    expect(keys(items)).toEqual(['c:c1', 't:t1', 'm:m1', 'c:c2', 'm:m2', 't:t2', 'c:c3', 'c:c4']);
  });
});

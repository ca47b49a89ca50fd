// A stand-in for the host's call service, installed in one extension page: it keeps two
// call records, `caller` (out) and `callee` (in), and relays each page's signals and
// media state to the other over the views' channel, as two hosts and a data connection
// would. It lets the call page be checked in a real browser without the host side.
// Parley's real host answers on the same channel (refusing call requests): every answer
// that matters here is an event or a state, which the real host never sends for calls.
import type { Page } from 'playwright-core';
import type { CallSummary } from '../../lib/call/call-types.ts';
import { HOST_CHANNEL } from '../../lib/protocol/host-protocol.ts';

export const STAND_IN_CALLER = 'stand-in-caller';
export const STAND_IN_CALLEE = 'stand-in-callee';

/** Installs the stand-in in `page` (any extension page that stays open). */
export async function installStandInCallHost(page: Page): Promise<void> {
  await page.evaluate(
    ({ channelName, caller, callee }) => {
      const channel = new BroadcastChannel(channelName);
      const now = Date.now();
      const record = (callId: string, direction: 'out' | 'in', state: string): CallSummary =>
        ({
          callId,
          peerId: `peer-of-${callId}`,
          direction,
          video: true,
          state,
          endReason: null,
          startedAt: now,
          answeredAt: null,
          endedAt: null,
          remoteMedia: { muted: false, cameraOff: false, screen: false },
        }) as CallSummary;
      const calls: Record<string, CallSummary> = {
        [caller]: record(caller, 'out', 'ringing'),
        [callee]: record(callee, 'in', 'connecting'),
      };
      const other = (callId: string) => (callId === caller ? callee : caller);
      const push = () =>
        channel.postMessage({
          kind: 'state',
          state: {
            peerId: 'stand-in',
            contacts: [],
            settings: { iceServers: [] },
            calls: Object.values(calls),
          },
        });
      channel.onmessage = (event: MessageEvent) => {
        const message = event.data as { kind: string; id: string; method: string; params: never };
        if (message?.kind !== 'request') return;
        const params = message.params as { callId: string; signal?: unknown; media?: never };
        const call = calls[params?.callId];
        if (!call) return; // getState and the rest: the real host answers
        if (message.method === 'sendCallSignal') {
          channel.postMessage({
            kind: 'event',
            event: { type: 'call-signal', callId: other(call.callId), signal: params.signal },
          });
        } else if (message.method === 'setCallMedia') {
          calls[other(call.callId)]!.remoteMedia = params.media!;
        } else if (message.method === 'callConnected') {
          call.state = 'active';
        } else if (message.method === 'endCall') {
          for (const each of Object.values(calls)) {
            Object.assign(each, { state: 'ended', endReason: 'hangup', endedAt: Date.now() });
          }
        }
        channel.postMessage({ kind: 'response', id: message.id, ok: true, result: { ok: true } });
        push();
      };
      Object.assign(globalThis, {
        standInAnswer: () => {
          Object.assign(calls[caller]!, { state: 'connecting', answeredAt: Date.now() });
          calls[callee]!.answeredAt = Date.now();
          push();
        },
      });
      setInterval(push, 500);
    },
    { channelName: HOST_CHANNEL, caller: STAND_IN_CALLER, callee: STAND_IN_CALLEE },
  );
}

/** The callee accepts: the caller's record becomes `connecting`. */
export async function standInAnswer(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { standInAnswer(): void }).standInAnswer());
}

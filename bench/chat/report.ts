// What bench:chat prints: lines for people, then one JSON line with every figure.
import { ms, ratio, summarize } from '../support/stats.ts';
import type { BareConnect } from './bare-peerjs.ts';
import type { RoundTrip } from './host-probe.ts';

/** Parley may take at most this many times the bare PeerJS figure (issue #3, item 7). */
export const TARGET_RATIO = 2;

export interface ChatSamples {
  roundTrips: RoundTrip[];
  /** Ping and echo on one bare connection. */
  bareRoundTrips: number[];
  /**
   * The floor's parts, in A's page, taking turns with the round trips: one strict
   * IndexedDB write of a message-sized record, and one `getState` to A's host and back.
   */
  strictWrites: number[];
  hops: number[];
  /** Remove, then add again: `addContact` → accepted and online. */
  connects: number[];
  /** Back online → the contact online; with `historyMessages` in the conversation. */
  reconnects: number[];
  /** Bare connects taking turns with `connects`, and with `reconnects`. */
  bareConnects: BareConnect[];
  bareConnectsWithReconnects: BareConnect[];
  /** Messages in the conversation while the reconnects were measured. */
  historyMessages: number;
}

/** What else ran: the figures of a loaded machine are read with that in mind. */
export interface RunContext {
  builtAt: Date;
  cpus: number;
  /** The 1-minute load average when measuring began. */
  load: number;
}

export interface ChatReport {
  lines: string[];
  figures: Record<string, number | boolean | string>;
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
const verdict = (value: number): string =>
  `ratio p50 ${fixed(value)}×   target ≤ ${TARGET_RATIO}×: ${value <= TARGET_RATIO ? 'met' : 'MISSED'}`;

export function chatReport(samples: ChatSamples, context: RunContext): ChatReport {
  const rtt = summarize(samples.roundTrips.map((trip) => trip.delivered));
  const sent = summarize(samples.roundTrips.map((trip) => trip.sent));
  const answered = summarize(samples.roundTrips.map((trip) => trip.answered));
  const bareRtt = summarize(samples.bareRoundTrips);
  const strictWrite = summarize(samples.strictWrites);
  const hop = summarize(samples.hops);
  // The least a round trip can take when 'delivered' means stored durably at B, as a view
  // sees it: the request to A's host and the 'delivered' event back (one view ↔ host hop),
  // the message to B and the receipt back (one bare ping), and B committing one strict
  // write in between. Whatever else Parley does comes on top of this.
  const floor = bareRtt.p50 + hop.p50 + strictWrite.p50;
  const floorRatio = ratio(floor, bareRtt.p50);
  const connect = summarize(samples.connects);
  const reconnect = summarize(samples.reconnects);
  // The bare connect whole, as `addContact` is timed; and from connect() returning, as a
  // reconnect is (its host calls connect() in the task that publishes "online").
  const bareConnect = summarize(samples.bareConnects.map(({ call, open }) => call + open));
  const bareOpen = summarize(samples.bareConnectsWithReconnects.map(({ open }) => open));
  const bareCall = summarize(samples.bareConnectsWithReconnects.map(({ call }) => call));
  const rttRatio = ratio(rtt.p50, bareRtt.p50);
  const connectRatio = ratio(connect.p50, bareConnect.p50);
  const reconnectRatio = ratio(reconnect.p50, bareOpen.p50);
  const row = (label: string, summary: { p50: number; p99: number }, note: string, digits = 2) =>
    `  ${label.padEnd(12)} p50 ${fixed(summary.p50, digits).padStart(6)} ms   p99 ${fixed(summary.p99, digits).padStart(6)} ms   ${note}`;

  const lines = [
    'bench:chat: Parley against a bare PeerJS DataConnection, two Chromium profiles on loopback',
    `build of ${context.builtAt.toISOString()}; ${context.cpus} CPUs, load average ${fixed(context.load)}`,
    '',
    `message round trip (${rtt.count} messages, one at a time)`,
    row('Parley', rtt, "sendMessage → the 'delivered' event"),
    row('bare PeerJS', bareRtt, `send → echo (${bareRtt.count} round trips)`),
    `  ${verdict(rttRatio)}`,
    `  p50 from posting sendMessage: 'sent' event ${fixed(sent.p50)} ms, answer ${fixed(answered.p50)} ms, 'delivered' ${fixed(rtt.p50)} ms`,
    `  in A's page, ${strictWrite.count} each: one strict IndexedDB write p50 ${fixed(strictWrite.p50)} ms (p99 ${fixed(strictWrite.p99)}), one view ↔ host hop p50 ${fixed(hop.p50)} ms (p99 ${fixed(hop.p99)})`,
    `  floor (bare ping + one view ↔ host hop + one strict IndexedDB write): ${fixed(floor)} ms = ${fixed(floorRatio)}× the bare ping, ${floorRatio <= TARGET_RATIO ? 'within' : 'above'} the ${TARGET_RATIO}× target`,
    '',
    `connect when a contact is added (${connect.count} times)`,
    row('Parley', connect, 'addContact → accepted and online', 1),
    row('bare PeerJS', bareConnect, `connect() → 'open' (${bareConnect.count} times)`, 1),
    `  ${verdict(connectRatio)}`,
    '',
    `connect when a contact comes online (${reconnect.count} times, ${samples.historyMessages} messages of history)`,
    row('Parley', reconnect, 'host online → contact online', 1),
    row(
      'bare PeerJS',
      bareOpen,
      `connect() returned → 'open' (the call took ${fixed(bareCall.p50, 1)} ms)`,
      1,
    ),
    `  ${verdict(reconnectRatio)}`,
  ];

  const figures = {
    bench: 'chat',
    rtt_p50_ms: ms(rtt.p50),
    rtt_p99_ms: ms(rtt.p99),
    rtt_mean_ms: ms(rtt.mean),
    rtt_samples: rtt.count,
    rtt_sent_event_p50_ms: ms(sent.p50),
    rtt_answer_p50_ms: ms(answered.p50),
    bare_rtt_p50_ms: ms(bareRtt.p50),
    bare_rtt_p99_ms: ms(bareRtt.p99),
    bare_rtt_mean_ms: ms(bareRtt.mean),
    bare_rtt_samples: bareRtt.count,
    idb_strict_write_p50_ms: ms(strictWrite.p50),
    idb_strict_write_p99_ms: ms(strictWrite.p99),
    idb_strict_write_samples: strictWrite.count,
    view_hop_p50_ms: ms(hop.p50),
    view_hop_p99_ms: ms(hop.p99),
    view_hop_samples: hop.count,
    rtt_floor_p50_ms: ms(floor),
    rtt_floor_p50_ratio: floorRatio,
    connect_p50_ms: ms(connect.p50),
    connect_p99_ms: ms(connect.p99),
    connect_samples: connect.count,
    bare_connect_p50_ms: ms(bareConnect.p50),
    bare_connect_p99_ms: ms(bareConnect.p99),
    bare_connect_samples: bareConnect.count,
    reconnect_p50_ms: ms(reconnect.p50),
    reconnect_p99_ms: ms(reconnect.p99),
    reconnect_samples: reconnect.count,
    reconnect_history_messages: samples.historyMessages,
    bare_connect_open_p50_ms: ms(bareOpen.p50),
    bare_connect_open_p99_ms: ms(bareOpen.p99),
    bare_connect_open_samples: bareOpen.count,
    bare_connect_call_p50_ms: ms(bareCall.p50),
    rtt_p50_ratio: rttRatio,
    connect_p50_ratio: connectRatio,
    reconnect_p50_ratio: reconnectRatio,
    target_ratio: TARGET_RATIO,
    rtt_target_met: rttRatio <= TARGET_RATIO,
    connect_target_met: connectRatio <= TARGET_RATIO,
    reconnect_target_met: reconnectRatio <= TARGET_RATIO,
    built_at: context.builtAt.toISOString(),
    cpus: context.cpus,
    load_avg_1m: ms(context.load),
  };
  return { lines, figures };
}

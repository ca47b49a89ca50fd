// The figures of bench:signaling as one JSON object, with each target met or missed.
import os from 'node:os';
import { ms, ratio, summarize } from '../support/stats.ts';
import type { ServerFigures } from './hold-and-relay.ts';

export interface SignalingContext {
  clientsRequested: number;
  /** What was asked, lowered to what the swarm process's descriptor limit leaves room for. */
  clientsBound: number;
  secondsAllowed: number;
  parleyConcurrentLimit: number;
  /** `ulimit -n` (soft) of this process and of each server, from /proc/<pid>/limits. */
  fdLimitBench: number | null;
  fdLimitParley: number | null;
  fdLimitStock: number | null;
  loadBefore: number;
}

/** Descriptors a server needs besides its clients (stdio, listener, epoll, libuv's own). */
const FD_RESERVE = 64;

const perThousand = (f: ServerFigures): number =>
  ((f.rssLoadedBytes - f.rssBeforeBytes) / f.held) * 1000;

export function signalingReport(parley: ServerFigures, stock: ServerFigures, c: SignalingContext) {
  const relay = summarize(parley.relayMs);
  const stockRelay = summarize(stock.relayMs);
  const memoryRatio = ratio(perThousand(parley), perThousand(stock));
  // "Up to the machine's descriptor limit": whichever is lower of what was asked for and
  // what the server's own limit leaves room for.
  // The bound already says what the swarm process (which holds the clients) can open.
  const heldTarget = Math.min(c.clientsBound, (c.fdLimitParley ?? Infinity) - FD_RESERVE);
  return {
    clients_held: parley.held,
    stock_clients_held: stock.held,
    clients_requested: c.clientsRequested,
    clients_bound: c.clientsBound,
    clients_held_target: heldTarget,
    ramp_seconds: Math.round(parley.ramp.seconds * 10) / 10,
    stock_ramp_seconds: Math.round(stock.ramp.seconds * 10) / 10,
    ramp_stopped_by: parley.ramp.stoppedBy,
    stock_ramp_stopped_by: stock.ramp.stoppedBy,
    refusals: parley.ramp.refusals,
    stock_refusals: stock.ramp.refusals,
    parley_concurrent_limit: c.parleyConcurrentLimit,
    rss_before_bytes: parley.rssBeforeBytes,
    rss_loaded_bytes: parley.rssLoadedBytes,
    stock_rss_before_bytes: stock.rssBeforeBytes,
    stock_rss_loaded_bytes: stock.rssLoadedBytes,
    memory_per_1000_bytes: Math.round(perThousand(parley)),
    stock_memory_per_1000_bytes: Math.round(perThousand(stock)),
    memory_per_1000_ratio: memoryRatio,
    relay_samples: relay.count,
    relay_p50_ms: ms(relay.p50),
    relay_p99_ms: ms(relay.p99),
    relay_max_ms: ms(relay.max),
    stock_relay_p50_ms: ms(stockRelay.p50),
    stock_relay_p99_ms: ms(stockRelay.p99),
    stock_relay_max_ms: ms(stockRelay.max),
    relay_p99_ratio: ratio(relay.p99, stockRelay.p99),
    timer_loop_delay_p99_ms: ms(parley.timerLoopDelayP99Ms),
    stock_timer_loop_delay_p99_ms: ms(stock.timerLoopDelayP99Ms),
    fd_limit_bench: c.fdLimitBench,
    fd_limit_parley: c.fdLimitParley,
    fd_limit_stock: c.fdLimitStock,
    seconds_allowed: c.secondsAllowed,
    cpus: os.cpus().length,
    load_avg_1m_before: Math.round(c.loadBefore * 100) / 100,
    load_avg_1m_after: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    targets: {
      clients_held_to_fd_limit: parley.held >= heldTarget ? 'met' : 'missed',
      memory_per_1000_ratio_max_1_2: memoryRatio <= 1.2 ? 'met' : 'missed',
      relay_p99_max_2_ms: relay.p99 <= 2 ? 'met' : 'missed',
    },
  };
}

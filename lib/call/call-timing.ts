/** How long a call rings before it ends as `unanswered`, on both sides. */
export const RING_TIMEOUT_MS = 45_000;

/** While a call is up, each side says it is there this often (call-ping)... */
export const PING_INTERVAL_MS = 2_000;

/**
 * ...and ends the call as `lost` after this long without a frame from the other side. A
 * crashed browser's data channel can take longer than this to close, and the person on
 * the other end should know within 10 s: silence is checked at each ping, so a call ends
 * at most this plus one ping interval (9 s) after the last frame. Three pings in a row
 * must go missing first.
 */
export const SILENCE_LIMIT_MS = 7_000;

/** The timings a CallService runs on; tests shorten them. */
export interface CallTiming {
  ringTimeoutMs: number;
  pingIntervalMs: number;
  silenceLimitMs: number;
}

export const DEFAULT_CALL_TIMING: CallTiming = {
  ringTimeoutMs: RING_TIMEOUT_MS,
  pingIntervalMs: PING_INTERVAL_MS,
  silenceLimitMs: SILENCE_LIMIT_MS,
};

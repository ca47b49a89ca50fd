import { readFileSync } from 'node:fs';

/**
 * Descriptors kept back from clients: stdio, the listening socket, epoll and libuv's own
 * handles (about 20 at idle), plus room for health checks, `/id` requests, TLS files, a
 * tokens-file reload and refused connections that still need a socket to hear why.
 */
export const DESCRIPTOR_RESERVE = 64;

/**
 * The soft `ulimit -n` assumed where it cannot be read (not Linux, or /proc not mounted):
 * the usual Linux default. Where it is lower (macOS shells give 256), set
 * PARLEY_CONCURRENT_LIMIT by hand.
 */
export const FALLBACK_OPEN_FILES = 1024;

/** PARLEY_CONCURRENT_LIMIT's highest accepted value, also the cap for an unlimited soft limit. */
export const MAX_CONCURRENT_LIMIT = 1_000_000;

/**
 * The soft "Max open files" of a `/proc/<pid>/limits` text (read in-process, after Node has
 * raised its soft limit to the hard one, so it is the number of descriptors Node may use): a number, `unlimited`, or
 * undefined when the text is missing or does not hold a readable line for it.
 */
export function softOpenFilesLimit(
  limitsText: string | undefined,
): number | 'unlimited' | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limitsText ?? '');
  if (!match) return undefined;
  if (match[1] === 'unlimited') return 'unlimited';
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * How many clients fit in the process's descriptors: each holds one socket, and
 * {@link DESCRIPTOR_RESERVE} stay for everything else. At least 1, at most
 * {@link MAX_CONCURRENT_LIMIT}; an unreadable limit counts as {@link FALLBACK_OPEN_FILES}.
 */
export function concurrentLimitFor(limitsText: string | undefined): number {
  const soft = softOpenFilesLimit(limitsText);
  if (soft === 'unlimited') return MAX_CONCURRENT_LIMIT;
  const openFiles = soft ?? FALLBACK_OPEN_FILES;
  return Math.min(MAX_CONCURRENT_LIMIT, Math.max(1, openFiles - DESCRIPTOR_RESERVE));
}

/** This process's `/proc/self/limits`, or undefined where there is none. */
export function readOwnLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

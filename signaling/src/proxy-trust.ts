import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** An Express `trust proxy` value: off, on, a hop count, or a list of trusted addresses. */
export type TrustProxy = boolean | number | string;

/** Named ranges that Express (proxy-addr) understands. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

export type TrustProxyResult =
  | { readonly ok: true; readonly value: TrustProxy }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads `PARLEY_PROXIED`. Validated here rather than by Express, which would only throw
 * on the first request, long after start-up.
 */
export function parseTrustProxy(raw: string): TrustProxyResult {
  const value = raw.trim();
  if (value === 'false') return { ok: true, value: false };
  if (value === 'true') return { ok: true, value: true };
  if (/^\d+$/.test(value)) return { ok: true, value: Number(value) };

  const bad = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => !NAMED_RANGES.includes(entry) && !isAddressOrSubnet(entry));
  if (bad.length > 0) {
    return {
      ok: false,
      reason: `expected true, false, a hop count, or addresses/subnets such as "loopback, 10.0.0.0/8"; "${bad.join('", "')}" is none of these`,
    };
  }
  return { ok: true, value };
}

function isAddressOrSubnet(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The address a request came from, walking X-Forwarded-For through trusted proxies the way
 * Express's `req.ip` does. WebSocket upgrades never reach Express, so they need this.
 * `trust` is Express's compiled `trust proxy fn` setting.
 */
export function clientAddress(
  req: IncomingMessage,
  trust: (address: string, hop: number) => boolean,
): string | undefined {
  const forwarded = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean)
    .reverse();
  const chain = [req.socket.remoteAddress ?? '', ...hops];
  for (let hop = 0; hop < chain.length - 1; hop += 1) {
    if (!trust(chain[hop] ?? '', hop)) return chain[hop] || undefined;
  }
  return chain[chain.length - 1] || undefined;
}

/** Allows every origin, and requests that send none (non-browser clients). */
export const ANY_ORIGIN = '*';

/** Extension schemes whose whole family can be allowed with `<scheme>://*`. */
const EXTENSION_SCHEMES = ['chrome-extension', 'moz-extension', 'safari-web-extension'];

const EXTENSION_ORIGIN = /^([a-z-]+):\/\/([a-z0-9-]+|\*)$/;

export type OriginEntryResult =
  { readonly ok: true; readonly entry: string } | { readonly ok: false; readonly reason: string };

/**
 * Checks one entry of `PARLEY_ALLOWED_ORIGINS` and puts it in the form the Origin header
 * uses (lower case, no trailing slash), so the check itself is a plain comparison.
 */
export function normalizeOriginEntry(raw: string): OriginEntryResult {
  const entry = raw.trim().toLowerCase();
  if (entry === ANY_ORIGIN) return { ok: true, entry };

  const extension = EXTENSION_ORIGIN.exec(entry);
  if (extension) {
    return EXTENSION_SCHEMES.includes(extension[1] ?? '')
      ? { ok: true, entry }
      : { ok: false, reason: `"${raw}" uses an unknown extension scheme` };
  }

  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return { ok: false, reason: `"${raw}" is not an origin such as https://example.org` };
  }
  const isWebOrigin = url.protocol === 'https:' || url.protocol === 'http:';
  const hasOnlyOrigin = url.pathname === '/' && !url.search && !url.hash && !url.username;
  if (!isWebOrigin || !hasOnlyOrigin || entry.includes('*')) {
    return { ok: false, reason: `"${raw}" is not an origin such as https://example.org` };
  }
  return { ok: true, entry: url.origin };
}

/**
 * Builds the origin check used on WebSocket upgrades and for CORS. The entries must come
 * from {@link normalizeOriginEntry}. Once an allowlist is set, a request without an Origin
 * is refused: browsers always send one, so only scripts omit it (and a script can forge
 * any Origin anyway — the key is what keeps those out).
 */
export function createOriginCheck(
  allowed: readonly string[],
): (origin: string | undefined) => boolean {
  if (allowed.includes(ANY_ORIGIN)) return () => true;

  const exact = new Set(allowed.filter((entry) => !entry.endsWith('://*')));
  const schemes = allowed
    .filter((entry) => entry.endsWith('://*'))
    .map((entry) => entry.slice(0, -1));

  return (origin) => {
    if (!origin) return false;
    const candidate = origin.toLowerCase();
    if (exact.has(candidate)) return true;
    return schemes.some(
      (prefix) =>
        candidate.startsWith(prefix) && /^[a-z0-9-]+$/.test(candidate.slice(prefix.length)),
    );
  };
}

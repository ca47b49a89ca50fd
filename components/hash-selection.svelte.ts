/** The peer ID in the page's `#fragment`, URL-decoded; `null` when there is none. */
function readHash(): string | null {
  const raw = location.hash.slice(1);
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null; // malformed percent-encoding: nothing selected
  }
}

/**
 * Which conversation a full-page view shows, kept in `location.hash` (`#<peerId>`) so that
 * it can be linked to, reloaded, and walked with Back and Forward.
 */
export class HashSelection {
  peerId = $state<string | null>(readHash());

  /** Follows hash changes (typed, or Back and Forward); returns the stop (for an $effect). */
  connect(): () => void {
    const update = () => (this.peerId = readHash());
    addEventListener('hashchange', update);
    addEventListener('popstate', update);
    return () => {
      removeEventListener('hashchange', update);
      removeEventListener('popstate', update);
    };
  }

  select(peerId: string | null): void {
    if (peerId === this.peerId) return;
    const url = peerId
      ? `#${encodeURIComponent(peerId)}`
      : `${location.pathname}${location.search}`;
    history.pushState(null, '', url);
    this.peerId = peerId;
  }
}

/** The query string a PeerJS client opens its WebSocket with: `?key=K&id=ID&token=T`. */
export interface HandshakeQuery {
  readonly id: string | undefined;
  readonly token: string | undefined;
  readonly key: string | undefined;
}

/** Why PeerServer turned a WebSocket away, as written in the `client-refused` log line. */
export type RefusalReason = 'missing-parameters' | 'invalid-key' | 'id-taken' | 'concurrent-limit';

export interface ServerState {
  readonly key: string;
  readonly concurrentLimit: number;
  readonly connectedPeers: ReadonlySet<string>;
}

/** Reads the query the same way PeerServer does (last value wins, empty means missing). */
export function readHandshakeQuery(url: string | undefined): HandshakeQuery {
  const params = new URL(url ?? '', 'http://localhost').searchParams;
  const value = (name: string) => params.getAll(name).at(-1) || undefined;
  return { id: value('id'), token: value('token'), key: value('key') };
}

/**
 * Names the check a refused WebSocket failed. PeerServer answers such sockets itself (an
 * ERROR or ID-TAKEN frame, then close) but does not say why to its host, so this mirrors
 * its checks, in its order, for the log. Call it only for a socket PeerServer has refused,
 * with the state as it was when PeerServer decided.
 */
export function refusalReason(query: HandshakeQuery, state: ServerState): RefusalReason {
  if (!query.id || !query.token || !query.key) return 'missing-parameters';
  if (query.key !== state.key) return 'invalid-key';
  if (state.connectedPeers.has(query.id)) return 'id-taken';
  return 'concurrent-limit';
}

/**
 * The same handshake URL with its `key` replaced (every copy of it, as PeerServer keeps the
 * last one). Without a key it stays as it is, so PeerServer still says the key is missing.
 */
export function withKey(url: string | undefined, key: string): string | undefined {
  const parsed = new URL(url ?? '', 'http://localhost');
  if (!parsed.searchParams.getAll('key').at(-1)) return url;
  parsed.searchParams.set('key', key);
  return `${parsed.pathname}${parsed.search}`;
}

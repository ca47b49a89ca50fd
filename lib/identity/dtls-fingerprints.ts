/**
 * The DTLS certificate fingerprints an SDP declares (`a=fingerprint:` lines, session or
 * media level), as the handshake transcript writes them: `<hash> <HEX:BYTES>`, sorted,
 * without duplicates, joined by ','. Empty if there are none.
 */
export function dtlsFingerprints(sdp: string): string {
  const found = new Set<string>();
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+)\s+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\s*$/.exec(line);
    if (match) found.add(`${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}`);
  }
  return [...found].sort().join(',');
}

/** Where the peer host registers: a PeerServer, as PeerJS addresses it. */
export interface ServerSettings {
  /** Host name or IP literal, without scheme, port or path. */
  host: string;
  port: number;
  /** Mount path of the PeerServer; PeerJS appends `peerjs` to it. */
  path: string;
  /** `true` for wss:// (TLS), `false` for ws://. */
  secure: boolean;
  /** The PeerServer's API key. */
  key: string;
}

/** One STUN or TURN server, as RTCPeerConnection takes it. */
export interface IceServerSettings {
  url: string;
  /** TURN only. */
  username: string;
  /** TURN only. */
  credential: string;
}

export interface Settings {
  server: ServerSettings;
  iceServers: IceServerSettings[];
}

/** The RTCConfiguration.iceServers entries these settings describe. */
export function toRtcIceServers(iceServers: readonly IceServerSettings[]): RTCIceServer[] {
  return iceServers.map(({ url, username, credential }) =>
    url.startsWith('turn') ? { urls: url, username, credential } : { urls: url },
  );
}

/** A short human form of the server address, for status lines and logs. */
export function describeServer({ host, port, path, secure }: ServerSettings): string {
  return `${secure ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
}

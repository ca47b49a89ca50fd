interface ImportMetaEnv {
  /** PeerServer URL baked into this build, e.g. `http://127.0.0.1:9000/parley`. */
  readonly WXT_PARLEY_SIGNALING_URL?: string;
  readonly WXT_PARLEY_SIGNALING_KEY?: string;
  /** Comma-separated STUN/TURN URLs. */
  readonly WXT_PARLEY_ICE_URLS?: string;
}

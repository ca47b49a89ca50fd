import type { CallEnvironment } from './call-session.ts';

/** The browser's own WebRTC and media, for the call page. */
export function browserCallEnvironment(): CallEnvironment {
  return {
    createPeerConnection: (config) => new RTCPeerConnection(config),
    createStream: (tracks) => new MediaStream(tracks ?? []),
    mediaDevices: navigator.mediaDevices,
  };
}

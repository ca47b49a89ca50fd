// What the call page shows of its own tracks, read inside the page. Each function is
// self-contained (Playwright and Puppeteer serialize it into the page), so the Chromium
// and the Firefox page objects share them.

/** A track as the tests compare it: which one, what the browser calls it, whether live. */
export interface TrackIdentity {
  id: string;
  label: string;
  readyState: MediaStreamTrackState;
}

/**
 * The video track the page sends. The local preview shows exactly the track on the video
 * sender (camera, or the screen while sharing), so reading it reads the sender.
 */
export function readOutgoingVideoTrack(): TrackIdentity | null {
  const video = document.querySelector<HTMLVideoElement>('[data-testid="call-local-video"]');
  const stream = video?.srcObject;
  const track = stream instanceof MediaStream ? stream.getVideoTracks()[0] : undefined;
  return track ? { id: track.id, label: track.label, readyState: track.readyState } : null;
}

/** Whether every track the page's videos and audio hold has stopped (camera light off). */
export function readAllTracksStopped(): boolean {
  return [...document.querySelectorAll<HTMLMediaElement>('video, audio')].every((element) => {
    const stream = element.srcObject;
    return (
      !(stream instanceof MediaStream) ||
      stream.getTracks().every((track) => track.readyState === 'ended')
    );
  });
}

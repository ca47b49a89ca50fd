import { logger } from '../log.ts';

/** What the page got of the user's devices. */
export interface LocalMedia {
  stream: MediaStream;
  /** Said when the camera could not be used and the call goes on with audio only. */
  notice: string | null;
}

/** The user's microphone could not be used: the call cannot go on. */
export class MicrophoneUnavailableError extends Error {}

export type UserMedia = Pick<MediaDevices, 'getUserMedia'>;

/**
 * Gets the microphone, and the camera for a video call. A camera that is denied, missing,
 * busy or unsuitable does not stop the call: it goes on with audio only and says why.
 * Without a microphone there is no call: throws MicrophoneUnavailableError.
 */
export async function getLocalMedia(devices: UserMedia, video: boolean): Promise<LocalMedia> {
  if (video) {
    try {
      return { stream: await devices.getUserMedia({ audio: true, video: true }), notice: null };
    } catch (error) {
      logger.warn('call.camera-unavailable', { error: errorName(error) });
      const stream = await getMicrophone(devices);
      return { stream, notice: cameraNotice(error) };
    }
  }
  return { stream: await getMicrophone(devices), notice: null };
}

async function getMicrophone(devices: UserMedia): Promise<MediaStream> {
  try {
    return await devices.getUserMedia({ audio: true, video: false });
  } catch (error) {
    logger.error('call.microphone-unavailable', { error: errorName(error) });
    throw new MicrophoneUnavailableError(microphoneMessage(error));
  }
}

function cameraNotice(error: unknown): string {
  switch (errorName(error)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access is blocked, so this call is audio only. Allow the camera in the browser’s site settings for the next call.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found, so this call is audio only.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera is in use by another program, so this call is audio only.';
    default:
      return 'The camera could not be started, so this call is audio only.';
  }
}

function microphoneMessage(error: unknown): string {
  switch (errorName(error)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access is blocked. Allow the microphone for Parley in the browser’s settings, then call again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one, then call again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is in use by another program. Close it, then call again.';
    default:
      return 'The microphone could not be started, so the call cannot go on.';
  }
}

/** The DOMException name of a media error, for messages and logs (never its text). */
export function errorName(error: unknown): string {
  return error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name: unknown }).name)
    : 'unknown';
}

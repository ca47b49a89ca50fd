import jsQR from 'jsqr';
import { normalizePeerId } from '../host/peer-identity.ts';

/** What Parley's QR codes hold: `parley:<peerId>`, the peer ID percent-encoded. */
const SCHEME = 'parley:';

/** Larger images are scaled down first: jsQR's time grows with the pixel count. */
const MAX_SIDE = 1600;

export type ReadQrResult = { ok: true; peerId: string } | { ok: false; error: string };

/** The text a QR code for `peerId` holds. */
export function toPeerUri(peerId: string): string {
  return `${SCHEME}${encodeURIComponent(peerId)}`;
}

/** The peer ID in a QR code's text: a `parley:` URI or a bare peer ID; `null` if neither. */
export function peerIdFromQrText(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.toLowerCase().startsWith(SCHEME)) return normalizePeerId(trimmed);
  try {
    return normalizePeerId(decodeURIComponent(trimmed.slice(SCHEME.length)));
  } catch {
    return null; // malformed percent-encoding
  }
}

function pixelsOf(bitmap: ImageBitmap): ImageData {
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D context');
  // A transparent PNG's empty pixels read as black; paint white under the image first.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

/** The text of the QR code in an image file (a photo or screenshot), or why there is none. */
export async function readQrText(
  file: Blob,
): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  let pixels: ImageData;
  try {
    const bitmap = await createImageBitmap(file);
    try {
      pixels = pixelsOf(bitmap);
    } finally {
      bitmap.close();
    }
  } catch {
    return { ok: false, error: 'Could not open that file as an image.' };
  }
  const code = jsQR(pixels.data, pixels.width, pixels.height, {
    inversionAttempts: 'attemptBoth',
  });
  return code
    ? { ok: true, text: code.data }
    : { ok: false, error: 'No QR code found in that image.' };
}

/** Finds a QR code in an image file (a photo or screenshot) and reads a peer ID from it. */
export async function readPeerIdFromImage(file: Blob): Promise<ReadQrResult> {
  const read = await readQrText(file);
  if (!read.ok) return read;
  const peerId = peerIdFromQrText(read.text);
  if (!peerId) return { ok: false, error: 'That QR code does not hold a Parley peer ID.' };
  return { ok: true, peerId };
}

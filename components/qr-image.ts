import jsQR from 'jsqr';

/** Larger images are scaled down first: jsQR's time grows with the pixel count. */
const MAX_SIDE = 1600;

// TODO(2026-11-21): lib/contacts/read-qr.ts reads images the same way but keeps only a peer
// ID; once it exports the raw text reader, use that here and drop this copy.
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

// Reads a QR code off the screen, as a phone's camera would: a screenshot of the element,
// decoded by jsQR. It proves what the code says, not only that an image is there.
import jsQR from 'jsqr';
import type { Locator } from 'playwright-core';

/** A quiet zone added around the screenshot: the view may draw the code edge to edge. */
const MARGIN = 24;

/** The text the QR code shown in `locator` encodes, or null if none can be read. */
export async function readQrCode(locator: Locator): Promise<string | null> {
  const png = await locator.screenshot({ animations: 'disabled' });
  // Decode the PNG where an image decoder is at hand: in the page itself.
  const image = await locator.page().evaluate(
    async ({ base64, margin }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const width = bitmap.width + 2 * margin;
      const height = bitmap.height + 2 * margin;
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#fff';
      context.fillRect(0, 0, width, height);
      context.drawImage(bitmap, margin, margin);
      return { width, height, data: [...context.getImageData(0, 0, width, height).data] };
    },
    { base64: png.toString('base64'), margin: MARGIN },
  );
  const code = jsQR(Uint8ClampedArray.from(image.data), image.width, image.height, {
    inversionAttempts: 'attemptBoth',
  });
  return code?.data ?? null;
}

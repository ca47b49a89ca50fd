const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

/**
 * A byte count for people: "0 bytes", "1 byte", "532 bytes", "1.4 MB", "52 MB", "4.3 GB".
 * Decimal units (1 MB = 1,000,000 bytes), as operating systems show file sizes.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? bytes';
  if (bytes < 1000) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes;
  let unit = 0;
  // 999,999 bytes rounds to "1000 KB": carry on to "1 MB" instead.
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // Two significant digits below 10 ("1.4 MB"), whole numbers above ("52 MB").
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${shown} ${UNITS[unit]}`;
}

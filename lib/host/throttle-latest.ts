/**
 * Calls `apply` with the latest value at most once every `intervalMs`: the first value
 * goes at once, later ones within the interval collapse into one call at its end.
 */
export function throttleLatest<T>(
  intervalMs: number,
  apply: (value: T) => void,
): (value: T) => void {
  let waiting = false;
  let next: { value: T } | undefined;
  const release = () => {
    if (!next) {
      waiting = false;
      return;
    }
    const { value } = next;
    next = undefined;
    apply(value);
    setTimeout(release, intervalMs);
  };
  return (value: T) => {
    if (waiting) {
      next = { value };
      return;
    }
    waiting = true;
    apply(value);
    setTimeout(release, intervalMs);
  };
}

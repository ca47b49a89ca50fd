/**
 * Bytes this extension may still store (its quota less its usage), which bounds what an
 * incoming file may take on disk; null when the browser will not say.
 */
export async function freeStorageSpace(): Promise<number | null> {
  try {
    const { quota, usage } = await navigator.storage.estimate();
    return quota === undefined ? null : Math.max(0, quota - (usage ?? 0));
  } catch {
    return null;
  }
}

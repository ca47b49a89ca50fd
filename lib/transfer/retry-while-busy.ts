/** A file a stopped sink still holds is tried this often, this far apart. */
const BUSY_FILE_ATTEMPTS = 10;
const BUSY_FILE_RETRY_MS = 100;

/**
 * Runs a disk operation on an incoming file, trying again for a moment while it fails: a
 * sink that was just stopped lets go of its file only once its worker has ended, and OPFS
 * lets one handle at a time hold a file.
 */
export async function retryWhileBusy<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= BUSY_FILE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, BUSY_FILE_RETRY_MS));
    }
  }
}

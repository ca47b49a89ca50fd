import type { TransferServiceOptions } from '../transfer-service.ts';
import type { TransferStore } from '../transfer-store.ts';

const unused = (what: string) => () =>
  Promise.reject(new Error(`${what} is not part of this test.`));

/**
 * Transfer ports for tests of other parts of the host: a real store, and disk, pump and
 * downloads that refuse to be used (a test that starts a transfer brings its own).
 */
export function idleTransferPorts(
  store: TransferStore,
): Pick<TransferServiceOptions, 'store' | 'incoming' | 'outgoing' | 'downloads' | 'freeSpace'> {
  return {
    store,
    incoming: {
      open: unused('The disk sink'),
      read: unused('The disk sink'),
      remove: unused('The disk sink'),
      list: () => Promise.resolve([]),
    },
    outgoing: {
      pump: unused('The pump'),
      hash: () => {
        throw new Error('The hasher is not part of this test.');
      },
      digest: unused('The hasher'),
    },
    downloads: {
      save: unused('Saving to Downloads'),
      show: () => {
        throw new Error('Showing a download is not part of this test.');
      },
    },
    freeSpace: () => Promise.resolve(null),
  };
}

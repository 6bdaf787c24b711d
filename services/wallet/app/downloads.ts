import { PermanentError } from '#shared/runtime/errors.ts';
import type { WalletStore } from './ports.ts';

export interface DownloadsDeps {
  store: Pick<WalletStore, 'getCredential'>;
}

/**
 * The public downloads of a credential (its signed JSON, its PDF certificate): anyone with the page's link may take
 * them, as anyone may open the page. Read-only: nothing here signs or writes.
 */
export const makeDownloads = ({ store }: DownloadsDeps) => ({
  /** A claimed or unclaimed credential's record, for downloads of the public document (404 when absent). */
  record: async (id: string) => {
    // 1. The stored record, whatever its status: the page shows the verdict, a download is the same document.
    const credential = await store.getCredential(id);
    if (!credential) throw new PermanentError('NOT_FOUND', 'credential not found', { status: 404 });
    return credential;
  },
});

export type Downloads = ReturnType<typeof makeDownloads>;

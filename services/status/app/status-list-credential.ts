import { toDateTimeStamp } from '#shared/credentials/date-time.ts';
import { signingMethod } from '#shared/credentials/issuer-keys.ts';
import {
  buildStatusListCredential,
  isStatusListId,
  STATUS_LIST_REFRESH_MS,
  STATUS_LIST_VALIDITY_MS,
} from '#shared/credentials/status-list.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { Clock, CredentialSigner, StatusListStore, StatusLookups } from './ports.ts';

export interface StatusListDeps {
  store: StatusListStore;
  issuers: Pick<StatusLookups, 'getIssuer'>;
  signer: CredentialSigner;
  clock: Clock;
  publicBaseUrl: string;
}

export interface ServedStatusList {
  credential: Record<string, unknown>;
  /** The bits version it carries, and when it was signed: an entity tag for caches. */
  version: number;
  signedAt: string;
}

const notFound = () => new PermanentError('STATUS_LIST.NOT_FOUND', 'status list not found', { status: 404 });

/**
 * The signed `BitstringStatusListCredential` of a list, for `GET /status/{list}`.
 *
 * 1. An id that is not a list id is unknown without a table read.
 * 2. The list's bits and its cached signed credential are read together (one strongly consistent query).
 * 3. The cached credential is served while it carries the current bits and has more than a day of validity left;
 *    otherwise the list is signed anew by its issuer's key and cached, so KMS signs at most once per change and
 *    about once a day per list, however often the list is fetched.
 */
export const makeGetStatusList = ({ store, issuers, signer, clock, publicBaseUrl }: StatusListDeps) => {
  const links = urls(publicBaseUrl);
  return async (listId: string): Promise<ServedStatusList> => {
    if (!isStatusListId(listId)) throw notFound();
    const state = await store.getStatusList(listId);
    if (!state) throw notFound();
    const { list, bits, signed } = state;
    const now = clock.now();
    if (
      signed &&
      signed.version === bits.version &&
      Date.parse(signed.validUntil) - now.getTime() > STATUS_LIST_REFRESH_MS
    ) {
      return { credential: signed.credential, version: signed.version, signedAt: signed.signedAt };
    }

    const issuer = await issuers.getIssuer(list.issuerSlug);
    if (!issuer) throw new Error(`status list ${listId} names issuer ${list.issuerSlug}, which does not exist`);
    const method = signingMethod(issuer, publicBaseUrl);
    const validFrom = toDateTimeStamp(now);
    const validUntil = toDateTimeStamp(new Date(now.getTime() + STATUS_LIST_VALIDITY_MS));
    const credential = await signer.sign(
      buildStatusListCredential({
        url: links.statusList(listId),
        issuerDid: method.issuerDid,
        purpose: list.purpose,
        encodedList: bits.encodedList,
        validFrom,
        validUntil,
      }),
      { keyRef: method.keyRef, verificationMethod: method.verificationMethod, created: validFrom },
    );
    await store.saveSignedStatusList({ listId, version: bits.version, credential, validUntil, signedAt: validFrom });
    return { credential, version: bits.version, signedAt: validFrom };
  };
};

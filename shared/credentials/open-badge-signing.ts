import type { Signer } from '#shared/adapters/signer.ts';
import type { Issuer } from '#shared/tables/app-table.ts';
import { type DataIntegrityProof, signDocument } from './data-integrity.ts';
import { verificationMethodId } from './did-web.ts';
import type { OpenBadgeCredential } from './open-badge.ts';

// Apart from open-badge.ts so that building a credential, or reading its helpers (email normalization, achievement
// types), never loads the JSON-LD processor that signing needs (about 150 KB of a Lambda bundle).

export type SignedOpenBadgeCredential = OpenBadgeCredential & { proof: DataIntegrityProof[] };

/**
 * Signs a built credential with the issuer's key through the Signer port: an eddsa-rdfc-2022 DataIntegrityProof
 * whose verificationMethod is `<issuerDid>#<keyFragment>`, the method the issuer's DID document lists.
 */
export const signOpenBadgeCredential = async (
  credential: OpenBadgeCredential,
  options: { issuer: Pick<Issuer, 'keyRef' | 'keyFragment'>; issuerDid: string; signer: Signer; created: string },
): Promise<SignedOpenBadgeCredential> => {
  const { issuer, issuerDid, signer, created } = options;
  const signed = await signDocument(
    credential,
    { verificationMethod: verificationMethodId(issuerDid, issuer.keyFragment), created },
    (data) => signer.sign(issuer.keyRef, data),
  );
  return signed as SignedOpenBadgeCredential;
};

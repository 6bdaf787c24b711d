import { type JsonObject, signDocument } from '#shared/credentials/data-integrity.ts';
import { type KeyConfig, makeSigner } from './key-factory.ts';
import type { Signer } from './signer.ts';

/**
 * Apart from key-factory.ts because it brings the JSON-LD processor (canonicalization for the proof): the functions
 * that only MAC claim tokens or read a public key (claim, notify, remind, emailEvents, admin) import key-factory.ts
 * and so leave about 150 KB of jsonld, rdf-canonize and contexts out of their bundles (test/infra/bundling.test.ts).
 */

/** Signs a whole credential: an eddsa-rdfc-2022 proof made with the Signer port (what award's use case takes). */
export interface CredentialSigner {
  sign(
    unsigned: Record<string, unknown>,
    key: { keyRef: string; verificationMethod: string; created: string },
  ): Promise<Record<string, unknown>>;
}

/** A CredentialSigner over `signer` (default: this mode's Signer). */
export const makeCredentialSigner = (config: KeyConfig, signer: Signer = makeSigner(config)): CredentialSigner => ({
  sign: (unsigned, { keyRef, verificationMethod, created }) =>
    signDocument(unsigned as JsonObject, { verificationMethod, created }, (data) => signer.sign(keyRef, data)),
});

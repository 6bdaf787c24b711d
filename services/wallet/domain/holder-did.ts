import type { JWK } from 'jose';
import { rawPublicKeyFromMultibase } from '#shared/credentials/multikey.ts';

/** A wallet's DID and the public key its proofs are checked with. */
export interface HolderKey {
  did: string;
  jwk: JWK;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * The DID and public JWK named by a proof's `kid`: `did:key:z6Mk…#z6Mk…` (Ed25519) or `did:jwk:<base64url JWK>#0`.
 * Both resolve locally (the DID is the key), so checking a wallet's proof never fetches anything.
 */
export const holderKeyFromKid = (kid: string): HolderKey => {
  const [did, fragment] = kid.split('#');
  if (!did) throw new Error('kid names no DID');
  if (did.startsWith('did:key:')) {
    const multibase = did.slice('did:key:'.length);
    if (fragment !== undefined && fragment !== multibase) throw new Error('did:key fragment is not its key');
    const raw = rawPublicKeyFromMultibase(multibase);
    return { did, jwk: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') } };
  }
  if (did.startsWith('did:jwk:')) {
    if (fragment !== undefined && fragment !== '0') throw new Error('did:jwk key fragment must be #0');
    let jwk: JWK;
    try {
      jwk = JSON.parse(Buffer.from(did.slice('did:jwk:'.length), 'base64url').toString('utf8')) as JWK;
    } catch {
      throw new Error('did:jwk does not hold a JSON JWK');
    }
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') throw new Error('did:jwk is not a JWK');
    if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new Error('did:jwk holds a private key');
    return { did, jwk };
  }
  throw new Error('only did:key (Ed25519) and did:jwk holders are supported');
};

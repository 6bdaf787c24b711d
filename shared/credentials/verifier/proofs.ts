import { createHash, type KeyObject, verify as verifySignature } from 'node:crypto';
import { base58 } from '@scure/base';
import { canonize } from '../data-integrity.ts';
import { isDateTimeStamp } from '../date-time.ts';
import { createDocumentLoader } from '../document-loader.ts';
import { KeyResolutionError, type ResolvedKey, resolveVerificationMethod } from './keys.ts';
import type { VerifierHooks } from './types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The Data Integrity cryptosuites this verifier checks. `eddsa-2022` is the draft name of `eddsa-rdfc-2022` (same
 * algorithm: RDFC-1.0, SHA-256, Ed25519), still found on 2023 credentials. `ecdsa-rdfc-2019` is verify-only: its
 * hash follows the curve (P-256 → SHA-256, P-384 → SHA-384), and the signature is the raw r||s (IEEE P1363) pair.
 */
export const CRYPTOSUITES = ['eddsa-rdfc-2022', 'eddsa-2022', 'ecdsa-rdfc-2019'] as const;
export type Cryptosuite = (typeof CRYPTOSUITES)[number];

const isSupported = (proof: unknown): proof is Json =>
  isObject(proof) &&
  proof.type === 'DataIntegrityProof' &&
  (CRYPTOSUITES as readonly string[]).includes(String(proof.cryptosuite));

export interface ProofOutcome {
  /** Set for proofs of a type or suite this verifier does not implement: they neither pass nor fail. */
  skipped?: boolean;
  verificationMethod?: string;
  /** The resolved key, when resolution succeeded (even if the signature then failed). */
  key?: ResolvedKey;
  /** Why the key did not resolve: reported on the `key` check. */
  keyError?: string;
  verified: boolean;
  /** Why the signature failed: reported on the `proof` check. */
  error?: string;
}

const curveOf = (key: KeyObject): 'ed25519' | 'P-256' | 'P-384' | string => {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec') {
    const crv = key.asymmetricKeyDetails?.namedCurve;
    return crv === 'prime256v1' ? 'P-256' : crv === 'secp384r1' ? 'P-384' : String(crv);
  }
  return String(key.asymmetricKeyType);
};

const decodeProofValue = (value: unknown): Buffer => {
  if (typeof value !== 'string' || !/^z[1-9A-HJ-NP-Za-km-z]+$/.test(value)) {
    throw new Error('proofValue must be a base58btc multibase string');
  }
  return Buffer.from(base58.decode(value.slice(1)));
};

/**
 * Verifies one Data Integrity proof of `doc` with `key`: the proof configuration (the proof minus `proofValue`,
 * with the document's `@context`) and the unsecured document (minus `proof`) are canonicalized with RDFC-1.0 in safe
 * mode and hashed, `hash(config) || hash(document)`, and the signature checked over those bytes.
 */
export const verifyProofWithKey = async (
  doc: Json,
  proof: Json,
  key: KeyObject,
  hooks: Pick<VerifierHooks, 'loadContext'> = {},
): Promise<void> => {
  const suite = proof.cryptosuite as Cryptosuite;
  const curve = curveOf(key);
  const ecdsa = suite === 'ecdsa-rdfc-2019';
  if (ecdsa ? curve !== 'P-256' && curve !== 'P-384' : curve !== 'ed25519') {
    throw new Error(`a ${suite} proof cannot be made with a ${curve} key`);
  }
  const signature = decodeProofValue(proof.proofValue);
  const expected = curve === 'ed25519' ? 64 : curve === 'P-256' ? 64 : 96;
  if (signature.length !== expected)
    throw new Error(`a ${curve} signature is ${expected} bytes, got ${signature.length}`);

  const { proof: _proof, ...unsecured } = doc;
  const { proofValue: _value, ...config } = proof;
  if (config['@context'] !== undefined) {
    // A proof with its own @context must repeat (a prefix of) the document's, which it then replaces.
    const own = [config['@context']].flat();
    const docs = [unsecured['@context']].flat();
    if (!own.every((c, i) => JSON.stringify(c) === JSON.stringify(docs[i]))) {
      throw new Error('proof @context does not match the document @context');
    }
    unsecured['@context'] = config['@context'];
  }
  config['@context'] = unsecured['@context'];

  const documentLoader = createDocumentLoader(hooks.loadContext);
  const hash = curve === 'P-384' ? 'sha384' : 'sha256';
  const digest = (text: string) => createHash(hash).update(text, 'utf8').digest();
  const [configCanon, docCanon] = await Promise.all([
    canonize(config, { documentLoader }),
    canonize(unsecured, { documentLoader }),
  ]);
  const data = Buffer.concat([digest(configCanon), digest(docCanon)]);
  const ok = ecdsa
    ? verifySignature(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)
    : verifySignature(null, data, key, signature);
  if (!ok) throw new Error('signature does not match');
};

/**
 * jsonld's safe mode says only "Safe mode validation error"; its event names the term the contexts do not define,
 * which is what a person needs to hear (the signature cannot cover a term that has no meaning).
 */
const explain = (e: unknown): string => {
  const event = (e as { details?: { event?: { message?: string; details?: Record<string, unknown> } } }).details?.event;
  if (!event?.message) return e instanceof Error ? e.message : String(e);
  const what = event.details
    ? Object.values(event.details)
        .filter((v) => typeof v === 'string')
        .join(', ')
    : '';
  return `the document cannot be canonicalized: ${event.message.replace(/\.$/, '')}${what ? ` (${what})` : ''}`;
};

/** Checks the proof's own fields before any key is fetched: purpose, dates, proof chains. */
const precheck = (proof: Json, now: Date, purpose: string): string | undefined => {
  if (proof.proofPurpose !== purpose) return `proofPurpose is ${String(proof.proofPurpose)}, expected ${purpose}`;
  if (proof.created !== undefined && !isDateTimeStamp(proof.created)) return 'proof created is not a dateTime';
  if (proof.expires !== undefined) {
    if (!isDateTimeStamp(proof.expires)) return 'proof expires is not a dateTime';
    if (Date.parse(proof.expires) <= now.getTime()) return `the proof expired at ${proof.expires}`;
  }
  // Proof chains sign over earlier proofs; this verifier checks each proof on its own and cannot judge a chain.
  if (proof.previousProof !== undefined) return 'proof chains (previousProof) are not supported';
  return undefined;
};

/**
 * Verifies every proof on `doc` this verifier implements; proofs of other suites are reported as skipped (1EdTech's
 * `simple-multiple-proofs` fixture is valid with an unknown proof beside a good one).
 */
export const verifyDataIntegrity = async (
  doc: Json,
  hooks: VerifierHooks,
  now: Date,
  purpose = 'assertionMethod',
): Promise<ProofOutcome[]> => {
  const proofs = doc.proof === undefined ? [] : Array.isArray(doc.proof) ? doc.proof : [doc.proof];
  return Promise.all(
    proofs.map(async (proof): Promise<ProofOutcome> => {
      if (!isSupported(proof)) {
        const what = isObject(proof) ? [proof.type, proof.cryptosuite].filter(Boolean).join(' / ') : typeof proof;
        return { skipped: true, verified: false, error: `unsupported proof: ${what}` };
      }
      const vm = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : undefined;
      const early = precheck(proof, now, purpose);
      if (early) return { verificationMethod: vm, verified: false, error: early };
      let key: ResolvedKey;
      try {
        key = await resolveVerificationMethod(proof.verificationMethod, hooks, purpose);
      } catch (e) {
        const message = e instanceof KeyResolutionError ? e.message : `key resolution failed: ${String(e)}`;
        return { verificationMethod: vm, keyError: message, verified: false, error: 'the key did not resolve' };
      }
      try {
        await verifyProofWithKey(doc, proof, key.publicKey, hooks);
        return { verificationMethod: vm, key, verified: true };
      } catch (e) {
        return { verificationMethod: vm, key, verified: false, error: explain(e) };
      }
    }),
  );
};

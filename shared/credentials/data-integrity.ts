import { createHash, type KeyObject, verify as verifySignature } from 'node:crypto';
import { base58 } from '@scure/base';
import { type CanonizeOptions, canonize as canonizeRdf } from './canonize.ts';
import { isDateTimeStamp } from './date-time.ts';

export type { CanonizeOptions } from './canonize.ts';

export const PROOF_TYPE = 'DataIntegrityProof';
export const CRYPTOSUITE = 'eddsa-rdfc-2022';

export type JsonObject = Record<string, unknown>;

/** An embedded `eddsa-rdfc-2022` Data Integrity proof. */
export interface DataIntegrityProof {
  type: typeof PROOF_TYPE;
  cryptosuite: typeof CRYPTOSUITE;
  created: string;
  verificationMethod: string;
  proofPurpose: string;
  proofValue: string;
}

export interface ProofOptions {
  /** DID URL of the key, e.g. `did:web:badges.example.edu:issuers:demo#key-1`. */
  verificationMethod: string;
  /** XML Schema dateTimeStamp; see `toDateTimeStamp`. */
  created: string;
  /** Defaults to `assertionMethod`, the only purpose an issuer's credential proof has. */
  proofPurpose?: string;
}

/**
 * Pure Ed25519 (RFC 8032, not Ed25519ph) over the 64-byte `SHA256(proofConfig) || SHA256(document)`; returns the
 * 64-byte signature. The Signer port (KMS or local) supplies it, so the private key never reaches this module.
 */
export type SignFn = (data: Uint8Array) => Promise<Uint8Array>;

/** Dereferences a proof's `verificationMethod` to the Ed25519 public key; throws when it cannot. */
export type ResolvePublicKey = (verificationMethod: string) => Promise<KeyObject>;

/**
 * RDFC-1.0 canonical N-Quads of a JSON-LD document, in safe mode: any term the contexts do not define, or any
 * relative IRI, throws instead of being dropped, so nothing in the JSON can escape the signature.
 */
export const canonize = (doc: object, options: CanonizeOptions = {}): Promise<string> => canonizeRdf(doc, options);

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes `proof` (the unsecured document of the Data Integrity algorithms). */
const withoutProof = (doc: JsonObject): JsonObject => {
  const { proof: _proof, ...rest } = doc;
  return rest;
};

/**
 * The eddsa-rdfc-2022 hashing step: `SHA256(canon(proofConfig)) || SHA256(canon(unsecuredDocument))`, 64 bytes.
 * `proofConfig` must already carry the document's `@context`. A proof configuration always comes from the template
 * of its shape (they differ in `created` alone); the document only when `options.templates` says so.
 */
export const hashData = async (
  unsecured: JsonObject,
  proofConfig: JsonObject,
  options: CanonizeOptions = {},
): Promise<Uint8Array> => {
  const [proofCanon, docCanon] = await Promise.all([
    canonize(proofConfig, { ...options, templates: true }),
    canonize(unsecured, options),
  ]);
  return Buffer.concat([sha256(proofCanon), sha256(docCanon)]);
};

/** `proof` as a list, whether the document carries one object or an array. */
export const proofsOf = (doc: JsonObject): unknown[] =>
  doc.proof === undefined ? [] : Array.isArray(doc.proof) ? doc.proof : [doc.proof];

const encodeProofValue = (signature: Uint8Array): string => `z${base58.encode(signature)}`;

const decodeProofValue = (proofValue: unknown): Uint8Array => {
  if (typeof proofValue !== 'string' || !proofValue.startsWith('z')) {
    throw new Error('proofValue must be a base58btc multibase string');
  }
  const bytes = base58.decode(proofValue.slice(1));
  if (bytes.length !== 64) throw new Error(`an Ed25519 signature is 64 bytes, got ${bytes.length}`);
  return bytes;
};

/**
 * Creates an `eddsa-rdfc-2022` DataIntegrityProof for `unsigned` (any existing `proof` is ignored, as for a proof set).
 * The proof configuration takes the document's `@context`, per the cryptosuite.
 */
export const createProof = async (
  unsigned: JsonObject,
  options: ProofOptions,
  sign: SignFn,
  canonizeOptions: CanonizeOptions = {},
): Promise<DataIntegrityProof> => {
  if (!isDateTimeStamp(options.created)) throw new Error(`proof created must be a dateTimeStamp: ${options.created}`);
  const proof = {
    type: PROOF_TYPE,
    cryptosuite: CRYPTOSUITE,
    created: options.created,
    verificationMethod: options.verificationMethod,
    proofPurpose: options.proofPurpose ?? 'assertionMethod',
  } as const;
  const unsecured = withoutProof(unsigned);
  const data = await hashData(
    unsecured,
    { ...proof, '@context': unsecured['@context'] },
    { templates: true, ...canonizeOptions },
  );
  const signature = await sign(data);
  if (signature.length !== 64) throw new Error(`signer returned ${signature.length} bytes, expected 64 (Ed25519)`);
  return { ...proof, proofValue: encodeProofValue(signature) };
};

/**
 * Signs `unsigned` and returns it with `proof` as an array, as the OB 3.0 JSON binding requires. A document that
 * already carries a proof is refused: signing twice is almost always a retry gone wrong, and proof sets are not a
 * thing Laurel issues (use `createProof` to build one deliberately).
 */
export const signDocument = async <T extends JsonObject>(
  unsigned: T,
  options: ProofOptions,
  sign: SignFn,
  canonizeOptions: CanonizeOptions = {},
): Promise<Omit<T, 'proof'> & { proof: DataIntegrityProof[] }> => {
  if (unsigned.proof !== undefined) throw new Error('document is already signed');
  const proof = await createProof(unsigned, options, sign, canonizeOptions);
  return { ...unsigned, proof: [proof] };
};

export interface ProofResult {
  verified: boolean;
  /** Set for proofs of another type or cryptosuite, which this verifier leaves aside. */
  skipped?: boolean;
  verificationMethod?: string;
  /** Why it failed; absent when verified. */
  error?: string;
}

export interface VerifyProofOptions extends CanonizeOptions {
  resolvePublicKey: ResolvePublicKey;
  /** Defaults to `assertionMethod`. */
  expectedProofPurpose?: string;
}

const fail = (error: string, verificationMethod?: string): ProofResult => ({
  verified: false,
  error,
  ...(verificationMethod ? { verificationMethod } : {}),
});

/** Verifies one `eddsa-rdfc-2022` proof of a proof set against `doc` (whose own `proof` is disregarded). */
export const verifyProof = async (
  doc: JsonObject,
  proof: unknown,
  options: VerifyProofOptions,
): Promise<ProofResult> => {
  if (!isObject(proof)) return fail('proof is not an object');
  const vm = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : undefined;
  if (proof.type !== PROOF_TYPE || proof.cryptosuite !== CRYPTOSUITE) {
    return fail(`unsupported proof: ${String(proof.type)} / ${String(proof.cryptosuite)}`, vm);
  }
  if (!vm) return fail('proof has no verificationMethod');
  const purpose = options.expectedProofPurpose ?? 'assertionMethod';
  if (proof.proofPurpose !== purpose)
    return fail(`proofPurpose is ${String(proof.proofPurpose)}, expected ${purpose}`, vm);
  if (proof.created !== undefined && !isDateTimeStamp(proof.created))
    return fail('proof created is not a dateTime', vm);
  // Proof chains sign over earlier proofs; Laurel neither makes nor accepts them.
  if (proof.previousProof !== undefined) return fail('proof chains (previousProof) are not supported', vm);

  try {
    const signature = decodeProofValue(proof.proofValue);
    const { proofValue: _proofValue, ...proofOptions } = proof;
    const unsecured = withoutProof(doc);
    if (proofOptions['@context'] !== undefined) {
      // A proof with its own @context must name a prefix of the document's, which it then replaces.
      const own = [proofOptions['@context']].flat();
      const docs = [unsecured['@context']].flat();
      if (!own.every((c, i) => JSON.stringify(c) === JSON.stringify(docs[i]))) {
        return fail('proof @context does not match the document @context', vm);
      }
      unsecured['@context'] = proofOptions['@context'];
    }
    // Resolve first: an unknown key should not cost two canonicalizations.
    const publicKey = await options.resolvePublicKey(vm);
    const data = await hashData(unsecured, { ...proofOptions, '@context': unsecured['@context'] }, options);
    return verifySignature(null, data, publicKey, signature)
      ? { verified: true, verificationMethod: vm }
      : fail('signature does not match', vm);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e), vm);
  }
};

const isOurs = (proof: unknown) => isObject(proof) && proof.type === PROOF_TYPE && proof.cryptosuite === CRYPTOSUITE;

/**
 * Verifies the `eddsa-rdfc-2022` proofs on `doc` (`proof` as an object or an array). Verified when there is at least
 * one and every one of them verifies. Proofs of other suites are reported as skipped, as 1EdTech's validator does
 * (its `simple-multiple-proofs` fixture is valid), since a verifier cannot judge a suite it does not implement.
 */
export const verifyDocument = async (
  doc: JsonObject,
  options: VerifyProofOptions,
): Promise<{ verified: boolean; results: ProofResult[] }> => {
  const proofs = proofsOf(doc);
  const results = await Promise.all(
    proofs.map((p) =>
      isOurs(p)
        ? verifyProof(doc, p, options)
        : { ...fail(`unsupported proof type: ${isObject(p) ? String(p.type) : typeof p}`), skipped: true },
    ),
  );
  const checked = results.filter((r) => !r.skipped);
  if (checked.length === 0) return { verified: false, results: [...results, fail(`no ${CRYPTOSUITE} proof`)] };
  return { verified: checked.every((r) => r.verified), results };
};

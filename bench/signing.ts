import { createHash, sign as ed25519Sign, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { base58 } from '@scure/base';
import jsonld from 'jsonld';
import { canonize, canonizeCounters } from '#shared/credentials/canonize.ts';
import { CONTEXTS } from '#shared/credentials/context-urls.ts';
import { type JsonObject, signDocument, verifyDocument } from '#shared/credentials/data-integrity.ts';
import { createDocumentLoader, documentLoader } from '#shared/credentials/document-loader.ts';
import { publicKeyMultibaseFromKeyObject } from '#shared/credentials/multikey.ts';
import {
  BENCH_ISSUER_DID,
  BENCH_KEY_SEED,
  BENCH_VERIFICATION_METHOD,
  benchCredential,
  privateKeyFromSeed,
} from './lib/credential.ts';
import { median, round } from './lib/stats.ts';

/** Figures of one contender, in milliseconds per credential (medians over the measured rounds). */
export interface SigningFigures {
  signMs: number;
  verifyMs: number;
}

export interface SigningReport {
  credential: { bytes: number; quads: number; statusEntries: number; alignments: number; evidence: number };
  rounds: number;
  warmup: number;
  laurel: SigningFigures;
  /** Laurel's sign as it was before this benchmark: `jsonld.canonize` of the proof configuration and the document. */
  laurelBefore: Pick<SigningFigures, 'signMs'>;
  reference: SigningFigures;
  /** Laurel ÷ reference (below 1 is faster). */
  ratio: { sign: number; verify: number; signBefore: number };
  checks: {
    canonicalIdentical: boolean;
    proofValueIdentical: boolean;
    laurelVerifiesReference: boolean;
    referenceVerifiesLaurel: boolean;
  };
  /** How Laurel's canonicalization went during the measured signing (see shared/credentials/canonize.ts). */
  canonizePaths: Record<string, number>;
}

const BASE_CREATED = Date.parse('2026-05-14T16:20:00Z');
/** A distinct `created` per credential (the proof configuration is never the same twice), to seconds as issued. */
const createdFor = (n: number) => `${new Date(BASE_CREATED + n * 1000).toISOString().slice(0, 19)}Z`;

const jsonldCanonize = (jsonld as unknown as { canonize: (d: object, o: object) => Promise<string> }).canonize;

/** The signing core as it was: RDFC-1.0 of the proof configuration and of the document, each through jsonld.canonize. */
const signBefore = async (doc: JsonObject, created: string, key: KeyObject) => {
  const proof = {
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    created,
    verificationMethod: BENCH_VERIFICATION_METHOD,
    proofPurpose: 'assertionMethod',
  };
  const options = { safe: true, documentLoader, canonizeOptions: { algorithm: 'RDFC-1.0' } };
  const [p, d] = await Promise.all([
    jsonldCanonize({ ...proof, '@context': doc['@context'] }, options),
    jsonldCanonize(doc, options),
  ]);
  const hash = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const signature = ed25519Sign(null, Buffer.concat([hash(p), hash(d)]), key);
  return { ...doc, proof: [{ ...proof, proofValue: `z${base58.encode(signature)}` }] };
};

/**
 * Part 1: the same credentials signed and verified by Laurel's core and by the reference libraries (@digitalbazaar/vc
 * with data-integrity and eddsa-rdfc-2022-cryptosuite), in one process, with one key, round by round in rotating
 * order so neither side gets a warmer JIT or a quieter garbage collector.
 */
export async function benchSigning(opts: { rounds?: number; warmup?: number } = {}): Promise<SigningReport> {
  const rounds = opts.rounds ?? 400;
  const warmup = opts.warmup ?? 100;
  const privateKey = privateKeyFromSeed(BENCH_KEY_SEED);
  const publicKeyMultibase = publicKeyMultibaseFromKeyObject(privateKey);
  const keyPair = await Ed25519Multikey.generate({
    seed: BENCH_KEY_SEED,
    id: BENCH_VERIFICATION_METHOD,
    controller: BENCH_ISSUER_DID,
  });
  if (keyPair.publicKeyMultibase !== publicKeyMultibase) throw new Error('the two sides do not hold the same key');

  const method = {
    id: BENCH_VERIFICATION_METHOD,
    type: 'Multikey',
    controller: BENCH_ISSUER_DID,
    publicKeyMultibase,
  };
  const didDoc = {
    '@context': [CONTEXTS.didV1, CONTEXTS.multikeyV1],
    id: BENCH_ISSUER_DID,
    verificationMethod: [method],
    assertionMethod: [BENCH_VERIFICATION_METHOD],
  };
  const referenceLoader = createDocumentLoader(async (url) => {
    if (url === BENCH_ISSUER_DID) return didDoc;
    if (url === BENCH_VERIFICATION_METHOD) return { '@context': CONTEXTS.multikeyV1, ...method };
    return undefined;
  });
  const publicKey = (await import('#shared/credentials/multikey.ts')).publicKeyFromMultibase(publicKeyMultibase);

  const laurelSign = (n: number) =>
    signDocument(
      benchCredential(n),
      { verificationMethod: BENCH_VERIFICATION_METHOD, created: createdFor(n) },
      async (data) => new Uint8Array(ed25519Sign(null, data, privateKey)),
    );
  const referenceSign = (n: number) =>
    vc.issue({
      credential: benchCredential(n),
      suite: new DataIntegrityProof({ signer: keyPair.signer(), date: createdFor(n), cryptosuite: eddsaRdfc2022 }),
      documentLoader: referenceLoader,
    }) as Promise<JsonObject>;
  const laurelVerify = (doc: JsonObject) => verifyDocument(doc, { resolvePublicKey: async () => publicKey });
  // Status is not part of a proof: both sides check the signature only (the reference insists on a status hook).
  const referenceVerify = (doc: JsonObject) =>
    vc.verifyCredential({
      credential: doc,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: referenceLoader,
      now: new Date('2026-06-01T00:00:00Z'),
      checkStatus: async () => ({ verified: true }),
    } as Parameters<typeof vc.verifyCredential>[0]);

  // Same output, and each side accepts the other's.
  const mine = await laurelSign(0);
  const theirs = await referenceSign(0);
  const theirProof = theirs.proof as { proofValue: string };
  const checks = {
    canonicalIdentical: (await canonize(mine)) === (await canonize(theirs)),
    proofValueIdentical: mine.proof[0]?.proofValue === theirProof.proofValue,
    laurelVerifiesReference: (await laurelVerify(theirs)).verified,
    referenceVerifiesLaurel: (await referenceVerify(mine)).verified,
  };

  const time = async <T>(samples: number[], act: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await act();
    samples.push(performance.now() - start);
    return out;
  };
  const t = { laurel: [] as number[], before: [] as number[], reference: [] as number[] };
  const v = { laurel: [] as number[], reference: [] as number[] };
  const counters = { ...canonizeCounters };
  for (let round = 0; round < warmup + rounds; round++) {
    const n = round + 1;
    const keep = round >= warmup;
    const sink = { laurel: keep ? t.laurel : [], before: keep ? t.before : [], reference: keep ? t.reference : [] };
    const steps = [
      async () => {
        const signed = await time(sink.laurel, () => laurelSign(n));
        await time(keep ? v.laurel : [], () => laurelVerify(signed));
      },
      async () => {
        await time(sink.before, () => signBefore(benchCredential(n), createdFor(n), privateKey));
      },
      async () => {
        const signed = await time(sink.reference, () => referenceSign(n));
        await time(keep ? v.reference : [], () => referenceVerify(signed));
      },
    ];
    // Rotate who goes first, so order effects cancel out.
    for (let i = 0; i < steps.length; i++) await (steps[(round + i) % steps.length] as () => Promise<void>)();
  }
  const canonizePaths = Object.fromEntries(
    Object.entries(canonizeCounters).map(([k, c]) => [k, c - counters[k as keyof typeof counters]]),
  );

  const sample = benchCredential(0);
  const subject = sample.credentialSubject as { achievement: { alignment?: unknown[] } };
  const quads = (await canonize(sample)).trim().split('\n').length;
  const laurel = { signMs: round(median(t.laurel), 3), verifyMs: round(median(v.laurel), 3) };
  const reference = { signMs: round(median(t.reference), 3), verifyMs: round(median(v.reference), 3) };
  const laurelBefore = { signMs: round(median(t.before), 3) };
  return {
    credential: {
      bytes: Buffer.byteLength(JSON.stringify(mine)),
      quads,
      statusEntries: [sample.credentialStatus ?? []].flat().length,
      alignments: subject.achievement.alignment?.length ?? 0,
      evidence: sample.evidence?.length ?? 0,
    },
    rounds,
    warmup,
    laurel,
    laurelBefore,
    reference,
    ratio: {
      sign: round(laurel.signMs / reference.signMs, 2),
      verify: round(laurel.verifyMs / reference.verifyMs, 2),
      signBefore: round(laurelBefore.signMs / reference.signMs, 2),
    },
    checks,
    canonizePaths,
  };
}

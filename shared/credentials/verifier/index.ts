import { BakingError, unbake } from '../baking/index.ts';
import { checkController } from './controller.ts';
import {
  COMPACT_JWS,
  checkJwtClaims,
  type DecodedJwt,
  decodeCredentialJwt,
  resolveJwtKey,
  verifyJwsSignature,
} from './jwt.ts';
import { KeyResolutionError, type ResolvedKey } from './keys.ts';
import { verifyDataIntegrity } from './proofs.ts';
import { checkStatus } from './status.ts';
import {
  checkContext,
  checkEvidence,
  checkExpiration,
  checkIssuance,
  checkIssuer,
  checkSchema,
  checkSubject,
  checkType,
  fail,
  pass,
} from './structure.ts';
import type { Check, VerificationResult, VerifyOptions } from './types.ts';

export { checkController, withinAuthority } from './controller.ts';
export {
  checkJwtClaims,
  type DecodedJwt,
  decodeCredentialJwt,
  JWT_ALGORITHMS,
  resolveJwtKey,
  verifyJwsSignature,
} from './jwt.ts';
export {
  KeyResolutionError,
  publicKeyFromAnyMultibase,
  publicKeyFromJwk,
  type ResolvedKey,
  resolveVerificationMethod,
} from './keys.ts';
export { CRYPTOSUITES, type ProofOutcome, verifyDataIntegrity, verifyProofWithKey } from './proofs.ts';
export { decodeStatusList, readStatus } from './status.ts';
export * from './types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const issuerIdOf = (doc: Json): unknown => (isObject(doc.issuer) ? doc.issuer.id : doc.issuer);
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What the input turned out to be, once read. */
type Read =
  | { format: 'json' | 'png' | 'svg'; credential: Json; via?: string }
  | { format: 'jwt' | 'png' | 'svg'; jwt: string; via?: string }
  | { error: string };

const ENVELOPED_JWT = /^data:application\/(vc\+jwt|jwt|vc-ld\+jwt),/;

const readText = (text: string, format: 'json' | 'png' | 'svg', via?: string): Read => {
  const trimmed = text.trim();
  if (COMPACT_JWS.test(trimmed)) return { format: format === 'json' ? 'jwt' : format, jwt: trimmed, via };
  try {
    return readObject(JSON.parse(trimmed), format, via);
  } catch {
    return {
      error: via ? `the ${via} holds neither JSON nor a compact JWT` : 'not JSON, a compact JWT, a PNG or an SVG',
    };
  }
};

const readObject = (value: unknown, format: 'json' | 'png' | 'svg', via?: string): Read => {
  if (!isObject(value)) return { error: 'a credential is a JSON object' };
  // VC-API and VC 2.0 carry a VC-JWT as an EnvelopedVerifiableCredential with a data: URL.
  const types = [value.type].flat();
  if (types.includes('EnvelopedVerifiableCredential') && typeof value.id === 'string') {
    const match = ENVELOPED_JWT.exec(value.id);
    if (!match) return { error: 'the EnvelopedVerifiableCredential does not hold a VC-JWT data: URL' };
    return readText(decodeURIComponent(value.id.slice(match[0].length)), format === 'json' ? 'json' : format, via);
  }
  return { format, credential: value, via };
};

/** Reads any supported input: a credential object, JSON or JWT text, an EnvelopedVerifiableCredential, PNG/SVG bytes. */
const readInput = (input: unknown): Read => {
  try {
    if (input instanceof Uint8Array) {
      const baked = unbake(input);
      if (baked) return readText(baked.text, baked.image, `baked ${baked.image.toUpperCase()}`);
      return readText(Buffer.from(input).toString('utf8'), 'json');
    }
    if (typeof input === 'string') {
      if (/^\s*</.test(input)) {
        const baked = unbake(new Uint8Array(Buffer.from(input, 'utf8')));
        if (baked) return readText(baked.text, baked.image, 'baked SVG');
      }
      return readText(input, 'json');
    }
    return readObject(input, 'json');
  } catch (e) {
    return { error: e instanceof BakingError ? e.message : `unreadable input: ${errorMessage(e)}` };
  }
};

/** The checks every credential gets, whatever its proof: structure, dates and status. */
const documentChecks = (doc: Json, now: Date) => ({
  shape: [checkContext(doc), checkType(doc), checkSchema(doc), checkIssuer(doc), checkSubject(doc), checkEvidence(doc)],
  dates: [checkIssuance(doc, now), checkExpiration(doc, now)],
});

const finish = (
  format: VerificationResult['format'],
  credential: Json,
  checks: Check[],
  status?: VerificationResult['status'],
): VerificationResult => ({
  verified: checks.every((c) => c.ok),
  checks,
  format,
  credential,
  ...(status ? { status } : {}),
});

/** Data Integrity: every proof this verifier implements must verify, and there must be at least one. */
const verifyEmbedded = async (doc: Json, options: VerifyOptions, now: Date) => {
  const outcomes = await verifyDataIntegrity(doc, options, now);
  const checked = outcomes.filter((o) => !o.skipped);
  const keys = checked.flatMap((o) => (o.key ? [o.key] : []));
  const keyErrors = checked.flatMap((o) => (o.keyError ? [o.keyError] : []));
  const key: Check =
    checked.length === 0
      ? fail('key', 'no proof this verifier can check (DataIntegrityProof with eddsa-rdfc-2022 or ecdsa-rdfc-2019)')
      : keyErrors.length
        ? fail('key', keyErrors.join('; '))
        : pass('key', [...new Set(keys.flatMap((k) => (k.note ? [k.note] : [])))].join('; ') || undefined);
  const proofErrors = checked.filter((o) => !o.verified).map((o) => o.error ?? 'failed');
  const proof: Check =
    checked.length === 0
      ? fail('proof', outcomes.map((o) => o.error).join('; ') || 'the credential has no proof')
      : proofErrors.length
        ? fail('proof', proofErrors.join('; '))
        : pass('proof');
  return { key, proof, keys };
};

const verifyJwt = async (jwt: string, options: VerifyOptions, now: Date) => {
  let decoded: DecodedJwt;
  try {
    decoded = decodeCredentialJwt(jwt);
  } catch (e) {
    return { error: `not a VC-JWT: ${errorMessage(e)}` } as const;
  }
  let key: ResolvedKey | undefined;
  let keyCheck: Check;
  try {
    key = await resolveJwtKey(decoded.header, options, decoded.payload.iss ?? issuerIdOf(decoded.credential));
    keyCheck = pass('key', key.note);
  } catch (e) {
    keyCheck = fail('key', e instanceof KeyResolutionError ? e.message : `key resolution failed: ${errorMessage(e)}`);
  }
  const reason = key ? await verifyJwsSignature(jwt, key) : 'the key did not resolve';
  const proof = reason ? fail('proof', reason) : pass('proof', `VC-JWT (${String(decoded.header.alg)})`);
  void now;
  return { decoded, key: keyCheck, proof, keys: key ? [key] : [] } as const;
};

/**
 * Verifies an Open Badges 3.0 credential from any issuer and reports each check on its own (see `CheckName`).
 * `input` may be a credential object, its JSON text, a compact VC-JWT (payload credential or VC 1.1 `vc` claim), an
 * EnvelopedVerifiableCredential, or the bytes of a baked PNG or SVG. Never throws for bad input: what cannot be
 * read fails the `format` check; a resolver that fails is reported on the check that needed it.
 */
export const verifyCredential = async (input: unknown, options: VerifyOptions = {}): Promise<VerificationResult> => {
  const now = options.now ?? new Date();
  const read = readInput(input);
  if ('error' in read) return { verified: false, checks: [fail('format', read.error)] };
  const formatNote = read.via ? `read from a ${read.via}` : undefined;

  if ('jwt' in read) {
    const outcome = await verifyJwt(read.jwt, options, now);
    if ('error' in outcome) return { verified: false, checks: [fail('format', outcome.error ?? 'not a VC-JWT')] };
    const doc = outcome.decoded.credential;
    const { shape, dates } = documentChecks(doc, now);
    const controller = checkController(issuerIdOf(doc), outcome.keys);
    const status = await checkStatus(doc, options, now);
    const format = pass(
      'format',
      [formatNote, `a VC-JWT (${outcome.decoded.style === 'vc-claim' ? 'vc claim' : 'credential payload'})`]
        .filter(Boolean)
        .join(': '),
    );
    return finish(
      read.format,
      doc,
      [
        format,
        ...shape,
        outcome.key,
        outcome.proof,
        controller,
        checkJwtClaims(outcome.decoded),
        ...dates,
        status.check,
      ],
      status.status,
    );
  }

  const doc = read.credential;
  const { shape, dates } = documentChecks(doc, now);
  const { key, proof, keys } = await verifyEmbedded(doc, options, now);
  const controller = checkController(issuerIdOf(doc), keys);
  const status = await checkStatus(doc, options, now);
  return finish(
    read.format,
    doc,
    [pass('format', formatNote), ...shape, key, proof, controller, ...dates, status.check],
    status.status,
  );
};

/** How a person should read a result: one word for the page, in order of what matters most. */
export type Verdict = 'valid' | 'revoked' | 'suspended' | 'expired' | 'not-yet-valid' | 'invalid';

export const verdictOf = (result: VerificationResult): Verdict => {
  if (result.verified) return 'valid';
  const failed = new Set(result.checks.filter((c) => !c.ok).map((c) => c.name));
  // Revocation outranks dates: a revoked credential is revoked whether or not it has also expired.
  const onlyLifecycle = [...failed].every((n) => n === 'status' || n === 'expiration' || n === 'issuance');
  if (!onlyLifecycle) return 'invalid';
  if (result.status?.revoked) return 'revoked';
  if (result.status?.suspended) return 'suspended';
  if (failed.has('expiration')) return 'expired';
  if (failed.has('issuance')) return 'not-yet-valid';
  return 'invalid';
};

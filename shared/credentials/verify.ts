import type { KeyObject } from 'node:crypto';
import { CRYPTOSUITE, type JsonObject, PROOF_TYPE, proofsOf, verifyDocument } from './data-integrity.ts';
import { isDateTimeStamp } from './date-time.ts';
import { didKeyDocument } from './did-web.ts';
import { CONTEXTS } from './document-loader.ts';
import { publicKeyFromMultibase } from './multikey.ts';
import { validateAchievementCredential } from './schema.ts';

export type CheckName = 'context' | 'schema' | 'key' | 'proof' | 'issuer' | 'validity';

export interface Check {
  name: CheckName;
  ok: boolean;
  /** Why it failed (or a note when it passed); for people, not for parsing. */
  message?: string;
}

export interface VerificationResult {
  /** True only when every check passed. */
  verified: boolean;
  checks: Check[];
}

export interface VerifyCredentialOptions {
  /**
   * Resolves a did:web (or any DID other than did:key, which is resolved locally) to its DID document. Laurel's
   * verify service answers its own issuers from its table and fetches the rest over HTTPS.
   */
  resolveDid: (did: string) => Promise<unknown>;
  /** The instant validity is judged at; defaults to now. */
  now?: Date;
}

const OB_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context-3\.\d\.\d\.json$/;
const KEY_TYPES = new Set(['Multikey', 'Ed25519VerificationKey2020']);

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

const checkContext = (doc: JsonObject): Check => {
  const context = doc['@context'];
  const types = asList(doc.type);
  const problems = [
    !Array.isArray(context) || context[0] !== CONTEXTS.credentialsV2
      ? `@context must start with ${CONTEXTS.credentialsV2}`
      : undefined,
    Array.isArray(context) && !OB_CONTEXT.test(String(context[1]))
      ? '@context[1] must be an Open Badges 3.0 context (context-3.0.x.json)'
      : undefined,
    types.includes('VerifiableCredential') ? undefined : 'type must include VerifiableCredential',
    types.includes('OpenBadgeCredential') || types.includes('AchievementCredential')
      ? undefined
      : 'type must include OpenBadgeCredential or AchievementCredential',
    isObject(doc.credentialSubject) ? undefined : 'credentialSubject must be an object',
  ].filter((p) => p !== undefined);
  return problems.length ? { name: 'context', ok: false, message: problems.join('; ') } : { name: 'context', ok: true };
};

const checkSchema = (doc: JsonObject): Check => {
  const { valid, errors } = validateAchievementCredential(doc);
  return valid
    ? { name: 'schema', ok: true }
    : { name: 'schema', ok: false, message: errors.slice(0, 5).join('; ') + (errors.length > 5 ? '; …' : '') };
};

const checkValidity = (doc: JsonObject, now: Date): Check => {
  const { validFrom, validUntil } = doc;
  if (!isDateTimeStamp(validFrom))
    return { name: 'validity', ok: false, message: 'validFrom is missing or not a dateTime' };
  if (validUntil !== undefined && !isDateTimeStamp(validUntil)) {
    return { name: 'validity', ok: false, message: 'validUntil is not a dateTime' };
  }
  if (now.getTime() < Date.parse(validFrom))
    return { name: 'validity', ok: false, message: `not valid before ${validFrom}` };
  if (validUntil !== undefined && now.getTime() >= Date.parse(validUntil)) {
    return { name: 'validity', ok: false, message: `expired at ${validUntil}` };
  }
  return { name: 'validity', ok: true };
};

/** A verification method found in, and authorized for assertions by, its controller's DID document. */
interface ResolvedKey {
  verificationMethod: string;
  controller: string;
  publicKey: KeyObject;
}

/** `#key-1` in a DID document means `<did>#key-1`. */
const absolute = (did: string, id: unknown) => (typeof id === 'string' && id.startsWith('#') ? `${did}${id}` : id);

/**
 * Dereferences a proof's verificationMethod through its DID document: the document must be the DID's own, hold the
 * method as an Ed25519 Multikey controlled by that DID, and list it under assertionMethod.
 */
const resolveKey = async (vmId: string, resolveDid: VerifyCredentialOptions['resolveDid']): Promise<ResolvedKey> => {
  const match = /^(did:([a-z0-9]+):[^#?/]+)(?:#(.+))?$/.exec(vmId);
  if (!match) throw new Error(`verificationMethod is not a DID URL: ${vmId}`);
  const [, did = '', method, fragment] = match;
  // did:key names its only key either with or without the (redundant) fragment.
  const id = fragment ? vmId : method === 'key' ? `${did}#${did.slice('did:key:'.length)}` : undefined;
  if (!id) throw new Error(`verificationMethod has no fragment: ${vmId}`);

  const doc = method === 'key' ? didKeyDocument(did) : await resolveDid(did);
  if (!isObject(doc) || doc.id !== did) throw new Error(`the DID document of ${did} is not about ${did}`);

  const candidates = [...asList(doc.verificationMethod), ...asList(doc.assertionMethod)].filter(isObject);
  const vm = candidates.find((c) => absolute(did, c.id) === id);
  if (!vm) throw new Error(`${id} is not in the DID document of ${did}`);
  if (!asList(doc.assertionMethod).some((a) => absolute(did, isObject(a) ? a.id : a) === id)) {
    throw new Error(`${id} is not an assertionMethod of ${did}`);
  }
  if (!KEY_TYPES.has(String(vm.type))) throw new Error(`${id} is a ${String(vm.type)}, not an Ed25519 Multikey`);
  if (vm.controller !== did) throw new Error(`${id} is controlled by ${String(vm.controller)}, not ${did}`);
  if (typeof vm.publicKeyMultibase !== 'string') throw new Error(`${id} has no publicKeyMultibase`);
  return { verificationMethod: id, controller: did, publicKey: publicKeyFromMultibase(vm.publicKeyMultibase) };
};

const issuerId = (doc: JsonObject): unknown => (isObject(doc.issuer) ? doc.issuer.id : doc.issuer);

/**
 * Verifies an Open Badges 3.0 credential and reports each check separately, so a page can say *what* is wrong:
 * `context` (VC 2.0 + OB 3.0 contexts and types), `schema` (official JSON Schema), `key` (the verification method
 * dereferences through the issuer's DID document and is an assertionMethod), `proof` (eddsa-rdfc-2022 signature),
 * `issuer` (the issuer is the key's controller), `validity` (validFrom <= now < validUntil).
 * Never throws for a bad credential; a resolver failure is reported on `key`.
 */
export const verifyCredential = async (
  credential: unknown,
  options: VerifyCredentialOptions,
): Promise<VerificationResult> => {
  if (!isObject(credential)) {
    return { verified: false, checks: [{ name: 'context', ok: false, message: 'a credential is a JSON object' }] };
  }
  const now = options.now ?? new Date();
  const checks: Check[] = [checkContext(credential), checkSchema(credential)];

  const ours = proofsOf(credential).filter(
    (p): p is JsonObject => isObject(p) && p.type === PROOF_TYPE && p.cryptosuite === CRYPTOSUITE,
  );
  const methods = [...new Set(ours.map((p) => p.verificationMethod).filter((v) => typeof v === 'string'))];
  const resolved = new Map<string, ResolvedKey>();
  const keyErrors: string[] = [];
  await Promise.all(
    methods.map(async (vm) => {
      try {
        resolved.set(vm, await resolveKey(vm, options.resolveDid));
      } catch (e) {
        keyErrors.push(errorMessage(e));
      }
    }),
  );
  if (methods.length === 0) keyErrors.push(`no ${CRYPTOSUITE} proof names a verificationMethod`);
  checks.push(keyErrors.length ? { name: 'key', ok: false, message: keyErrors.join('; ') } : { name: 'key', ok: true });

  const proofs = await verifyDocument(credential, {
    resolvePublicKey: async (vm) => {
      const key = resolved.get(vm);
      if (!key) throw new Error(`verification method ${vm} did not resolve`);
      return key.publicKey;
    },
  });
  const proofErrors = proofs.results.filter((r) => !r.verified && !r.skipped).map((r) => r.error);
  checks.push(
    proofs.verified ? { name: 'proof', ok: true } : { name: 'proof', ok: false, message: proofErrors.join('; ') },
  );

  const issuer = issuerId(credential);
  const controllers = [...resolved.values()].map((k) => k.controller);
  if (typeof issuer !== 'string') {
    checks.push({ name: 'issuer', ok: false, message: 'issuer has no id' });
  } else if (controllers.length === 0) {
    checks.push({ name: 'issuer', ok: false, message: 'no resolved key to compare the issuer with' });
  } else {
    const strangers = controllers.filter((c) => c !== issuer);
    checks.push(
      strangers.length
        ? {
            name: 'issuer',
            ok: false,
            message: `issuer ${issuer} does not control the key (controller ${strangers[0]})`,
          }
        : { name: 'issuer', ok: true },
    );
  }

  checks.push(checkValidity(credential, now));
  return { verified: checks.every((c) => c.ok), checks };
};

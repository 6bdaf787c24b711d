import { createPublicKey, ECDH, type JsonWebKey, type KeyObject } from 'node:crypto';
import { base58 } from '@scure/base';
import { didKeyDocument } from '../did-web.ts';
import { publicKeyFromMultibase } from '../multikey.ts';
import type { VerifierHooks } from './types.ts';

/** Why a key could not be found or trusted; reported on the `key` check. */
export class KeyResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyResolutionError';
  }
}

/**
 * How the verifier came to hold the key, which decides what a valid signature proves about the issuer:
 * - `did`: the issuer's DID document lists it (did:key, did:web): the DID controls it.
 * - `controller-document`: an HTTPS controller document lists it, and names its controller.
 * - `jwk-url`: a `kid` URL served the bare JWK (or a JWKS holding it); the URL's authority vouches for it.
 * - `self-asserted`: the credential carries the key itself (the `<issuer id>#<publicKeyMultibase>` convention of
 *   1EdTech's fixtures, or a JWT `jwk` header): the signature is sound, but nothing outside the credential says the
 *   issuer holds that key.
 */
export type KeySource = 'did' | 'controller-document' | 'jwk-url' | 'self-asserted';

export interface ResolvedKey {
  /** The verification method or `kid` as the proof named it. */
  id: string;
  /** Who controls the key: a DID, an HTTPS controller id, or the URL prefix the key was published under. */
  controller: string;
  publicKey: KeyObject;
  source: KeySource;
  /** For people: where the key came from. */
  note?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Multicodec headers (unsigned varints) of the public key types a Multikey can hold and this verifier checks. */
const MULTICODECS = [
  { name: 'Ed25519', prefix: [0xed, 0x01], length: 32 },
  { name: 'P-256', prefix: [0x80, 0x24], length: 33, curve: 'prime256v1' },
  { name: 'P-384', prefix: [0x81, 0x24], length: 49, curve: 'secp384r1' },
] as const;

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * Multikey `publicKeyMultibase` (base58btc) → node:crypto public key, for Ed25519 (`z6Mk…`), P-256 (`zDna…`) and
 * P-384 (`z82L…`). EC keys travel compressed; node:crypto expands the point, which also checks it is on the curve.
 */
export const publicKeyFromAnyMultibase = (publicKeyMultibase: string): KeyObject => {
  if (!/^z[1-9A-HJ-NP-Za-km-z]+$/.test(publicKeyMultibase)) {
    throw new KeyResolutionError('publicKeyMultibase must be base58btc (start with "z")');
  }
  const bytes = base58.decode(publicKeyMultibase.slice(1));
  const codec = MULTICODECS.find((c) => c.prefix.every((b, i) => bytes[i] === b));
  if (!codec) throw new KeyResolutionError('publicKeyMultibase is not an Ed25519, P-256 or P-384 public key');
  const key = bytes.slice(2);
  if (key.length !== codec.length) throw new KeyResolutionError(`a ${codec.name} Multikey holds ${codec.length} bytes`);
  if (codec.name === 'Ed25519') return publicKeyFromMultibase(publicKeyMultibase);
  try {
    const point = ECDH.convertKey(key, codec.curve, undefined, undefined, 'uncompressed') as Buffer;
    const half = (point.length - 1) / 2;
    return createPublicKey({
      key: { kty: 'EC', crv: codec.name, x: b64url(point.subarray(1, 1 + half)), y: b64url(point.subarray(1 + half)) },
      format: 'jwk',
    });
  } catch {
    throw new KeyResolutionError(`publicKeyMultibase is not a point on ${codec.name}`);
  }
};

/** True when `text` decodes as a Multikey this verifier knows (the fragment convention's test). */
export const isMultikey = (text: string): boolean => {
  try {
    publicKeyFromAnyMultibase(text);
    return true;
  } catch {
    return false;
  }
};

/** A public JWK → KeyObject; refuses private keys, which have no business in a public document. */
export const publicKeyFromJwk = (jwk: unknown): KeyObject => {
  if (!isObject(jwk) || typeof jwk.kty !== 'string') throw new KeyResolutionError('not a JWK');
  if ('d' in jwk || 'p' in jwk || 'k' in jwk)
    throw new KeyResolutionError('a private or symmetric JWK is not a public key');
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (e) {
    throw new KeyResolutionError(`unusable JWK: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/** The public key a verification method object carries (Multikey, Ed25519VerificationKey2020, JsonWebKey…). */
export const publicKeyOfMethod = (vm: Json): KeyObject => {
  if (typeof vm.publicKeyMultibase === 'string') return publicKeyFromAnyMultibase(vm.publicKeyMultibase);
  if (vm.publicKeyJwk !== undefined) return publicKeyFromJwk(vm.publicKeyJwk);
  throw new KeyResolutionError(`${String(vm.id)} has neither publicKeyMultibase nor publicKeyJwk`);
};

/** `#key-1` in a controller document means `<document id>#key-1`. */
const absolute = (base: string, id: unknown) => (typeof id === 'string' && id.startsWith('#') ? `${base}${id}` : id);

/**
 * Finds `id` in a DID or controller document, authorized for `purpose` (`assertionMethod` for credentials).
 * The method must name the document's subject as its controller.
 */
export const methodInDocument = (doc: unknown, subject: string, id: string, purpose: string): Json => {
  if (!isObject(doc) || doc.id !== subject) throw new KeyResolutionError(`the document of ${subject} is not about it`);
  const embedded = [...asList(doc.verificationMethod), ...asList(doc[purpose])].filter(isObject);
  const vm = embedded.find((c) => absolute(subject, c.id) === id);
  if (!vm) throw new KeyResolutionError(`${id} is not in the document of ${subject}`);
  if (!asList(doc[purpose]).some((a) => absolute(subject, isObject(a) ? a.id : a) === id)) {
    throw new KeyResolutionError(`${id} is not an ${purpose} of ${subject}`);
  }
  if (vm.controller !== undefined && vm.controller !== subject) {
    throw new KeyResolutionError(`${id} is controlled by ${String(vm.controller)}, not ${subject}`);
  }
  return vm;
};

const URI = /^[a-z][a-z0-9+.-]*:/i;
const DID_URL = /^(did:([a-z0-9]+):[^#?/]+)(?:#(.+))?$/;

const resolveDidMethod = async (id: string, hooks: VerifierHooks, purpose: string): Promise<ResolvedKey> => {
  const match = DID_URL.exec(id);
  if (!match) throw new KeyResolutionError(`not a DID URL: ${id}`);
  const [, did = '', method = '', fragment] = match;
  if (method !== 'key' && method !== 'web') {
    throw new KeyResolutionError(`did:${method} is not a supported DID method (did:key and did:web are)`);
  }
  // did:key names its only key either with or without the (redundant) fragment.
  const vmId = fragment ? id : method === 'key' ? `${did}#${did.slice('did:key:'.length)}` : undefined;
  if (!vmId) throw new KeyResolutionError(`${id} names no key (no fragment)`);
  let doc: unknown;
  if (method === 'key') {
    doc = ecKeyDidDocument(did);
  } else if (!hooks.resolveDid) {
    throw new KeyResolutionError(`no resolver for did:${method} is configured`);
  } else {
    try {
      doc = await hooks.resolveDid(did);
    } catch (e) {
      throw new KeyResolutionError(e instanceof Error ? e.message : String(e));
    }
  }
  const vm = methodInDocument(doc, did, vmId, purpose);
  return { id, controller: did, publicKey: publicKeyOfMethod(vm), source: 'did' };
};

/** did:key for any Multikey this verifier knows (Ed25519 through the shared helper, P-256 and P-384 here). */
const ecKeyDidDocument = (did: string): Json => {
  const multibase = did.slice('did:key:'.length);
  if (multibase.startsWith('z6Mk')) return didKeyDocument(did);
  publicKeyFromAnyMultibase(multibase);
  const id = `${did}#${multibase}`;
  return {
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase: multibase }],
    assertionMethod: [id],
    authentication: [id],
  };
};

/** The document was not there to ask (no fetcher, network, 404): unlike a document that says no. */
export class DocumentUnavailableError extends KeyResolutionError {}

const fetchDocument = async (url: string, hooks: VerifierHooks): Promise<unknown> => {
  if (!hooks.fetchJson) throw new DocumentUnavailableError(`no HTTPS fetcher is configured to dereference ${url}`);
  try {
    return await hooks.fetchJson(url);
  } catch (e) {
    throw new DocumentUnavailableError(`${url} could not be fetched: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/**
 * An HTTPS verification method: the document at its URL is the method itself or its controller document. A method
 * fetched on its own must name a controller whose document lists it for `purpose`, as the Data Integrity spec asks.
 */
const resolveHttpsMethod = async (id: string, hooks: VerifierHooks, purpose: string): Promise<ResolvedKey> => {
  const url = new URL(id);
  const base = `${url.origin}${url.pathname}${url.search}`;
  const doc = await fetchDocument(base, hooks);
  if (!isObject(doc)) throw new KeyResolutionError(`${base} is not a JSON document`);
  if (doc.id === id) {
    const controller = doc.controller;
    if (typeof controller !== 'string' || !controller.startsWith('https:')) {
      throw new KeyResolutionError(`${id} names no HTTPS controller`);
    }
    methodInDocument(await fetchDocument(controller, hooks), controller, id, purpose);
    return { id, controller, publicKey: publicKeyOfMethod(doc), source: 'controller-document' };
  }
  const subject = typeof doc.id === 'string' ? doc.id : base;
  const vm = methodInDocument(doc, subject, id, purpose);
  return { id, controller: subject, publicKey: publicKeyOfMethod(vm), source: 'controller-document' };
};

/**
 * Dereferences a Data Integrity `verificationMethod` to its public key and controller:
 * did:key locally; other DIDs through `hooks.resolveDid`; HTTPS URLs through `hooks.fetchJson` (a controller
 * document). An HTTPS URL whose fragment is itself a Multikey (`https://example.com/issuers/1#z6Mk…`, 1EdTech's
 * fixtures) falls back to that key when no document can be fetched; a document that is fetched but does not list
 * the key is a failure, never a fallback.
 */
export const resolveVerificationMethod = async (
  id: unknown,
  hooks: VerifierHooks,
  purpose = 'assertionMethod',
): Promise<ResolvedKey> => {
  if (typeof id !== 'string' || id.length === 0) throw new KeyResolutionError('the proof names no verificationMethod');
  if (!URI.test(id)) throw new KeyResolutionError(`verificationMethod is not a URI: ${id}`);
  if (id.startsWith('did:')) return resolveDidMethod(id, hooks, purpose);
  const url = URL.parse(id);
  if (url?.protocol !== 'https:') {
    throw new KeyResolutionError(`verificationMethod has an unsupported scheme: ${id.split(':')[0]}:`);
  }
  const fragment = url.hash.slice(1);
  if (!isMultikey(fragment)) return resolveHttpsMethod(id, hooks, purpose);
  try {
    return await resolveHttpsMethod(id, hooks, purpose);
  } catch (e) {
    if (!(e instanceof DocumentUnavailableError)) throw e;
    return {
      id,
      controller: `${url.origin}${url.pathname}${url.search}`,
      publicKey: publicKeyFromAnyMultibase(fragment),
      source: 'self-asserted',
      note: 'taken from the verification method’s fragment, as no controller document could be fetched',
    };
  }
};

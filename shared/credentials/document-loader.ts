import { CONTEXTS } from './context-urls.ts';
import obContext301 from './contexts/ob-v3p0/context-3.0.1.json' with { type: 'json' };
import obContext302 from './contexts/ob-v3p0/context-3.0.2.json' with { type: 'json' };
import obContext303 from './contexts/ob-v3p0/context-3.0.3.json' with { type: 'json' };
import obExtensions from './contexts/ob-v3p0/extensions.json' with { type: 'json' };
import bitstringStatusListV1 from './contexts/w3c/bitstring-status-list-v1.json' with { type: 'json' };
import credentialsExamplesV2 from './contexts/w3c/credentials-examples-v2.json' with { type: 'json' };
import credentialsV1 from './contexts/w3c/credentials-v1.json' with { type: 'json' };
import credentialsV2 from './contexts/w3c/credentials-v2.json' with { type: 'json' };
import dataIntegrityV1 from './contexts/w3c/data-integrity-v1.json' with { type: 'json' };
import dataIntegrityV2 from './contexts/w3c/data-integrity-v2.json' with { type: 'json' };
import didV1 from './contexts/w3c/did-v1.json' with { type: 'json' };
import jwkV1 from './contexts/w3c/jwk-v1.json' with { type: 'json' };
import multikeyV1 from './contexts/w3c/multikey-v1.json' with { type: 'json' };

/** What a JSON-LD document loader returns (the shape jsonld.js expects). */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: object;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/**
 * Optional hook for documents that are not static contexts (did:web / did:key documents during verification).
 * Return `undefined` for "not mine": the loader then fails with its usual error.
 */
export type ExtraResolver = (url: string) => Promise<object | undefined>;

export class UnknownDocumentError extends Error {
  readonly code = 'JSONLD.UNKNOWN_DOCUMENT';
  readonly url: string;
  constructor(url: string) {
    super(`no offline copy of ${url}: Laurel never fetches JSON-LD documents over the network`);
    this.name = 'UnknownDocumentError';
    this.url = url;
  }
}

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

// The JSON modules are parsed once per process by the module system; frozen because every caller shares them and
// a mutated context would silently change every canonical form (and so every signature) after it.
const staticDocuments: ReadonlyMap<string, object> = new Map<string, object>(
  Object.entries({
    [CONTEXTS.credentialsV2]: credentialsV2,
    [CONTEXTS.credentialsV1]: credentialsV1,
    // The W3C conformance suites issue and verify credentials that use it (VC-API); Laurel's own never do.
    'https://www.w3.org/ns/credentials/examples/v2': credentialsExamplesV2,
    [CONTEXTS.ob303]: obContext303,
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': obContext302,
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json': obContext301,
    [CONTEXTS.obExtensions]: obExtensions,
    'https://w3id.org/security/data-integrity/v2': dataIntegrityV2,
    'https://w3id.org/security/data-integrity/v1': dataIntegrityV1,
    [CONTEXTS.multikeyV1]: multikeyV1,
    [CONTEXTS.jwkV1]: jwkV1,
    'https://www.w3.org/ns/credentials/status/v1': bitstringStatusListV1,
    [CONTEXTS.didV1]: didV1,
  }).map(([url, doc]) => [url, deepFreeze(doc)]),
);

/** The static context for `url`, or `undefined` when there is no offline copy. */
export const staticContext = (url: string): object | undefined => staticDocuments.get(url);

/** URLs the loader serves without a resolver hook. */
export const knownContextUrls = (): string[] => [...staticDocuments.keys()];

/**
 * An offline JSON-LD document loader: static contexts from the repository, then the optional `extra` resolver,
 * else an `UnknownDocumentError`. It never touches the network, so a credential cannot change meaning because a
 * remote context changed, and canonicalization works where there is no egress.
 */
export const createDocumentLoader = (extra?: ExtraResolver): DocumentLoader => {
  return async (url) => {
    const known = staticDocuments.get(url);
    if (known) return { contextUrl: null, documentUrl: url, document: known };
    const found = extra ? await extra(url) : undefined;
    if (found) return { contextUrl: null, documentUrl: url, document: found };
    throw new UnknownDocumentError(url);
  };
};

/** The loader for issuance: static contexts only. */
export const documentLoader: DocumentLoader = createDocumentLoader();

/**
 * Context URLs Laurel writes into documents; spelled once here. Apart from document-loader.ts, which holds the
 * contexts themselves (about 50 KB), so that a module that only names a context does not bring them into a bundle.
 */
export const CONTEXTS = {
  credentialsV2: 'https://www.w3.org/ns/credentials/v2',
  credentialsV1: 'https://www.w3.org/2018/credentials/v1',
  ob303: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  obExtensions: 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  didV1: 'https://www.w3.org/ns/did/v1',
  multikeyV1: 'https://w3id.org/security/multikey/v1',
  jwkV1: 'https://w3id.org/security/jwk/v1',
} as const;

import { describe, expect, it } from 'vitest';
import { didDocument, didKeyDocument, didKeyFor, didWebFor, didWebToUrl, verificationMethodId } from './did-web.ts';

const publicKeyMultibase = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';

describe('did:web', () => {
  it('names an issuer under the public host', () => {
    expect(didWebFor('https://badges.example.edu', 'demo')).toBe('did:web:badges.example.edu:issuers:demo');
    expect(didWebFor('https://badges.example.edu/', 'demo')).toBe('did:web:badges.example.edu:issuers:demo');
  });

  it('percent-encodes the port colon and keeps a base path', () => {
    expect(didWebFor('https://localhost:3443', 'demo')).toBe('did:web:localhost%3A3443:issuers:demo');
    expect(didWebFor('https://example.edu/badges', 'demo')).toBe('did:web:example.edu:badges:issuers:demo');
  });

  it('resolves back to the route that serves the document', () => {
    expect(didWebToUrl('did:web:badges.example.edu:issuers:demo')).toBe(
      'https://badges.example.edu/issuers/demo/did.json',
    );
    expect(didWebToUrl('did:web:localhost%3A3443:issuers:demo')).toBe('https://localhost:3443/issuers/demo/did.json');
    expect(didWebToUrl('did:web:example.edu')).toBe('https://example.edu/.well-known/did.json');
    for (const base of ['https://badges.example.edu', 'https://localhost:3443', 'https://example.edu/badges']) {
      expect(didWebToUrl(didWebFor(base, 'demo'))).toBe(`${base}/issuers/demo/did.json`);
    }
  });

  it('refuses what is not a did:web, or would point elsewhere', () => {
    expect(() => didWebFor('http://badges.example.edu', 'demo')).toThrow(/https/);
    expect(() => didWebToUrl('did:key:z6Mk')).toThrow(/not a did:web/);
    expect(() => didWebToUrl('did:web:example.edu:issuers:demo#key-1')).toThrow(/DID URL/);
    expect(() => didWebToUrl('did:web:user%40evil.example')).toThrow(/invalid did:web host/);
    expect(() => didWebToUrl('did:web:example.edu%2Fpath')).toThrow(/invalid did:web host/);
  });

  it('publishes one Multikey, for assertions and authentication', () => {
    const did = 'did:web:badges.example.edu:issuers:demo';

    expect(didDocument({ keyFragment: 'key-1', publicKeyMultibase }, did)).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [{ id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase }],
      assertionMethod: [`${did}#key-1`],
      authentication: [`${did}#key-1`],
    });
    expect(verificationMethodId(did, 'key-1')).toBe(`${did}#key-1`);
  });
});

describe('did:key', () => {
  it('is the key itself, with the key as fragment', () => {
    expect(didKeyFor(publicKeyMultibase)).toEqual({
      did: `did:key:${publicKeyMultibase}`,
      verificationMethod: `did:key:${publicKeyMultibase}#${publicKeyMultibase}`,
    });
  });

  it('resolves locally to a DID document', () => {
    const did = `did:key:${publicKeyMultibase}`;
    const doc = didKeyDocument(did);

    expect(doc.id).toBe(did);
    expect(doc.verificationMethod).toEqual([
      { id: `${did}#${publicKeyMultibase}`, type: 'Multikey', controller: did, publicKeyMultibase },
    ]);
    expect(doc.assertionMethod).toEqual([`${did}#${publicKeyMultibase}`]);
  });

  it('refuses keys that are not Ed25519', () => {
    expect(() => didKeyDocument('did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76')).toThrow(/Ed25519/);
    expect(() => didKeyDocument('did:web:example.edu')).toThrow(/not a did:key/);
  });
});

import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Signer } from '#shared/adapters/signer.ts';
import type { Achievement, Issuer } from '#shared/tables/app-table.ts';
import { signDocument } from './data-integrity.ts';
import { didDocument, didKeyFor, didWebFor } from './did-web.ts';
import { publicKeyMultibaseFromKeyObject } from './multikey.ts';
import { buildOpenBadgeCredential } from './open-badge.ts';
import { signOpenBadgeCredential } from './open-badge-signing.ts';
import { type CheckName, type VerificationResult, verifyCredential } from './verify.ts';

const keySigner = (key: KeyObject): Signer => ({
  sign: async (_keyRef, data) => new Uint8Array(sign(null, data, key)),
  publicKeyMultibase: async () => publicKeyMultibaseFromKeyObject(key),
});

const issuerKey = generateKeyPairSync('ed25519').privateKey;
const otherKey = generateKeyPairSync('ed25519').privateKey;
const did = didWebFor('https://badges.example.edu', 'demo');
const issuer: Issuer = {
  slug: 'demo',
  name: 'Demo University',
  url: 'https://www.example.edu',
  keyRef: 'local:demo',
  keyFragment: 'key-1',
  publicKeyMultibase: publicKeyMultibaseFromKeyObject(issuerKey),
};
const achievement: Achievement = {
  id: 'cs101',
  issuerSlug: 'demo',
  name: 'Introduction to Computer Science',
  description: 'Completed CS101.',
  criteria: { narrative: 'Pass the course.' },
  status: 'published',
};
const unsigned = buildOpenBadgeCredential({
  issuer,
  achievement,
  credentialId: 'abc',
  credentialUrl: 'https://badges.example.edu/credentials/abc',
  issuerDid: did,
  recipientEmail: 'ada@example.edu',
  salt: 'pepper',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00Z',
});
const signed = await signOpenBadgeCredential(unsigned, {
  issuer,
  issuerDid: did,
  signer: keySigner(issuerKey),
  created: '2026-01-01T00:00:00Z',
});
const now = new Date('2026-06-01T00:00:00Z');
const resolveDid = async (id: string) => {
  if (id !== did) throw new Error(`unknown DID ${id}`);
  return didDocument(issuer, did);
};

const failed = (result: VerificationResult): CheckName[] => result.checks.filter((c) => !c.ok).map((c) => c.name);

describe('verifyCredential', () => {
  it('passes every check for a credential Laurel issued', async () => {
    const result = await verifyCredential(signed, { resolveDid, now });

    expect(result.verified).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'format',
      'context',
      'type',
      'schema',
      'issuer',
      'subject',
      'evidence',
      'key',
      'proof',
      'controller',
      'issuance',
      'expiration',
      'status',
    ]);
    expect(result.checks.filter((c) => c.warning)).toEqual([]);
  });

  it('a tampered document fails the proof check only', async () => {
    const tampered = { ...signed, validUntil: '2099-01-01T00:00:00Z' };

    const result = await verifyCredential(tampered, { resolveDid, now });

    expect(result.verified).toBe(false);
    expect(failed(result)).toEqual(['proof']);
    expect(result.checks.find((c) => c.name === 'proof')?.message).toBe('signature does not match');
  });

  it('a signature by a key other than the published one fails the proof check', async () => {
    const forged = await signOpenBadgeCredential(unsigned, {
      issuer,
      issuerDid: did,
      signer: keySigner(otherKey),
      created: '2026-01-01T00:00:00Z',
    });

    expect(failed(await verifyCredential(forged, { resolveDid, now }))).toEqual(['proof']);
  });

  it('an expired or not-yet-valid credential fails the expiration or issuance check', async () => {
    const expired = await verifyCredential(signed, { resolveDid, now: new Date('2027-01-01T00:00:00Z') });
    const early = await verifyCredential(signed, { resolveDid, now: new Date('2025-12-31T23:59:59Z') });

    expect(failed(expired)).toEqual(['expiration']);
    expect(expired.checks.find((c) => c.name === 'expiration')?.message).toBe('expired at 2027-01-01T00:00:00Z');
    expect(failed(early)).toEqual(['issuance']);
  });

  it('an issuer that does not control the signing key fails the controller check', async () => {
    // Signed with a did:key the issuer never claimed: the signature is sound, the authority is not.
    const stranger = didKeyFor(publicKeyMultibaseFromKeyObject(otherKey));
    const impostor = await signDocument(
      unsigned,
      { verificationMethod: stranger.verificationMethod, created: '2026-01-01T00:00:00Z' },
      keySigner(otherKey).sign.bind(null, 'x'),
    );

    const result = await verifyCredential(impostor, { resolveDid, now });

    expect(failed(result)).toEqual(['controller']);
    expect(result.checks.find((c) => c.name === 'controller')?.message).toContain(stranger.did);
  });

  it('a key missing from the DID document, or not an assertionMethod, fails the key check', async () => {
    const withoutAssertion = async () => ({ ...didDocument(issuer, did), assertionMethod: [] });
    const otherFragment = { ...issuer, keyFragment: 'key-2' };
    const rotated = async () => didDocument(otherFragment, did);

    const notAssertion = await verifyCredential(signed, { resolveDid: withoutAssertion, now });
    const missing = await verifyCredential(signed, { resolveDid: rotated, now });

    expect(failed(notAssertion)).toEqual(['key', 'proof', 'controller']);
    expect(notAssertion.checks.find((c) => c.name === 'key')?.message).toMatch(/not an assertionMethod/);
    expect(failed(missing)).toEqual(['key', 'proof', 'controller']);
  });

  it('reports a DID that cannot be resolved, or a document about another DID, on the key check', async () => {
    const down = await verifyCredential(signed, {
      resolveDid: async () => {
        throw new Error('did:web document answered 503');
      },
      now,
    });
    const elsewhere = await verifyCredential(signed, {
      resolveDid: async () => didDocument(issuer, 'did:web:evil.example'),
      now,
    });

    expect(down.checks.find((c) => c.name === 'key')).toEqual({
      name: 'key',
      ok: false,
      message: 'did:web document answered 503',
    });
    expect(elsewhere.checks.find((c) => c.name === 'key')?.message).toMatch(/is not about/);
  });

  it('fails context and schema checks for documents that are not OB 3.0 credentials', async () => {
    const vc1 = { ...signed, '@context': ['https://www.w3.org/2018/credentials/v1', ...signed['@context'].slice(1)] };
    const proofAsObject = { ...signed, proof: signed.proof[0] };

    expect(await verifyCredential('nope', { resolveDid, now })).toEqual({
      verified: false,
      checks: [{ name: 'format', ok: false, message: 'not JSON, a compact JWT, a PNG or an SVG' }],
    });
    expect(failed(await verifyCredential(vc1, { resolveDid, now }))).toEqual(expect.arrayContaining(['proof']));
    // The OB JSON binding wants `proof` as an array; its JSON-LD form (and 1EdTech's validator) takes one object.
    const single = await verifyCredential(proofAsObject, { resolveDid, now });
    expect(failed(single)).toEqual([]);
    expect(single.checks.find((c) => c.name === 'schema')?.message).toMatch(/JSON-LD form/);
  });

  it('accepts 1EdTech’s did:key fixture, warning that its urn:uuid issuer cannot be tied to the key', async () => {
    const fixture = JSON.parse(
      readFileSync(
        new URL('../../test/fixtures/vectors/ob30-validator/simple-did-key-method.json', import.meta.url),
        'utf8',
      ),
    );
    const resolveNothing = async () => {
      throw new Error('did:key needs no resolver');
    };

    const result = await verifyCredential(fixture, { resolveDid: resolveNothing, now });

    expect(result.verified).toBe(true);
    expect(result.checks.find((c) => c.name === 'controller')).toMatchObject({ ok: true, warning: true });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  });
});

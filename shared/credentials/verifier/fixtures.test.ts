import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonize } from '../data-integrity.ts';
import { createDocumentLoader } from '../document-loader.ts';
import { type CheckName, type VerificationResult, verdictOf, verifyCredential } from './index.ts';

/**
 * 1EdTech's validator fixtures (copied into test/fixtures/vectors/ob30-validator, sources in its README) and the
 * W3C ecdsa-rdfc-2019 vectors. The fixtures' keys cannot be fetched (example.com): their verification methods use
 * the `<issuer id>#<publicKeyMultibase>` convention, resolved from the fragment when no document answers.
 */
const dir = new URL('../../../test/fixtures/vectors/', import.meta.url);
const bytes = (path: string) => new Uint8Array(readFileSync(new URL(path, dir)));
const json = (path: string) => JSON.parse(readFileSync(new URL(path, dir), 'utf8')) as Record<string, unknown>;
const ob30 = (name: string): unknown =>
  name.endsWith('.json')
    ? json(`ob30-validator/${name}`)
    : name.endsWith('.jwt')
      ? readFileSync(new URL(`ob30-validator/${name}`, dir), 'utf8')
      : bytes(`ob30-validator/${name}`);

const STATUS_LIST_URL =
  'https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist';
const statusList = json('ob30-validator/bit-string-list/testlist');
const offline = {
  now: new Date('2026-06-01T00:00:00Z'),
  // The only document these tests serve: 1EdTech's status list, at the URL its credential names.
  fetchJson: async (url: string) => {
    if (url === STATUS_LIST_URL) return structuredClone(statusList);
    throw new Error(`offline: ${url}`);
  },
};

const failed = (r: VerificationResult): CheckName[] => r.checks.filter((c) => !c.ok).map((c) => c.name);
const check = (r: VerificationResult, name: CheckName) => r.checks.find((c) => c.name === name);

describe('1EdTech OB 3.0 validator fixtures', () => {
  it.each([
    'simple.json',
    'complete.json',
    'simple-did-key-method.json',
    'simple-did-web-method.json',
    'simple-eddsa-2022.json',
    'simple-multiple-proofs.json',
    'simple-context-alias.json',
    'simple-context-version.json',
    'simple-json.png',
    'simple-json.svg',
    'simple-jwt.png',
    'simple-jwt.svg',
  ])('accepts %s', async (name) => {
    const result = await verifyCredential(ob30(name), offline);

    expect(failed(result)).toEqual([]);
    expect(result.verified).toBe(true);
    expect(check(result, 'proof')?.ok).toBe(true);
  });

  it('reads the baked images as what they are', async () => {
    const formats = await Promise.all(
      ['simple-json.png', 'simple-json.svg', 'simple-jwt.png', 'simple-jwt.svg'].map(
        async (n) => (await verifyCredential(ob30(n), offline)).format,
      ),
    );
    expect(formats).toEqual(['png', 'svg', 'png', 'svg']);
    const jwt = await verifyCredential(ob30('simple-jwt.png'), offline);
    expect(check(jwt, 'format')?.message).toBe('read from a baked PNG: a VC-JWT (credential payload)');
    expect(check(jwt, 'proof')?.message).toBe('VC-JWT (RS256)');
    expect(check(jwt, 'claims')).toEqual({ name: 'claims', ok: true });
  });

  it('says plainly that a fixture key taken from the URL fragment is not confirmed by the issuer', async () => {
    const result = await verifyCredential(ob30('simple.json'), offline);
    expect(check(result, 'controller')).toMatchObject({ ok: true, warning: true });
    expect(check(result, 'controller')?.message).toContain('nothing published by https://example.com/issuers/876543');
  });

  // The name says the reason; the check with that reason must be among the failures.
  it.each<[string, CheckName, RegExp]>([
    ['simple-err-context.json', 'context', /must start with https:\/\/www\.w3\.org\/ns\/credentials\/v2/],
    ['simple-err-type.json', 'type', /OpenBadgeCredential or AchievementCredential/],
    ['simple-err-issuer.json', 'issuer', /names no issuer/],
    ['simple-err-issuer-type.json', 'issuer', /^issuer must have type Profile/],
    ['simple-err-issuer-parentorg-type.json', 'issuer', /issuer\.parentOrg must have type Profile/],
    [
      'simple-err-issuer-otheridentifier-type.json',
      'issuer',
      /issuer\.otherIdentifier\[1\] must have type IdentifierEntry/,
    ],
    ['simple-err-credential-subject-type.json', 'subject', /credentialSubject must have type AchievementSubject/],
    ['simple-err-credential-subject-identifier-type.json', 'subject', /identifier\[0\] must have type IdentityObject/],
    ['simple-err-credential-subject-profile-type.json', 'subject', /source must have type Profile/],
    ['simple-err-credential-subject-result-type.json', 'subject', /result\[1\] must have type Result/],
    [
      'simple-err-credential-subject-achievement-result-description-type.json',
      'subject',
      /resultDescription\[2\] must have type ResultDescription/,
    ],
    ['simple-err-evidence-type.json', 'evidence', /evidence\[1\] must have type Evidence/],
    ['simple-err-expired.json', 'expiration', /^expired at 2010-01-01T00:00:00Z$/],
    ['simple-err-issued.json', 'issuance', /^not valid before 2040-01-01T00:00:00Z$/],
    ['simple-err-proof-method.json', 'key', /https:\/\/example\.edu\/issuers\/565049 could not be fetched/],
    ['simple-err-proof-method-no-scheme.json', 'key', /verificationMethod is not a URI/],
    ['simple-err-proof-method-unknown-scheme.json', 'key', /unsupported scheme: xxx:/],
    ['simple-err-proof-method-unknown-did-method.json', 'key', /did:example is not a supported DID method/],
    ['simple-err-proof-value.json', 'proof', /^signature does not match$/],
  ])('rejects %s on %s', async (name, reason, message) => {
    const result = await verifyCredential(ob30(name), offline);

    expect(result.verified).toBe(false);
    expect(failed(result)).toContain(reason);
    expect(check(result, reason)?.message).toMatch(message);
  });

  it('rejects the date and proof-value fixtures for that reason alone: their signatures are otherwise sound', async () => {
    expect(failed(await verifyCredential(ob30('simple-err-expired.json'), offline))).toEqual(['expiration']);
    expect(failed(await verifyCredential(ob30('simple-err-proof-value.json'), offline))).toEqual(['proof']);
  });

  it.each(['credential-status-revoked.json', 'credential-status-revoked-blank-nodes.json'])(
    'bit-string-list/%s: a sound credential whose status list says revoked',
    async (name) => {
      const result = await verifyCredential(json(`ob30-validator/bit-string-list/${name}`), offline);

      expect(failed(result)).toEqual(['status']);
      expect(check(result, 'status')?.message).toBe('revoked by its issuer');
      expect(result.status).toEqual({ revoked: true });
      expect(verdictOf(result)).toBe('revoked');
    },
  );

  it('cannot call the revoked credential valid when its list is out of reach', async () => {
    const result = await verifyCredential(json('ob30-validator/bit-string-list/credential-status-revoked.json'), {
      now: offline.now,
    });

    expect(failed(result)).toEqual(['status']);
    expect(check(result, 'status')?.message).toMatch(/could not be checked \(revocation: no fetcher/);
    expect(verdictOf(result)).toBe('invalid');
  });

  it('rejects simple.jwt: it names no key (no kid, no jwk), so its signature cannot be checked', async () => {
    // 1EdTech uses it as a parser sample only; its own JWT probe also requires a kid or a jwk.
    const result = await verifyCredential(ob30('simple.jwt'), offline);

    expect(result.format).toBe('jwt');
    expect(check(result, 'format')?.message).toBe('a VC-JWT (vc claim)');
    expect(check(result, 'key')?.message).toBe('the JWT names no key (neither kid nor jwk)');
    expect(result.credential?.id).toBe('http://example.edu/credentials/3732');
  });

  it('leaves legacy Ed25519Signature2020 proofs unverified rather than guessing', async () => {
    const result = await verifyCredential(ob30('credential-status-revoked.json'), offline);

    expect(failed(result)).toEqual(expect.arrayContaining(['key', 'proof']));
    expect(check(result, 'proof')?.message).toBe('unsupported proof: Ed25519Signature2020');
    expect(check(result, 'status')).toMatchObject({ ok: true, warning: true });
  });
});

describe('W3C vc-di-ecdsa test vectors (ecdsa-rdfc-2019)', () => {
  const examplesV2 = json('vc-di-eddsa-rdfc-2022/credentials-examples-v2.json');
  const loadContext = async (url: string) =>
    url === 'https://www.w3.org/ns/credentials/examples/v2' ? examplesV2 : undefined;
  const text = (path: string) => readFileSync(new URL(path, dir), 'utf8');

  it.each([
    ['p256', 'P256', 'sha256'],
    ['p384', 'P384', 'sha384'],
  ])(
    '%s: the signed credential verifies; canonical forms and the combined hash match the vector',
    async (n, u, hash) => {
      const folder = `vc-di-ecdsa/ecdsa-rdfc-2019-${n}`;
      const signed = json(`${folder}/signedECDSA${u}.json`);
      const { proof: _proof, ...unsecured } = signed;
      const config = json(`${folder}/proofConfigECDSA${u}.json`);
      const documentLoader = createDocumentLoader(loadContext);

      const [docCanon, configCanon] = await Promise.all([
        canonize(unsecured, { documentLoader }),
        canonize(config, { documentLoader }),
      ]);
      const digest = (t: string) => createHash(hash).update(t).digest('hex');
      const result = await verifyCredential(signed, { loadContext, now: new Date('2026-01-01T00:00:00Z') });

      expect(docCanon).toBe(text(`${folder}/canonDocECDSA${u}.txt`));
      expect(configCanon).toBe(text(`${folder}/proofCanonECDSA${u}.txt`));
      expect(digest(configCanon) + digest(docCanon)).toBe(text(`${folder}/combinedHashECDSA${u}.txt`).trim());
      expect(check(result, 'key')).toEqual({ name: 'key', ok: true });
      expect(check(result, 'proof')).toEqual({ name: 'proof', ok: true });
      // An AlumniCredential, not an Open Badge, signed by a did:key its issuer (a URL) does not name.
      expect(failed(result)).toEqual(expect.arrayContaining(['context', 'type', 'controller']));
    },
  );

  it('a changed document no longer verifies', async () => {
    const signed = json('vc-di-ecdsa/ecdsa-rdfc-2019-p384/signedECDSAP384.json');
    const result = await verifyCredential({ ...signed, name: 'Forged Credential' }, { loadContext });
    expect(check(result, 'proof')?.message).toBe('signature does not match');
  });
});

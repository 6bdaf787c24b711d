import 'aws-sdk-client-mock-vitest/extend';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential as referenceVerify } from '@digitalbazaar/vc';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKmsSigner } from '#shared/adapters/signer.kms.ts';
import { urls } from '#shared/routes/manifest.ts';
import type { Achievement, Issuer } from '#shared/tables/app-table.ts';
import { CONTEXTS } from './context-urls.ts';
import { canonize } from './data-integrity.ts';
import { didDocument, didWebFor, type IssuerDidDocument } from './did-web.ts';
import { createDocumentLoader } from './document-loader.ts';
import {
  buildOpenBadgeCredential,
  hashIdentity,
  issuerProfile,
  newSalt,
  type OpenBadgeInput,
  resultStatus,
} from './open-badge.ts';
import { signOpenBadgeCredential } from './open-badge-signing.ts';
import { validateAchievementCredential } from './schema.ts';
import { verifyCredential } from './verify.ts';

const kms = mockClient(KMSClient);
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const baseUrl = 'https://badges.demo.example';
const issuerDid = didWebFor(baseUrl, 'demo');
const credentialId = '0b6f5c0e-5b7e-4d35-9a43-3c2ae51b1f51';
const email = 'Ada.Lovelace@Demo.Example';

const issuerWith = (publicKeyMultibase: string): Issuer => ({
  slug: 'demo',
  name: 'Demo University',
  url: 'https://www.demo.example',
  email: 'badges@demo.example',
  description: 'A university that exists for demonstrations.',
  image: 'https://www.demo.example/logo.png',
  keyRef: keyArn,
  keyFragment: 'key-1',
  publicKeyMultibase,
});

const achievement: Achievement = {
  id: 'cs101',
  issuerSlug: 'demo',
  name: 'Introduction to Computer Science',
  description: 'Awarded for completing CS101 with a passing score.',
  criteria: { narrative: 'Complete every module and score at least 70 in the final assessment.' },
  image: 'https://www.demo.example/badges/cs101.png',
  achievementType: 'Course',
  status: 'published',
  validForDays: 365,
};

const inputFor = (issuer: Issuer, overrides: Partial<OpenBadgeInput> = {}): OpenBadgeInput => ({
  issuer,
  achievement,
  credentialId,
  credentialUrl: urls(baseUrl).credential(credentialId),
  issuerDid,
  recipientEmail: email,
  salt: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  validFrom: '2026-05-14T16:20:00Z',
  validUntil: '2027-05-14T16:20:00Z',
  evidence: [{ url: 'https://lms.demo.example/portfolio/42', name: 'Final project', narrative: 'A working parser.' }],
  result: { score: 92, grade: 'A', status: 'passed' },
  ...overrides,
});

/** A JSON-LD loader for the reference stack: Laurel's offline contexts plus the issuer's DID document. */
const referenceLoader = (doc: IssuerDidDocument) =>
  createDocumentLoader(async (url) => {
    if (url === doc.id) return doc;
    const vm = doc.verificationMethod.find((m) => m.id === url);
    return vm ? { '@context': CONTEXTS.multikeyV1, ...vm } : undefined;
  });

describe('OpenBadgeCredential, signed through the KMS signer', () => {
  beforeEach(() => {
    // Prepare: KMS answers with a real Ed25519 key, so the signature is one a verifier can check.
    kms.on(GetPublicKeyCommand).resolves({
      KeyId: keyArn,
      KeySpec: 'ECC_NIST_EDWARDS25519',
      KeyUsage: 'SIGN_VERIFY',
      PublicKey: publicKey.export({ format: 'der', type: 'spki' }),
    });
    kms.on(SignCommand).callsFake(async (input: { Message: Uint8Array }) => ({
      KeyId: keyArn,
      SigningAlgorithm: 'ED25519_SHA_512',
      Signature: new Uint8Array(sign(null, input.Message, privateKey)),
    }));
  });

  afterEach(() => {
    kms.reset();
  });

  const issueWithKms = async (overrides: Partial<OpenBadgeInput> = {}) => {
    const signer = createKmsSigner(new KMSClient({}));
    const issuer = issuerWith(await signer.publicKeyMultibase(keyArn));
    const unsigned = buildOpenBadgeCredential(inputFor(issuer, overrides));
    const signed = await signOpenBadgeCredential(unsigned, {
      issuer,
      issuerDid,
      signer,
      created: '2026-05-14T16:20:01Z',
    });
    return { issuer, unsigned, signed, didDoc: didDocument(issuer, issuerDid) };
  };

  it('verifies with Laurel’s verifier, every check passing', async () => {
    // Act
    const { signed, didDoc } = await issueWithKms();
    const result = await verifyCredential(signed, {
      resolveDid: async (did) => (did === issuerDid ? didDoc : undefined),
      now: new Date('2026-06-01T00:00:00Z'),
    });

    // Assess
    expect(result.checks.filter((c) => !c.ok || c.warning)).toEqual([]);
    expect(result.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['context', 'schema', 'key', 'proof', 'controller', 'issuance', 'expiration']),
    );
    expect(result.verified).toBe(true);
    expect(kms).toHaveReceivedCommandTimes(SignCommand, 1);
    expect(kms).toHaveReceivedCommandWith(SignCommand, {
      KeyId: keyArn,
      MessageType: 'RAW',
      SigningAlgorithm: 'ED25519_SHA_512',
    });
  });

  it('verifies with the independent reference stack (vc + data-integrity + eddsa-rdfc-2022)', async () => {
    const { signed, didDoc } = await issueWithKms();

    const result = await referenceVerify({
      credential: signed,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: referenceLoader(didDoc),
      now: new Date('2026-06-01T00:00:00Z'),
    });

    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  it('the reference stack rejects it once tampered', async () => {
    const { signed, didDoc } = await issueWithKms();
    const tampered = { ...signed, name: 'Advanced Computer Science' };

    const result = await referenceVerify({
      credential: tampered,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: referenceLoader(didDoc),
      now: new Date('2026-06-01T00:00:00Z'),
    });

    expect(result.verified).toBe(false);
  });

  it('validates against the official OB 3.0 AchievementCredential JSON Schema', async () => {
    const { unsigned, signed } = await issueWithKms();

    expect(validateAchievementCredential(signed)).toEqual({ valid: true, errors: [] });
    expect(validateAchievementCredential(unsigned)).toEqual({ valid: true, errors: [] });
  });

  it('never carries the email, only a hash that recomputes from it and the salt', async () => {
    const { signed } = await issueWithKms();
    const text = JSON.stringify(signed).toLowerCase();
    const [identity] = signed.credentialSubject.identifier as { identityHash: string; salt: string }[];
    const expected = createHash('sha256').update(`ada.lovelace@demo.example${identity?.salt}`).digest('hex');

    expect(text).not.toContain('ada.lovelace');
    expect(identity?.identityHash).toBe(`sha256$${expected}`);
    expect(hashIdentity('  ADA.LOVELACE@demo.example ', identity?.salt ?? '')).toBe(identity?.identityHash);
  });
});

describe('buildOpenBadgeCredential', () => {
  const issuer = issuerWith('z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');

  it('builds the OB 3.0 shape Laurel documents', () => {
    const credential = buildOpenBadgeCredential(inputFor(issuer));

    expect(credential).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
      ],
      id: `${baseUrl}/credentials/${credentialId}`,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: {
        id: 'did:web:badges.demo.example:issuers:demo',
        type: ['Profile'],
        name: 'Demo University',
        url: 'https://www.demo.example',
        email: 'badges@demo.example',
        description: 'A university that exists for demonstrations.',
        image: { id: 'https://www.demo.example/logo.png', type: 'Image' },
      },
      name: 'Introduction to Computer Science',
      validFrom: '2026-05-14T16:20:00Z',
      validUntil: '2027-05-14T16:20:00Z',
      credentialSubject: {
        type: ['AchievementSubject'],
        identifier: [
          {
            type: 'IdentityObject',
            identityHash: hashIdentity(email, 'c0ffee00c0ffee00c0ffee00c0ffee00'),
            identityType: 'emailAddress',
            hashed: true,
            salt: 'c0ffee00c0ffee00c0ffee00c0ffee00',
          },
        ],
        achievement: {
          id: `${baseUrl}/issuers/demo/achievements/cs101`,
          type: ['Achievement'],
          name: 'Introduction to Computer Science',
          description: 'Awarded for completing CS101 with a passing score.',
          criteria: { narrative: 'Complete every module and score at least 70 in the final assessment.' },
          image: { id: 'https://www.demo.example/badges/cs101.png', type: 'Image' },
          achievementType: 'Course',
          resultDescription: [
            {
              id: `${baseUrl}/issuers/demo/achievements/cs101#result-score`,
              type: ['ResultDescription'],
              name: 'Score',
              resultType: 'RawScore',
            },
            {
              id: `${baseUrl}/issuers/demo/achievements/cs101#result-grade`,
              type: ['ResultDescription'],
              name: 'Grade',
              resultType: 'LetterGrade',
            },
            {
              id: `${baseUrl}/issuers/demo/achievements/cs101#result-status`,
              type: ['ResultDescription'],
              name: 'Status',
              resultType: 'Status',
            },
          ],
        },
        result: [
          {
            type: ['Result'],
            resultDescription: `${baseUrl}/issuers/demo/achievements/cs101#result-score`,
            value: '92',
          },
          {
            type: ['Result'],
            resultDescription: `${baseUrl}/issuers/demo/achievements/cs101#result-grade`,
            value: 'A',
          },
          {
            type: ['Result'],
            resultDescription: `${baseUrl}/issuers/demo/achievements/cs101#result-status`,
            status: 'Completed',
          },
        ],
      },
      evidence: [
        {
          id: 'https://lms.demo.example/portfolio/42',
          type: ['Evidence'],
          name: 'Final project',
          narrative: 'A working parser.',
        },
      ],
      credentialSchema: [
        {
          id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
          type: '1EdTechJsonSchemaValidator2019',
        },
      ],
    });
  });

  it('canonicalizes in safe mode, results and evidence included (no undefined term slips through)', async () => {
    const nquads = await canonize(buildOpenBadgeCredential(inputFor(issuer)));

    expect(nquads).toContain('<https://purl.imsglobal.org/spec/vc/ob/vocab.html#resultType> "RawScore"');
    expect(nquads).toContain('https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019');
  });

  it('carries the taxonomy (alignments, tags, credits, field of study, version): schema-valid and safe-mode canonical', async () => {
    const taxonomy: Achievement = {
      ...achievement,
      achievementType: 'MicroCredential',
      alignments: [
        {
          targetName: 'Develop software',
          targetUrl: 'https://esco.example/skill/1',
          targetFramework: 'ESCO',
          targetCode: 'S1.2',
          targetType: 'ext:ESCOSkill',
          targetDescription: 'Writes <script>alert(1)</script> programs',
        },
        { targetName: 'CS fundamentals', targetUrl: 'https://case.example/item/9', targetType: 'CFItem' },
      ],
      tags: ['programming', 'algorithms'],
      level: 'introductory',
      creditsAvailable: 3,
      fieldOfStudy: 'Computer Science',
      version: 2,
    };
    const credential = buildOpenBadgeCredential(inputFor(issuer, { achievement: taxonomy }));
    const doc = credential.credentialSubject.achievement as Record<string, unknown>;

    expect(doc).toMatchObject({
      achievementType: 'MicroCredential',
      tag: ['programming', 'algorithms'],
      creditsAvailable: 3,
      fieldOfStudy: 'Computer Science',
      version: '2',
      alignment: [
        {
          type: ['Alignment'],
          targetName: 'Develop software',
          targetUrl: 'https://esco.example/skill/1',
          targetFramework: 'ESCO',
          targetCode: 'S1.2',
          targetType: 'ext:ESCOSkill',
        },
        {
          type: ['Alignment'],
          targetName: 'CS fundamentals',
          targetUrl: 'https://case.example/item/9',
          targetType: 'CFItem',
        },
      ],
    });
    // `level` has no OB 3.0 property: it stays in the catalog.
    expect(doc).not.toHaveProperty('level');
    expect(validateAchievementCredential(credential)).toEqual({ valid: true, errors: [] });
    const nquads = await canonize(credential);
    expect(nquads).toContain('<https://purl.imsglobal.org/spec/vc/ob/vocab.html#fieldOfStudy> "Computer Science"');
    expect(nquads).toContain('<https://schema.org/keywords> "algorithms"');
  });

  it('leaves out what the event did not give, and a status OB has no word for', () => {
    const credential = buildOpenBadgeCredential(
      inputFor(issuer, { validUntil: undefined, evidence: [{}], result: { status: 'audited' } }),
    );

    expect(credential).not.toHaveProperty('validUntil');
    expect(credential).not.toHaveProperty('evidence');
    expect(credential.credentialSubject).not.toHaveProperty('result');
    expect(credential.credentialSubject.achievement).not.toHaveProperty('resultDescription');
    expect(validateAchievementCredential(credential).valid).toBe(true);
  });

  it('binds the subject to a DID when the learner proved one', () => {
    const credential = buildOpenBadgeCredential(inputFor(issuer, { recipientDid: 'did:key:z6MkLearner' }));

    expect(credential.credentialSubject.id).toBe('did:key:z6MkLearner');
  });

  it('refuses inputs that would make an invalid credential', () => {
    expect(() => buildOpenBadgeCredential(inputFor(issuer, { validFrom: '2026-05-14' }))).toThrow(/validFrom/);
    expect(() => buildOpenBadgeCredential(inputFor(issuer, { validUntil: '2026-01-01T00:00:00Z' }))).toThrow(
      /after validFrom/,
    );
    expect(() =>
      buildOpenBadgeCredential(inputFor(issuer, { achievement: { ...achievement, achievementType: 'Sticker' } })),
    ).toThrow(/achievementType/);
  });

  it('maps producer statuses onto ResultStatusType only when the meaning is clear', () => {
    expect(resultStatus('passed')).toBe('Completed');
    expect(resultStatus('In Progress')).toBe('InProgress');
    expect(resultStatus('on-hold')).toBe('OnHold');
    expect(resultStatus('audited')).toBeUndefined();
  });

  it('issuerProfile omits absent optional fields; salts are fresh', () => {
    const { email: _e, description: _d, image: _i, ...bare } = issuer;

    expect(issuerProfile(bare, issuerDid)).toEqual({
      id: issuerDid,
      type: ['Profile'],
      name: 'Demo University',
      url: 'https://www.demo.example',
    });
    expect(newSalt()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSalt()).not.toBe(newSalt());
  });
});

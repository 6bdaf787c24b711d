import { readFileSync } from 'node:fs';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { demoAchievement, demoIssuer } from '#shared/testing/fixtures.ts';
import { canonize, canonizeCounters, canonizeProofConfig, type JsonObject } from './canonize.ts';
import { CREDENTIAL_SHARED_PARTS } from './data-integrity.ts';
import { createDocumentLoader, documentLoader } from './document-loader.ts';
import { buildOpenBadgeCredential, type OpenBadgeInput } from './open-badge.ts';

const vectors = new URL('../../test/fixtures/vectors/', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, vectors), 'utf8')) as JsonObject;

/** What jsonld.js itself says, with nothing of canonize.ts in the way. */
const reference = (doc: object, loader = documentLoader): Promise<string> =>
  (jsonld as unknown as { canonize: (d: object, o: object) => Promise<string> }).canonize(doc, {
    safe: true,
    documentLoader: loader,
    canonizeOptions: { algorithm: 'RDFC-1.0' },
  });

const baseUrl = 'https://badges.example.edu';
const issuerDid = 'did:web:badges.example.edu:issuers:demo';

const input = (n: number, overrides: Partial<OpenBadgeInput> = {}): OpenBadgeInput => ({
  issuer: demoIssuer({ description: 'A university.', image: `${baseUrl}/logo.png` }),
  achievement: demoAchievement({
    image: `${baseUrl}/badge.png`,
    alignments: [
      { targetName: 'Algorithms', targetUrl: 'https://frameworks.example.org/cs/1', targetType: 'ceasn:Competency' },
      { targetName: 'Data structures', targetUrl: 'https://frameworks.example.org/cs/2', targetCode: 'DS' },
    ],
  }),
  credentialId: `id-${n}`,
  credentialUrl: `${baseUrl}/credentials/id-${n}`,
  issuerDid,
  recipientEmail: `learner-${n}@example.edu`,
  salt: `salt-${n}`,
  validFrom: '2026-05-14T16:20:00Z',
  evidence: [{ url: `https://lms.example.edu/portfolio/${n}`, name: 'Final project' }],
  result: { score: 60 + n, grade: 'B', status: 'passed' },
  credentialStatus: [
    {
      id: `${baseUrl}/status/list-1#${n}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(n),
      statusListCredential: `${baseUrl}/status/list-1`,
    },
  ],
  ...overrides,
});

const shared = { sharedParts: CREDENTIAL_SHARED_PARTS };

/** How many calls of `act` took each path (the counters are process-wide; tests in a file run one at a time). */
const paths = async (act: () => Promise<unknown>) => {
  const before = { ...canonizeCounters };
  await act();
  return Object.fromEntries(
    Object.entries(canonizeCounters).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
  ) as typeof canonizeCounters;
};

describe('canonize with shared parts', () => {
  it('gives the bytes jsonld.js gives for the whole document, credential after credential', async () => {
    // Prepare: credentials that share issuer and achievement, as one achievement's credentials do
    const docs = [0, 1, 2, 3].map((n) => buildOpenBadgeCredential(input(n)));

    // Act
    const fast: string[] = [];
    const taken = await paths(async () => {
      for (const doc of docs) fast.push(await canonize(doc, shared));
    });

    // Assess
    for (const [i, doc] of docs.entries()) expect(fast[i]).toBe(await reference(doc));
    expect(new Set(fast).size).toBe(docs.length);
    expect(taken).toMatchObject({ withSharedParts: docs.length, wholeDocument: 0 });
  });

  it('follows a changed issuer or achievement, instead of reusing what it has seen', async () => {
    const first = buildOpenBadgeCredential(input(1));
    const renamed = buildOpenBadgeCredential(input(1, { issuer: demoIssuer({ name: 'Renamed University' }) }));
    const otherAchievement = buildOpenBadgeCredential(
      input(1, { achievement: demoAchievement({ description: 'A different description.' }) }),
    );

    const results = [
      await canonize(first, shared),
      await canonize(renamed, shared),
      await canonize(otherAchievement, shared),
    ];

    expect(results).toEqual([await reference(first), await reference(renamed), await reference(otherAchievement)]);
    expect(new Set(results).size).toBe(3);
  });

  it('reproduces the OB 3.0 test vector’s canonical form', async () => {
    const vector = json('ob-v3p0-eddsa-rdfc-2022/test-vector.json') as { unsignedCredential: JsonObject };
    const expected = readFileSync(new URL('ob-v3p0-eddsa-rdfc-2022/document-canon.txt', vectors), 'utf8');

    expect(await canonize(vector.unsignedCredential, shared)).toBe(expected);
  });

  it('reproduces the W3C vector’s canonical form, with another loader', async () => {
    const examples = json('vc-di-eddsa-rdfc-2022/credentials-examples-v2.json');
    const loader = createDocumentLoader(async (url) =>
      url === 'https://www.w3.org/ns/credentials/examples/v2' ? examples : undefined,
    );
    const { proof: _proof, ...doc } = json('vc-di-eddsa-rdfc-2022/signedDataInt.json');
    const expected = readFileSync(new URL('vc-di-eddsa-rdfc-2022/canonDocDataInt.txt', vectors), 'utf8');

    expect(await canonize(doc, { ...shared, documentLoader: loader })).toBe(expected);
  });

  it('canonicalizes in place what does not fit: a node described twice, a part without id, a nested context', async () => {
    const doc = buildOpenBadgeCredential(input(5));
    const issuer = doc.issuer;
    const describedTwice = { ...doc, evidence: [{ ...issuer, type: ['Evidence', 'Profile'] }] };
    const withoutId = { ...doc, credentialSchema: [{ type: '1EdTechJsonSchemaValidator2019' }] };
    const nested = {
      ...doc,
      credentialSubject: { '@context': { note: 'https://example.org/note' }, ...doc.credentialSubject, note: 'x' },
    };

    for (const variant of [describedTwice, withoutId, nested]) {
      let result = '';
      const taken = await paths(async () => {
        result = await canonize(variant, shared).catch((e: Error) => e.message);
      });
      expect(result).toBe(await reference(variant).catch((e: Error) => e.message));
      // The parts that do fit still come from the cache; only the node described twice needs the whole document.
      expect(taken.withSharedParts + taken.wholeDocument).toBe(1);
      if (variant === describedTwice) expect(taken.wholeDocument).toBe(1);
    }
  });

  it('rejects an undefined term inside a shared part, as safe mode does for the whole document', async () => {
    const doc = buildOpenBadgeCredential(input(6));
    const tampered = { ...doc, issuer: { ...doc.issuer, favouriteColour: 'green' } };

    await expect(canonize(tampered, shared)).rejects.toThrow();
    await expect(reference(tampered)).rejects.toThrow();
  });
});

describe('canonizeProofConfig', () => {
  const config = (created: unknown) => ({
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    ...(created === undefined ? {} : { created }),
    verificationMethod: `${issuerDid}#key-1`,
    proofPurpose: 'assertionMethod',
  });

  it('gives the bytes of the whole configuration for each created time', async () => {
    const times = ['2026-05-14T16:20:01Z', '2026-05-14T16:20:02Z', '2027-01-01T00:00:00.123Z'];

    const taken = await paths(async () => {
      for (const created of times) {
        expect(await canonizeProofConfig(config(created))).toBe(await reference(config(created)));
      }
    });

    expect(taken).toMatchObject({ proofConfigTemplate: times.length, proofConfigWhole: 0 });
  });

  it('handles a configuration without created', async () => {
    const taken = await paths(async () => {
      expect(await canonizeProofConfig(config(undefined))).toBe(await reference(config(undefined)));
    });

    expect(taken).toMatchObject({ proofConfigTemplate: 0, proofConfigWhole: 1 });
  });
});

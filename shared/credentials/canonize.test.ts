import { readdirSync, readFileSync } from 'node:fs';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { demoAchievement, demoIssuer } from '#shared/testing/fixtures.ts';
import { type CanonizeOptions, canonize, canonizeCounters, type JsonObject } from './canonize.ts';
import { createDocumentLoader, type DocumentLoader, documentLoader } from './document-loader.ts';
import { buildOpenBadgeCredential, type OpenBadgeInput } from './open-badge.ts';

const vectors = new URL('../../test/fixtures/vectors/', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, vectors), 'utf8')) as JsonObject;
const text = (path: string) => readFileSync(new URL(path, vectors), 'utf8');

/** What jsonld.js itself says for the whole document, with nothing of canonize.ts in the way (or why it refuses). */
const reference = (doc: object, loader: DocumentLoader = documentLoader): Promise<string> =>
  (jsonld as unknown as { canonize: (d: object, o: object) => Promise<string> })
    .canonize(doc, { safe: true, documentLoader: loader, canonizeOptions: { algorithm: 'RDFC-1.0' } })
    .catch(() => 'refused');

/** The same for the template path; a loader of its own, so the test starts with no templates (they are per loader). */
const templated = (doc: object, options: CanonizeOptions = {}): Promise<string> =>
  canonize(doc, { templates: true, ...options }).catch(() => 'refused');

const freshLoader = () => createDocumentLoader();

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

const proofConfig = (overrides: JsonObject = {}): JsonObject => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  type: 'DataIntegrityProof',
  cryptosuite: 'eddsa-rdfc-2022',
  created: '2026-05-14T16:20:01Z',
  verificationMethod: `${issuerDid}#key-1`,
  proofPurpose: 'assertionMethod',
  ...overrides,
});

/** How often each path was taken while `act` ran (the counters are process-wide; tests in a file run one at a time). */
const paths = async (act: () => Promise<unknown>) => {
  const before = { ...canonizeCounters };
  await act();
  return Object.fromEntries(
    Object.entries(canonizeCounters).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
  ) as typeof canonizeCounters;
};

/** A small seeded generator (mulberry32), so a failing random case can be replayed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('canonize with templates', () => {
  it('gives the bytes jsonld.js gives for the whole document, from one template for every credential', async () => {
    // Prepare: credentials that differ as issued ones do (ids, learner, salt, score, status index)
    const documentLoader = freshLoader();
    const docs = [0, 1, 2, 3, 4].map((n) => buildOpenBadgeCredential(input(n)));

    // Act
    const fast: string[] = [];
    const taken = await paths(async () => {
      for (const doc of docs) fast.push(await templated(doc, { documentLoader }));
    });

    // Assess
    for (const [i, doc] of docs.entries()) expect(fast[i]).toBe(await reference(doc));
    expect(new Set(fast).size).toBe(docs.length);
    expect(taken).toEqual({ fromTemplate: docs.length, templatesBuilt: 1, wholeDocument: 0 });
  });

  it('follows a changed issuer, achievement or evidence list, instead of reusing what it has seen', async () => {
    const documentLoader = freshLoader();
    const variants = [
      buildOpenBadgeCredential(input(1)),
      buildOpenBadgeCredential(input(1, { issuer: demoIssuer({ name: 'Renamed University' }) })),
      buildOpenBadgeCredential(input(1, { achievement: demoAchievement({ description: 'Another description.' }) })),
      buildOpenBadgeCredential(input(1, { evidence: [] })),
      buildOpenBadgeCredential(input(1, { evidence: [{ name: 'a' }, { url: 'https://lms.example.edu/b' }] })),
      buildOpenBadgeCredential(input(1, { result: { score: 7 } })),
    ];

    const results: string[] = [];
    for (const doc of variants) results.push(await templated(doc, { documentLoader }));

    for (const [i, doc] of variants.entries()) expect(results[i]).toBe(await reference(doc));
    expect(new Set(results).size).toBe(variants.length);
  });

  it('reproduces the OB 3.0 and W3C vectors’ canonical forms, the second time from the template', async () => {
    // Prepare: each vector's document and proof configuration, with the loader its contexts need
    const examples = json('vc-di-eddsa-rdfc-2022/credentials-examples-v2.json');
    const w3cLoader = createDocumentLoader(async (url) =>
      url === 'https://www.w3.org/ns/credentials/examples/v2' ? examples : undefined,
    );
    const ob = json('ob-v3p0-eddsa-rdfc-2022/test-vector.json') as {
      unsignedCredential: JsonObject;
      proofConfig: JsonObject;
    };
    const withoutProof = ({ proof: _proof, ...doc }: JsonObject) => doc;
    const cases: [JsonObject, string, DocumentLoader][] = [
      [ob.unsignedCredential, 'ob-v3p0-eddsa-rdfc-2022/document-canon.txt', freshLoader()],
      [
        { ...ob.proofConfig, '@context': ob.unsignedCredential['@context'] },
        'ob-v3p0-eddsa-rdfc-2022/proof-canon.txt',
        freshLoader(),
      ],
      [
        withoutProof(json('vc-di-eddsa-rdfc-2022/signedDataInt.json')),
        'vc-di-eddsa-rdfc-2022/canonDocDataInt.txt',
        w3cLoader,
      ],
      [json('vc-di-eddsa-rdfc-2022/proofConfigDataInt.json'), 'vc-di-eddsa-rdfc-2022/proofCanonDataInt.txt', w3cLoader],
    ];
    for (const curve of ['P256', 'P384']) {
      const dir = `vc-di-ecdsa/ecdsa-rdfc-2019-${curve.toLowerCase()}`;
      cases.push(
        [withoutProof(json(`${dir}/signedECDSA${curve}.json`)), `${dir}/canonDocECDSA${curve}.txt`, w3cLoader],
        [json(`${dir}/proofConfigECDSA${curve}.json`), `${dir}/proofCanonECDSA${curve}.txt`, w3cLoader],
      );
    }

    for (const [doc, canon, documentLoader] of cases) {
      // Act
      const first = await templated(doc, { documentLoader });
      let second = '';
      const taken = await paths(async () => {
        second = await templated(doc, { documentLoader });
      });

      // Assess
      expect(first).toBe(text(canon));
      expect(second).toBe(text(canon));
      expect(taken).toEqual({ fromTemplate: 1, templatesBuilt: 0, wholeDocument: 0 });
    }
  });

  it('agrees with jsonld.js on every credential of 1EdTech’s validator fixtures, valid or not', async () => {
    const dir = new URL('ob30-validator/', vectors);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const bitstring = readdirSync(new URL('bit-string-list/', dir)).filter((f) => f.endsWith('.json'));
    const docs = [
      ...files.map((f) => json(`ob30-validator/${f}`)),
      ...bitstring.map((f) => json(`ob30-validator/bit-string-list/${f}`)),
    ];
    expect(docs.length).toBeGreaterThan(30);

    const documentLoader = freshLoader();
    for (const { proof: _proof, ...doc } of docs) {
      const expected = await reference(doc);
      expect(await templated(doc, { documentLoader })).toBe(expected);
      expect(await templated(doc, { documentLoader })).toBe(expected);
    }
  });

  it('builds with the strings jsonld.js does not take as they are: @vocab values, compact IRIs, doubles, JSON', async () => {
    // Prepare: terms of every kind that reads a string as something else than itself
    const context = [
      'https://www.w3.org/ns/credentials/v2',
      {
        '@vocab': 'https://example.org/terms#',
        ex: 'https://example.org/vocab#',
        kind: { '@id': 'ex:kind', '@type': '@vocab' },
        link: { '@id': 'ex:link', '@type': '@id' },
        amount: { '@id': 'ex:amount', '@type': 'http://www.w3.org/2001/XMLSchema#double' },
        payload: { '@id': 'ex:payload', '@type': '@json' },
        note: { '@id': 'ex:note', '@language': 'fr' },
      },
    ];
    const doc = (values: [string, string, string, string, string]) => ({
      '@context': context,
      id: 'https://example.org/things/1',
      type: ['VerifiableCredential'],
      credentialSubject: {
        kind: values[0],
        link: values[1],
        amount: values[2],
        payload: { text: values[3] },
        note: values[4],
      },
    });
    const variants = [
      doc(['Widget', 'ex:one', '1.5', 'a', 'bonjour']),
      doc(['Gadget', 'ex:two', '2', 'b', 'salut']),
      doc(['https://example.org/kinds/x', 'https://example.org/one', '3.25', 'c', 'allô']),
      doc(['https://example.org/kinds/y', '_:b7', '0', 'd', '']),
      doc(['Widget', 'relative/path', '1', 'e', 'x']),
    ];

    // Act
    const documentLoader = freshLoader();
    const results: string[] = [];
    for (const variant of variants) results.push(await templated(variant, { documentLoader }));

    // Assess
    for (const [i, variant] of variants.entries()) expect(results[i]).toBe(await reference(variant));
    expect(results[4]).toMatch(/^refused/);
    expect(new Set(results).size).toBe(variants.length);
  });

  it('builds with a string that names a graph as well as a node', async () => {
    const doc = (graph: string, name: string) => ({
      '@context': 'https://www.w3.org/ns/credentials/v2',
      '@id': graph,
      name,
      '@graph': [{ id: 'https://example.org/credentials/1', type: 'VerifiableCredential', name }],
    });
    const variants = [doc('https://example.org/graphs/1', 'one'), doc('https://example.org/graphs/2', 'two')];

    const documentLoader = freshLoader();
    const results: string[] = [];
    for (const variant of variants) results.push(await templated(variant, { documentLoader }));

    for (const [i, variant] of variants.entries()) expect(results[i]).toBe(await reference(variant));
    expect(results[1]).toContain('<https://example.org/graphs/2> .');
  });

  it('gives a changed proof purpose (a @vocab value) its own template, and a changed created time none', async () => {
    const documentLoader = freshLoader();
    const configs = [
      proofConfig(),
      proofConfig({ created: '2026-05-14T16:20:02Z' }),
      proofConfig({ proofPurpose: 'authentication' }),
      proofConfig({ created: '2027-01-01T00:00:00.123Z', proofPurpose: 'authentication' }),
      proofConfig({ verificationMethod: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6Mk' }),
    ];

    const results: string[] = [];
    const taken = await paths(async () => {
      for (const config of configs) results.push(await templated(config, { documentLoader }));
    });

    for (const [i, config] of configs.entries()) expect(results[i]).toBe(await reference(config));
    expect(new Set(results).size).toBe(configs.length);
    // One expansion finds that proofPurpose cannot be a marker, one per purpose builds: 3 for 5 configurations.
    expect(taken).toEqual({ fromTemplate: configs.length, templatesBuilt: 3, wholeDocument: 0 });
  });

  it('drops repeated quads where strings coincide, as jsonld.js merges nodes and values', async () => {
    const doc = buildOpenBadgeCredential(input(3));
    const issuer = doc.issuer as JsonObject;
    const subject = doc.credentialSubject as JsonObject & { achievement: JsonObject };
    const evidence = (id: string, name: string) => ({ id, type: ['Evidence'], name });
    const distinct = {
      ...doc,
      evidence: [evidence('https://lms.example.edu/1', 'One'), evidence('https://lms.example.edu/2', 'Two')],
      credentialSubject: { ...subject, achievement: { ...subject.achievement, tag: ['a', 'b'] } },
    };
    const coinciding = [
      {
        ...distinct,
        evidence: [evidence('https://lms.example.edu/1', 'One'), evidence('https://lms.example.edu/1', 'One')],
      },
      {
        ...distinct,
        evidence: [evidence('https://lms.example.edu/1', 'One'), evidence('https://lms.example.edu/1', 'Two')],
      },
      { ...distinct, evidence: [evidence(issuer.id as string, 'One'), evidence('https://lms.example.edu/2', 'Two')] },
      { ...distinct, credentialSubject: { ...subject, achievement: { ...subject.achievement, tag: ['a', 'a'] } } },
      { ...distinct, evidence: [evidence(doc.id, doc.name), evidence('https://lms.example.edu/2', doc.name)] },
    ];

    const documentLoader = freshLoader();
    await templated(distinct, { documentLoader });
    const results: string[] = [];
    const taken = await paths(async () => {
      for (const variant of coinciding) results.push(await templated(variant, { documentLoader }));
    });

    for (const [i, variant] of coinciding.entries()) expect(results[i]).toBe(await reference(variant));
    expect(taken).toEqual({ fromTemplate: coinciding.length, templatesBuilt: 0, wholeDocument: 0 });
  });

  it('canonicalizes whole what has no shape: a nested @context, an @index, the marker namespace, no @context', async () => {
    const doc = buildOpenBadgeCredential(input(5));
    const subject = doc.credentialSubject as JsonObject;
    const variants = [
      { ...doc, credentialSubject: { '@context': { note: 'https://example.org/note' }, ...subject, note: 'x' } },
      { ...doc, credentialSubject: { ...subject, '@index': 'first' } },
      { ...doc, name: 'urn:laurel:canonize-slot:0' },
      { ...doc, '@context': undefined },
    ];

    for (const variant of variants) {
      let result = '';
      const taken = await paths(async () => {
        result = await templated(variant, { documentLoader: freshLoader() });
      });
      expect(result).toBe(await reference(variant));
      expect(taken).toEqual({ fromTemplate: 0, templatesBuilt: 0, wholeDocument: 1 });
    }
  });

  it('rejects an undefined term, as safe mode does for the whole document', async () => {
    const doc = buildOpenBadgeCredential(input(6));
    const tampered = { ...doc, issuer: { ...doc.issuer, favouriteColour: 'green' } };

    await expect(canonize(tampered, { templates: true })).rejects.toThrow();
    expect(await reference(tampered)).toMatch(/^refused/);
  });

  it('gives each of many documents canonicalized at once its own bytes', async () => {
    const documentLoader = freshLoader();
    const docs = Array.from({ length: 24 }, (_, n) => buildOpenBadgeCredential(input(n)));
    const configs = docs.map((_, n) => proofConfig({ created: `2026-05-14T16:${String(n).padStart(2, '0')}:00Z` }));

    const results = await Promise.all([...docs, ...configs].map((d) => templated(d, { documentLoader })));

    const expected = await Promise.all([...docs, ...configs].map((d) => reference(d)));
    expect(results).toEqual(expected);
  });

  it('agrees with jsonld.js on randomized credentials, byte for byte', async () => {
    // Prepare: credentials with 0 to 3 evidence, results and status entries, and strings drawn from a pool that mixes
    // text, escapes, IRIs of several schemes, relative and blank node ids, and values other strings also have
    const next = random(20261129);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const pool = [
      'Final project',
      'Über “quotes” \\ and \n new lines\t',
      '',
      ' ',
      'é😀',
      'https://lms.example.edu/portfolio/1',
      'https://lms.example.edu/portfolio/1',
      'urn:uuid:0b2f7b5e-6f1b-4c52-9d0f-5c7f9a1b2c3d',
      'did:web:badges.example.edu:issuers:demo',
      issuerDid,
      'mailto:learner@example.edu',
      'relative/path',
      '_:b0',
      'xsd:string',
      'passed',
      'A',
      '42',
    ];
    const iri = () => (next() < 0.8 ? `https://example.org/${Math.floor(next() * 4)}` : pick(pool));
    const times = (max: number) => Math.floor(next() * (max + 1));
    const credential = (n: number): JsonObject => {
      const doc = buildOpenBadgeCredential(input(n, { achievement: demoAchievement({ name: pick(pool) || 'x' }) }));
      const subject = doc.credentialSubject as JsonObject;
      return {
        ...doc,
        name: pick(pool),
        credentialSubject: {
          ...subject,
          result: Array.from({ length: times(3) }, () => ({
            type: ['Result'],
            ...(next() < 0.5 ? { value: pick(pool) } : { status: pick(['Completed', 'Enrolled', 'Failed']) }),
            ...(next() < 0.5 ? { resultDescription: iri() } : {}),
          })),
        },
        evidence: Array.from({ length: times(3) }, () => ({
          ...(next() < 0.8 ? { id: iri() } : {}),
          type: ['Evidence'],
          name: pick(pool),
          ...(next() < 0.5 ? { narrative: pick(pool) } : {}),
        })),
        credentialStatus: Array.from({ length: times(3) }, (_, i) => ({
          id: `${iri()}#${i}`,
          type: 'BitstringStatusListEntry',
          statusPurpose: pick(['revocation', 'suspension', pick(pool)]),
          statusListIndex: String(Math.floor(next() * 131072)),
          statusListCredential: iri(),
        })),
      };
    };
    const docs = Array.from({ length: 300 }, (_, n) => credential(n));

    // Act
    const documentLoader = freshLoader();
    const results: string[] = [];
    const taken = await paths(async () => {
      for (const doc of docs) results.push(await templated(doc, { documentLoader }));
    });

    // Assess: the same bytes (or the same refusal) for every one, most of them from a template
    for (const [i, doc] of docs.entries()) expect(results[i], `credential ${i}`).toBe(await reference(doc));
    expect(results.filter((r) => r.startsWith('refused')).length).toBeGreaterThan(10);
    expect(taken.fromTemplate).toBeGreaterThan(docs.length / 2);
  });
});

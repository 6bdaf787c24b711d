import { describe, expect, it } from 'vitest';
import { CONTEXTS } from './context-urls.ts';
import { createDocumentLoader, documentLoader, knownContextUrls, UnknownDocumentError } from './document-loader.ts';

describe('offline document loader', () => {
  it('serves every context Laurel needs, from the repository', async () => {
    const urls = knownContextUrls();

    expect(urls).toEqual(expect.arrayContaining(Object.values(CONTEXTS)));
    for (const url of urls) {
      const remote = await documentLoader(url);
      expect(remote).toEqual({ contextUrl: null, documentUrl: url, document: expect.objectContaining({}) });
      expect(remote.document).toHaveProperty('@context');
    }
  });

  it('hands out one shared, frozen copy of each context', async () => {
    const first = await documentLoader(CONTEXTS.ob303);
    const second = await createDocumentLoader()(CONTEXTS.ob303);

    expect(second.document).toBe(first.document);
    expect(Object.isFrozen(first.document)).toBe(true);
    expect(() => {
      (first.document as Record<string, unknown>)['@context'] = {};
    }).toThrow(TypeError);
  });

  it('asks the extra resolver for anything else, and fails clearly when nobody knows it', async () => {
    const did = { '@context': CONTEXTS.didV1, id: 'did:web:example.org' };
    const loader = createDocumentLoader(async (url) => (url === did.id ? did : undefined));

    expect((await loader('did:web:example.org')).document).toBe(did);
    await expect(loader('https://example.org/context.json')).rejects.toThrow(UnknownDocumentError);
    await expect(documentLoader('https://example.org/context.json')).rejects.toThrow(/no offline copy/);
  });
});

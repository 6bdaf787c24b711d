import jsonld from 'jsonld';
import { canonize as canonizeDataset } from 'rdf-canonize';
import { type DocumentLoader, documentLoader as offlineLoader, UnknownDocumentError } from './document-loader.ts';

/**
 * RDFC-1.0 canonicalization of JSON-LD documents, with two memoizations that give the same bytes as canonicalizing
 * the whole document every time, and skip most of the work when documents share parts.
 *
 * Why: almost all the cost of canonicalizing a credential is JSON-LD expansion, and most of that is jsonld.js
 * processing (and cloning) the type-scoped contexts of every typed node. A credential's issuer profile and
 * achievement are the same in every credential of that achievement, and a proof configuration differs only in its
 * `created` literal, so both are turned into RDF once and reused.
 */

export interface CanonizeOptions {
  /** Defaults to the offline loader (static contexts only). */
  documentLoader?: DocumentLoader;
  /**
   * Property paths, from the root, of embedded nodes (or arrays of nodes) that have an `id` and repeat across
   * documents, such as `['issuer']`. Their RDF is computed once per distinct content and reused; parts that are
   * absent or do not fit are canonicalized in place. The output is the same either way.
   */
  sharedParts?: readonly SharedPart[];
}

export type SharedPart = readonly string[];

export type JsonObject = Record<string, unknown>;

interface Term {
  termType: string;
  value: string;
  datatype?: Term;
  language?: string;
}

export interface Quad {
  subject: Term;
  predicate: Term;
  object: Term;
  graph: Term;
}

type Dataset = Quad[];

type JsonLdToRdf = (
  input: object,
  options: { safe: boolean; documentLoader: DocumentLoader; produceGeneralizedRdf: boolean },
) => Promise<Dataset>;

// @types/jsonld describes jsonld 1.x; this is the jsonld 9 signature relied on.
const jsonldToRdf = (jsonld as unknown as { toRDF: JsonLdToRdf }).toRDF;

/**
 * The RDF dataset of a JSON-LD document, in safe mode: any term the contexts do not define, or any relative IRI,
 * throws instead of being dropped, so nothing in the JSON can escape the signature. These are the options
 * `jsonld.canonize` itself uses.
 */
const toRdf = async (doc: object, loader: DocumentLoader): Promise<Dataset> => {
  try {
    return await jsonldToRdf(doc, { safe: true, documentLoader: loader, produceGeneralizedRdf: false });
  } catch (e) {
    // jsonld wraps loader failures in a generic "could not dereference" error; the loader's own says what is missing.
    const cause = (e as { details?: { cause?: unknown } }).details?.cause;
    throw cause instanceof UnknownDocumentError ? cause : e;
  }
};

const rdfc = (dataset: Dataset): Promise<string> => canonizeDataset(dataset, { algorithm: 'RDFC-1.0' });

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Caches, one per document loader (two loaders may serve different documents under one URL), bounded. */
const MAX_ENTRIES = 512;
type Cache<T> = WeakMap<DocumentLoader, Map<string, Promise<T>>>;

const cached = <T>(cache: Cache<T>, loader: DocumentLoader, key: string, make: () => Promise<T>): Promise<T> => {
  let entries = cache.get(loader);
  if (!entries) {
    entries = new Map();
    cache.set(loader, entries);
  }
  let pending = entries.get(key);
  if (!pending) {
    // Full means the documents are not repeating much; start over rather than track recency.
    if (entries.size >= MAX_ENTRIES) entries.clear();
    const map = entries;
    pending = make().catch((e: unknown) => {
      map.delete(key);
      throw e;
    });
    entries.set(key, pending);
  }
  return pending;
};

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

// ---- shared parts -------------------------------------------------------------------------------------------

/** Subject IRIs of the probe documents below; nothing Laurel or anyone else signs uses this namespace. */
const PROBE = 'urn:laurel:canonize-probe:';

interface PartRdf {
  /** The part's own quads (blank nodes relabelled apart), frozen: shared by every document that embeds it. */
  quads: readonly Quad[];
  /** Named subjects of those quads: the document's remainder must say nothing about them. */
  subjects: ReadonlySet<string>;
  /** The IRIs the part's nodes expand to, which the remainder must link to. */
  links: readonly string[];
}

const partCache: Cache<PartRdf | undefined> = new WeakMap();

const aliasCache: Cache<readonly string[]> = new WeakMap();

/**
 * Every term any of the contexts (and the contexts they import, scoped ones included) defines as an alias of
 * `@type`: an ancestor's value under any of them selects type-scoped contexts, so the probe must carry it.
 */
const typeAliases = (context: unknown, loader: DocumentLoader): Promise<readonly string[]> =>
  cached(aliasCache, loader, JSON.stringify(context), async () => {
    const aliases = new Set(['@type']);
    const seen = new Set<string>();
    const visit = async (ctx: unknown): Promise<void> => {
      if (typeof ctx === 'string') {
        if (seen.has(ctx)) return;
        seen.add(ctx);
        const { document } = await loader(ctx);
        return visit((document as JsonObject)['@context'] ?? document);
      }
      if (Array.isArray(ctx)) {
        for (const c of ctx) await visit(c);
        return;
      }
      if (!isObject(ctx)) return;
      for (const [term, definition] of Object.entries(ctx)) {
        if (definition === '@type' || (isObject(definition) && definition['@id'] === '@type')) aliases.add(term);
        if (isObject(definition) && definition['@context'] !== undefined) await visit(definition['@context']);
      }
    };
    await visit(context);
    return [...aliases];
  });

const typesOf = (node: JsonObject, aliases: readonly string[]): JsonObject => {
  const out: JsonObject = {};
  for (const key of aliases) if (node[key] !== undefined) out[key] = node[key];
  return out;
};

const isNamed = (t: Term, value?: string) => t.termType === 'NamedNode' && (value === undefined || t.value === value);
const sameTerm = (a: Term, b: Term) =>
  a.termType === b.termType &&
  a.value === b.value &&
  a.language === b.language &&
  a.datatype?.value === b.datatype?.value;
const sameQuad = (a: Quad, b: Quad) =>
  sameTerm(a.subject, b.subject) &&
  sameTerm(a.predicate, b.predicate) &&
  sameTerm(a.object, b.object) &&
  sameTerm(a.graph, b.graph);

/**
 * The RDF of one shared part, from a probe document that reproduces everything that decides the active context
 * where the part sits in the real document: the root `@context`, the types of each ancestor (type-scoped contexts)
 * and the property names along the path (property-scoped contexts). Ancestors that carry their own `@context` are
 * never probed. The probe's ancestors get probe IRIs; every quad about them is the probe's, the rest is the part's.
 *
 * A second probe, with the part replaced by `{"@id": ...}` references to the IRIs its nodes expanded to, must give
 * exactly the probe's own quads: that proves the references the remainder carries link to the same IRIs.
 * `undefined` (canonicalize in place) when anything does not fit.
 */
const partRdf = async (
  probe: JsonObject,
  skeleton: (links: string[]) => JsonObject,
  depth: number,
  nodes: number,
  loader: DocumentLoader,
  label: string,
): Promise<PartRdf | undefined> => {
  const dataset = await toRdf(probe, loader);
  const probeIri = (t: Term) => isNamed(t) && t.value.startsWith(PROBE);
  const own: Quad[] = [];
  const part: Quad[] = [];
  for (const q of dataset) {
    if (q.graph.termType !== 'DefaultGraph') return undefined;
    if (probeIri(q.predicate) || probeIri(q.graph)) return undefined;
    if (probeIri(q.subject)) own.push(q);
    else if (probeIri(q.object)) return undefined;
    else part.push(q);
  }
  // The part's nodes are the parent's objects that the part describes, all under the one path property.
  const parent = `${PROBE}${depth}`;
  const described = new Set(part.filter((q) => isNamed(q.subject)).map((q) => q.subject.value));
  const linkQuads = own.filter((q) => q.subject.value === parent && isNamed(q.object) && described.has(q.object.value));
  const links = [...new Set(linkQuads.map((q) => q.object.value))];
  if (links.length !== nodes || new Set(linkQuads.map((q) => q.predicate.value)).size !== 1) return undefined;
  const referenced = await toRdf(skeleton(links), loader);
  if (referenced.length !== own.length || !referenced.every((r) => own.some((o) => sameQuad(r, o)))) return undefined;

  const relabel = (t: Term): Term => (t.termType === 'BlankNode' ? { ...t, value: `${label}${t.value}` } : t);
  const quads = part.map((q) => ({ ...q, subject: relabel(q.subject), object: relabel(q.object) }));
  return deepFreeze({ quads, subjects: described, links });
};

interface Split {
  remainder: JsonObject;
  parts: { rdf: PartRdf | undefined }[];
}

/**
 * Splits `doc` into its shared parts (their RDF, from the cache) and the remainder, in which each part is replaced
 * by references to its nodes' IRIs. `undefined` when no part applies.
 */
const split = async (
  doc: JsonObject,
  paths: readonly SharedPart[],
  loader: DocumentLoader,
): Promise<Split | undefined> => {
  const context = doc['@context'];
  if (context === undefined) return undefined;
  const aliases = await typeAliases(context, loader);
  const remainder: JsonObject = { ...doc };
  const copies = new WeakSet<JsonObject>([remainder]);
  const pending: Promise<{ rdf: PartRdf | undefined; holder: JsonObject; key: string; value: unknown }>[] = [];

  for (const [index, path] of paths.entries()) {
    if (path.length === 0) continue;
    // Walk the path in the remainder, copying each ancestor so the caller's document is never changed.
    const ancestors: JsonObject[] = [remainder];
    let holder = remainder;
    let fits = true;
    for (const key of path.slice(0, -1)) {
      const child = holder[key];
      if (!isObject(child) || '@context' in child) {
        fits = false;
        break;
      }
      const copy = copies.has(child) ? child : { ...child };
      copies.add(copy);
      holder[key] = copy;
      holder = copy;
      ancestors.push(copy);
    }
    const last = path[path.length - 1] as string;
    const value = fits ? holder[last] : undefined;
    const nodes = Array.isArray(value) ? value : [value];
    if (
      !fits ||
      nodes.length === 0 ||
      !nodes.every((n) => isObject(n) && typeof n.id === 'string' && !('@id' in n) && !('@context' in n))
    ) {
      continue;
    }
    const valueJson = JSON.stringify(value);
    if (valueJson.includes(PROBE)) continue;

    // The probe: the root's context, each ancestor's types and the path, then the part itself.
    const chain = (leaf: unknown): JsonObject => {
      let node: unknown = leaf;
      for (let depth = path.length - 1; depth >= 0; depth--) {
        const ancestor = ancestors[depth] as JsonObject;
        node = {
          ...(depth === 0 ? { '@context': context } : {}),
          '@id': `${PROBE}${depth}`,
          ...typesOf(ancestor, aliases),
          [path[depth] as string]: node,
        };
      }
      return node as JsonObject;
    };
    const probe = chain(value);
    const references = (links: string[]) =>
      Array.isArray(value) ? links.map((id) => ({ '@id': id })) : { '@id': links[0] };
    const key = JSON.stringify(probe);
    const rdf = cached(partCache, loader, key, () =>
      partRdf(probe, (links) => chain(references(links)), path.length - 1, nodes.length, loader, `shared${index}x`),
    );
    pending.push(rdf.then((r) => ({ rdf: r, holder, key: last, value })));
  }
  if (pending.length === 0) return undefined;

  const parts = await Promise.all(pending);
  for (const { rdf, holder, key, value } of parts) {
    if (!rdf) continue;
    holder[key] = Array.isArray(value) ? rdf.links.map((id) => ({ '@id': id })) : { '@id': rdf.links[0] };
  }
  return { remainder, parts };
};

/** The dataset of `doc` with its shared parts from the cache, or `undefined` to canonicalize it whole. */
const datasetWithSharedParts = async (
  doc: JsonObject,
  paths: readonly SharedPart[],
  loader: DocumentLoader,
): Promise<Dataset | undefined> => {
  const divided = await split(doc, paths, loader);
  const used = divided?.parts.flatMap((p) => (p.rdf ? [p.rdf] : []));
  if (!divided || !used || used.length === 0) return undefined;
  const rest = await toRdf(divided.remainder, loader);
  // The remainder may only link to a part's nodes; a node described in two places is left to the whole-document path.
  const described = new Set<string>();
  for (const part of used) {
    for (const s of part.subjects) {
      if (described.has(s)) return undefined;
      described.add(s);
    }
    for (const q of rest) if (isNamed(q.subject) && part.subjects.has(q.subject.value)) return undefined;
    for (const link of part.links) if (!rest.some((q) => isNamed(q.object, link))) return undefined;
  }
  return [...rest, ...used.flatMap((p) => p.quads)];
};

// ---- proof configurations -----------------------------------------------------------------------------------

/** Stands for `created` in the cached proof configuration; never a real timestamp. */
const CREATED_SLOT = 'urn:laurel:canonize-slot:created';

const proofCache: Cache<{ dataset: readonly Quad[]; slot: number } | undefined> = new WeakMap();

/**
 * The dataset of a proof configuration: computed once per configuration with `created` left as a slot, then the
 * timestamp is put in the one literal that carries it (a typed literal's lexical form is the JSON string itself).
 * `undefined` when the configuration has no string `created`, or the slot does not show up exactly once.
 */
const proofConfigDataset = async (config: JsonObject, loader: DocumentLoader): Promise<Dataset | undefined> => {
  const { created } = config;
  if (typeof created !== 'string') return undefined;
  const template = { ...config, created: CREATED_SLOT };
  const key = JSON.stringify(template);
  if (key.indexOf(CREATED_SLOT) !== key.lastIndexOf(CREATED_SLOT)) return undefined;
  const entry = await cached(proofCache, loader, key, async () => {
    const dataset = await toRdf(template, loader);
    const mentions = (t: Term) => t.value.includes(CREATED_SLOT) || (t.datatype?.value.includes(CREATED_SLOT) ?? false);
    const slots = dataset.flatMap((q, i) =>
      q.object.termType === 'Literal' && q.object.value === CREATED_SLOT ? [i] : [],
    );
    const elsewhere = dataset.some(
      (q, i) =>
        mentions(q.subject) || mentions(q.predicate) || mentions(q.graph) || (i !== slots[0] && mentions(q.object)),
    );
    if (slots.length !== 1 || elsewhere) return undefined;
    return deepFreeze({ dataset, slot: slots[0] as number });
  });
  if (!entry) return undefined;
  return entry.dataset.map((q, i) => (i === entry.slot ? { ...q, object: { ...q.object, value: created } } : q));
};

// ---- entry points -------------------------------------------------------------------------------------------

/**
 * How often each path was taken in this process: documents canonicalized with cached parts or whole, proof
 * configurations from a template or whole. For tests and the benchmark; nothing depends on them.
 */
export const canonizeCounters = { withSharedParts: 0, wholeDocument: 0, proofConfigTemplate: 0, proofConfigWhole: 0 };

/**
 * RDFC-1.0 canonical N-Quads of a JSON-LD document, in safe mode. With `sharedParts`, the parts found at those
 * paths are taken from the cache; the result is byte for byte what canonicalizing the whole document gives.
 */
export const canonize = async (doc: object, options: CanonizeOptions = {}): Promise<string> => {
  const loader = options.documentLoader ?? offlineLoader;
  if (options.sharedParts?.length && isObject(doc)) {
    const dataset = await datasetWithSharedParts(doc, options.sharedParts, loader).catch(() => undefined);
    if (dataset) {
      canonizeCounters.withSharedParts++;
      return rdfc(dataset);
    }
  }
  canonizeCounters.wholeDocument++;
  return rdfc(await toRdf(doc, loader));
};

/**
 * Canonical N-Quads of a Data Integrity proof configuration (proof options plus the document's `@context`), reusing
 * the RDF of configurations that differ only in `created`. Same bytes as `canonize(config)`.
 */
export const canonizeProofConfig = async (config: JsonObject, options: CanonizeOptions = {}): Promise<string> => {
  const loader = options.documentLoader ?? offlineLoader;
  const dataset = await proofConfigDataset(config, loader).catch(() => undefined);
  if (dataset) {
    canonizeCounters.proofConfigTemplate++;
    return rdfc(dataset);
  }
  canonizeCounters.proofConfigWhole++;
  return rdfc(await toRdf(config, loader));
};

import jsonld from 'jsonld';
import { canonize as canonizeDataset } from 'rdf-canonize';
import { type DocumentLoader, documentLoader as offlineLoader, UnknownDocumentError } from './document-loader.ts';

/**
 * RDFC-1.0 canonicalization of JSON-LD documents, with an optional memoization that gives the same bytes as
 * canonicalizing the whole document every time and skips almost all of the work for documents of a known shape.
 *
 * Why: almost all the cost of canonicalizing a credential is JSON-LD expansion, and most of that is jsonld.js
 * cloning the active context for every typed node; the RDFC-1.0 step itself is a few percent. Expansion depends on
 * a document's keys, types, contexts and structure, not on its strings, and every credential of an achievement (and
 * every proof configuration of a key) has the same of those. So the RDF of a shape is computed once, with a marker
 * in place of each string, and each document of that shape gets its own strings put in (`fill` says why the bytes
 * are the same).
 */

export interface CanonizeOptions {
  /** Defaults to the offline loader (static contexts only). */
  documentLoader?: DocumentLoader;
  /**
   * Reuse the RDF of earlier documents of the same shape, with this document's strings put in. The output is the
   * same either way; a document that does not fit is canonicalized whole. Signing sets it.
   */
  templates?: boolean;
}

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
type Cache<T> = WeakMap<DocumentLoader, Map<string, T>>;

const entriesOf = <T>(cache: Cache<T>, loader: DocumentLoader): Map<string, T> => {
  let entries = cache.get(loader);
  if (!entries) {
    entries = new Map();
    cache.set(loader, entries);
  }
  return entries;
};

/** Full means documents are not repeating much; start over rather than track recency. */
const remember = <T>(entries: Map<string, T>, key: string, value: T): T => {
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(key, value);
  return value;
};

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

// ---- what the contexts define ---------------------------------------------------------------------------------

/** Marker for the i-th string of a shape: `${SLOT}${i}`. Nothing Laurel or anyone else signs uses this namespace. */
const SLOT = 'urn:laurel:canonize-slot:';

interface ContextFacts {
  /** `@type` and every term any of the contexts defines as an alias of it: their values select type-scoped contexts. */
  typeKeys: ReadonlySet<string>;
  /** `@index`, its aliases and index-container terms: merged nodes with different indexes make jsonld.js throw. */
  indexKeys: ReadonlySet<string>;
  /** Every term any of the contexts defines, scoped ones included. */
  terms: ReadonlySet<string>;
}

const factsCache: Cache<Promise<ContextFacts | undefined>> = new WeakMap();

/**
 * Facts about the root `@context` and every context it reaches (imported, type- and property-scoped), or
 * `undefined` when they mention the template markers.
 */
const contextFacts = (context: unknown, loader: DocumentLoader): Promise<ContextFacts | undefined> => {
  const key = JSON.stringify(context);
  const entries = entriesOf(factsCache, loader);
  const known = entries.get(key);
  if (known) return known;
  const facts = (async () => {
    const typeKeys = new Set(['@type']);
    const indexKeys = new Set(['@index']);
    const terms = new Set<string>();
    const seen = new Set<string>();
    let marked = key.includes(SLOT);
    const aliasOf = (definition: unknown) => (isObject(definition) ? definition['@id'] : definition);
    const visit = async (ctx: unknown): Promise<void> => {
      if (typeof ctx === 'string') {
        if (seen.has(ctx)) return;
        seen.add(ctx);
        const { document } = await loader(ctx);
        marked ||= JSON.stringify(document).includes(SLOT);
        return visit((document as JsonObject)['@context'] ?? document);
      }
      if (Array.isArray(ctx)) {
        for (const c of ctx) await visit(c);
        return;
      }
      if (!isObject(ctx)) return;
      if (typeof ctx['@import'] === 'string') await visit(ctx['@import']);
      for (const [term, definition] of Object.entries(ctx)) {
        if (!term.startsWith('@')) terms.add(term);
        if (aliasOf(definition) === '@type') typeKeys.add(term);
        const container = isObject(definition) ? [definition['@container']].flat() : [];
        if (aliasOf(definition) === '@index' || container.includes('@index')) indexKeys.add(term);
        if (isObject(definition) && definition['@context'] !== undefined) await visit(definition['@context']);
      }
    };
    await visit(context);
    return marked ? undefined : { typeKeys, indexKeys, terms };
  })();
  // A loader failure is not remembered: the whole-document path reports it, and a later call may succeed.
  facts.catch(() => entries.delete(key));
  return remember(entries, key, facts);
};

// ---- shapes -----------------------------------------------------------------------------------------------------

/** Keywords whose values hold nodes or values (and so strings to put in); any other keyword's value is shape. */
const WALKED_KEYWORDS = new Set(['@id', '@value', '@graph', '@list', '@set', '@reverse', '@included', '@nest']);

interface Shape {
  /** Everything but the strings: keys, contexts, types, other keywords' values, numbers, booleans, nulls, nesting. */
  key: string;
  /** The strings, in document order. */
  strings: string[];
}

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * The shape of `doc`, or `undefined` when it has no root `@context`, or has a nested `@context`, an index, a marker or
 * a value JSON does not have (jsonld.js would see things a shape cannot say).
 */
const shapeOf = (doc: JsonObject, facts: ContextFacts): Shape | undefined => {
  const strings: string[] = [];
  const out: string[] = [];
  const visit = (value: unknown, asShape: boolean): boolean => {
    switch (typeof value) {
      case 'string':
        if (value.includes(SLOT)) return false;
        if (asShape) {
          out.push(JSON.stringify(value));
        } else {
          strings.push(value);
          out.push('?');
        }
        return true;
      case 'number':
      case 'boolean':
        out.push(`${typeof value}:${String(value)}`);
        return true;
      case 'undefined':
        out.push('undefined');
        return true;
      case 'object': {
        if (value === null) {
          out.push('null');
          return true;
        }
        if (Array.isArray(value)) {
          out.push('[');
          for (const item of value) if (!visit(item, asShape)) return false;
          out.push(']');
          return true;
        }
        if (!isPlain(value)) return false;
        out.push('{');
        for (const [key, v] of Object.entries(value)) {
          if (key === '@context' || key === '__proto__' || facts.indexKeys.has(key) || key.includes(SLOT)) return false;
          out.push(JSON.stringify(key));
          const shapeOnly = asShape || facts.typeKeys.has(key) || (key.startsWith('@') && !WALKED_KEYWORDS.has(key));
          if (!visit(v, shapeOnly)) return false;
        }
        out.push('}');
        return true;
      }
      default:
        return false;
    }
  };
  const { '@context': context, ...rest } = doc;
  if (context === undefined) return undefined;
  out.push(JSON.stringify(context));
  return visit(rest, false) ? { key: out.join(' '), strings } : undefined;
};

/** `doc` with each string of its shape replaced by its marker, except the pinned ones (walked as in `shapeOf`). */
const skeleton = (doc: JsonObject, facts: ContextFacts, pinned: ReadonlySet<number>): JsonObject => {
  let next = 0;
  const copy = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const i = next++;
      return pinned.has(i) ? value : `${SLOT}${i}`;
    }
    if (Array.isArray(value)) return value.map(copy);
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      const shapeOnly = facts.typeKeys.has(key) || (key.startsWith('@') && !WALKED_KEYWORDS.has(key));
      out[key] = shapeOnly ? v : copy(v);
    }
    return out;
  };
  const { '@context': context, ...rest } = doc;
  return { '@context': context, ...(copy(rest) as JsonObject) };
};

// ---- templates --------------------------------------------------------------------------------------------------

/**
 * Whether jsonld.js expands `value`, wherever an IRI is expected (`@id`, `@type: @id` or `@type: @vocab` terms), to
 * itself: an absolute IRI (not a blank node) that is no term, and whose prefix is no term unless it is followed by
 * `//` (jsonld.js's `_expandIri` returns such values unchanged before looking at prefixes).
 */
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+.-]*):(\S*)$/;
const expandsToItself = (value: string, terms: ReadonlySet<string>): boolean => {
  const match = ABSOLUTE_IRI.exec(value);
  if (!match || terms.has(value)) return false;
  const [, prefix, suffix] = match as unknown as [string, string, string];
  return suffix.startsWith('//') || !terms.has(prefix);
};

interface Hole {
  quad: Quad;
  /** Which string goes into the subject or object; `undefined` leaves it as it is. */
  subject?: number;
  object?: number;
}

interface Template {
  /** The strings the template was built with, rather than markers; a document must have the same. */
  pinned: ReadonlyMap<number, string>;
  /** Quads with no marker in them, and their keys (to drop a filled quad that equals one of them). */
  fixed: readonly Quad[];
  fixedKeys: ReadonlySet<string>;
  holes: readonly Hole[];
  /** Strings that went into IRI positions: they must expand to themselves. */
  iris: readonly number[];
}

interface ShapeEntry {
  /** Strings that cannot be markers in this shape (see `buildTemplate`); only grows. */
  pinned: Set<number>;
  templates: Template[];
}

const MAX_TEMPLATES_PER_SHAPE = 16;

const shapeCache: Cache<ShapeEntry> = new WeakMap();

const termKey = (t: Term) =>
  `${t.termType}${t.value.length}:${t.value}${t.datatype ? `^${t.datatype.value.length}:${t.datatype.value}` : ''}${
    t.language !== undefined ? `@${t.language}` : ''
  }`;
const quadKey = (q: Quad) => `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)} ${termKey(q.graph)}`;

/** The string whose marker `value` is exactly, or `undefined`. */
const markerIndex = (value: string, count: number): number | undefined => {
  if (!value.startsWith(SLOT)) return undefined;
  const digits = value.slice(SLOT.length);
  const i = Number(digits);
  return /^\d+$/.test(digits) && String(i) === digits && i < count ? i : undefined;
};

/**
 * The template of a shape with the given strings pinned, or the strings that must be pinned too. A marker may only
 * stand as the whole value of a subject or object (an IRI or a literal's lexical form): anywhere else (inside an
 * IRI, as a datatype, a language, a predicate or a graph), or nowhere (a value that a datatype reformats or that does
 * not reach the RDF), its string is pinned, that is built with its own value, and templates match it exactly.
 */
const buildTemplate = async (
  doc: JsonObject,
  shape: Shape,
  facts: ContextFacts,
  pinned: ReadonlySet<number>,
  loader: DocumentLoader,
): Promise<Template | { pin: number[] }> => {
  const count = shape.strings.length;
  const dataset = await toRdf(skeleton(doc, facts, pinned), loader);
  const misplaced = new Set<number>();
  const placed = new Set<number>();
  const mentioned = (text: string) => {
    if (!text.includes(SLOT)) return false;
    for (let i = 0; i < count; i++) if (!pinned.has(i) && text.includes(`${SLOT}${i}`)) misplaced.add(i);
    return true;
  };
  const slot = (t: Term): number | undefined => {
    const i = t.termType === 'NamedNode' || t.termType === 'Literal' ? markerIndex(t.value, count) : undefined;
    if (i === undefined || pinned.has(i)) {
      mentioned(t.value);
      return undefined;
    }
    placed.add(i);
    return i;
  };
  const fixed: Quad[] = [];
  const holes: Hole[] = [];
  const iris = new Set<number>();
  for (const quad of dataset) {
    const { subject, predicate, object, graph } = quad;
    mentioned(predicate.value);
    mentioned(graph.value);
    mentioned(object.datatype?.value ?? '');
    mentioned(object.language ?? '');
    const s = slot(subject);
    const o = slot(object);
    if (s === undefined && o === undefined) {
      fixed.push(quad);
      continue;
    }
    holes.push({ quad, ...(s === undefined ? {} : { subject: s }), ...(o === undefined ? {} : { object: o }) });
    if (s !== undefined) iris.add(s);
    if (o !== undefined && object.termType === 'NamedNode') iris.add(o);
  }
  const pin = [...misplaced];
  for (let i = 0; i < count; i++) if (!pinned.has(i) && !placed.has(i)) pin.push(i);
  // Strings in IRI positions that do not expand to themselves are pinned too (e.g. a `@vocab` term's value).
  for (const i of iris) if (!expandsToItself(shape.strings[i] as string, facts.terms)) pin.push(i);
  if (pin.length > 0) return { pin: [...new Set(pin)] };
  return deepFreeze({
    pinned: new Map([...pinned].map((i) => [i, shape.strings[i] as string])),
    fixed,
    fixedKeys: new Set(fixed.map(quadKey)),
    holes,
    iris: [...iris],
  });
};

const fits = (template: Template, strings: readonly string[], terms: ReadonlySet<string>) => {
  for (const [i, value] of template.pinned) if (strings[i] !== value) return false;
  for (const i of template.iris) if (!expandsToItself(strings[i] as string, terms)) return false;
  return true;
};

/**
 * `template` with `strings` put in: the dataset jsonld.js gives for the document, in another order and with other
 * blank node labels (neither of which RDFC-1.0 output depends on). Why it is the same:
 * - the shape fixes everything that decides how jsonld.js expands: contexts, keys (property-scoped contexts), types
 *   (type-scoped contexts), other keywords' values, the nesting; strings decide nothing of it;
 * - a string in a literal position becomes the lexical form as it is (a datatype that would reformat it, such as
 *   `@json` or `xsd:double`, leaves the marker out, and the string is pinned);
 * - a string in an IRI position is checked to expand to itself, as its marker did;
 * - where strings that were distinct markers are equal, jsonld.js merges nodes of the same IRI and drops repeated
 *   values of a property: both give exactly the union of the quads, which is what dropping repeated quads gives
 *   (merging would throw only for different `@index` values, and documents with indexes have no shape).
 */
const fill = (template: Template, strings: readonly string[]): Dataset => {
  const dataset = [...template.fixed];
  const seen = new Set<string>(template.fixedKeys);
  const put = (t: Term, i: number | undefined): Term => (i === undefined ? t : { ...t, value: strings[i] as string });
  for (const { quad, subject, object } of template.holes) {
    const filled = { ...quad, subject: put(quad.subject, subject), object: put(quad.object, object) };
    const key = quadKey(filled);
    if (seen.has(key)) continue;
    seen.add(key);
    dataset.push(filled);
  }
  return dataset;
};

/** The dataset of `doc` from the template of its shape (built on first sight), or `undefined` to do it whole. */
const templateDataset = async (doc: JsonObject, loader: DocumentLoader): Promise<Dataset | undefined> => {
  const facts = await contextFacts(doc['@context'], loader);
  const shape = facts && shapeOf(doc, facts);
  if (!facts || !shape) return undefined;
  const entries = entriesOf(shapeCache, loader);
  const entry = entries.get(shape.key) ?? remember(entries, shape.key, { pinned: new Set(), templates: [] });
  let template = entry.templates.find((t) => fits(t, shape.strings, facts.terms));
  // Each round pins at least one more string, and positions do not depend on strings: two rounds in practice.
  for (let round = 0; !template && round < 4; round++) {
    // A copy: another document of this shape may pin more while this one is being expanded.
    const built = await buildTemplate(doc, shape, facts, new Set(entry.pinned), loader);
    canonizeCounters.templatesBuilt++;
    if ('pin' in built) {
      for (const i of built.pin) entry.pinned.add(i);
      continue;
    }
    if (entry.templates.length >= MAX_TEMPLATES_PER_SHAPE) entry.templates.length = 0;
    // Built with this document's strings pinned where it has pins, and its IRIs checked: it fits.
    entry.templates.push(built);
    template = built;
  }
  return template && fill(template, shape.strings);
};

// ---- entry points -------------------------------------------------------------------------------------------

/**
 * How often each path was taken in this process: documents canonicalized from a template, templates built (a
 * jsonld.js expansion each), documents canonicalized whole. For tests and the benchmark; nothing depends on them.
 */
export const canonizeCounters = { fromTemplate: 0, templatesBuilt: 0, wholeDocument: 0 };

/**
 * RDFC-1.0 canonical N-Quads of a JSON-LD document, in safe mode. With `templates`, from the template of the
 * document's shape; the result is byte for byte what canonicalizing the whole document gives.
 */
export const canonize = async (doc: object, options: CanonizeOptions = {}): Promise<string> => {
  const loader = options.documentLoader ?? offlineLoader;
  if (options.templates && isObject(doc)) {
    const dataset = await templateDataset(doc, loader).catch(() => undefined);
    // RDFC-1.0's work limit counts steps that follow blank node labels, which differ from jsonld.js's here; a graph
    // symmetric enough to reach it is left to the whole-document path, whose verdict the reference shares.
    const canonical = dataset && (await rdfc(dataset).catch(() => undefined));
    if (canonical !== undefined) {
      canonizeCounters.fromTemplate++;
      return canonical;
    }
  }
  canonizeCounters.wholeDocument++;
  return rdfc(await toRdf(doc, loader));
};

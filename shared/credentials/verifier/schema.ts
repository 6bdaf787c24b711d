import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import achievementCredentialSchema from '../schemas/achievementcredential.json' with { type: 'json' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The OB 3.0 schema in its JSON-LD form: wherever the JSON binding wants an array, a single value that would be a
 * valid item is accepted too (JSON-LD compaction writes one-element sets that way, and the spec's later "json-ld"
 * schemas allow it; 1EdTech's validator accepts `"proof": {…}`). `credentialStatus` may also be a list, as VC 2.0
 * allows (one entry for revocation and one for suspension). Everything else is the official schema, unchanged.
 */
const relax = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(relax);
  if (!isObject(node)) return node;
  const out: Json = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, relax(v)]));
  if (out.type === 'array' && isObject(out.items) && (typeof out.minItems !== 'number' || out.minItems <= 1)) {
    const single = isObject(out.contains) ? { allOf: [out.items, out.contains] } : out.items;
    return { anyOf: [single, out] };
  }
  return out;
};

const jsonLdSchema = (): Json => {
  const schema = relax(structuredClone(achievementCredentialSchema)) as Json;
  const properties = schema.properties as Json;
  const status = properties.credentialStatus;
  properties.credentialStatus = { anyOf: [status, { type: 'array', minItems: 1, items: status }] };
  return { ...schema, $id: String(schema.$id).replace(/\.json$/, '-jsonld.json') };
};

let validators: { strict: ValidateFunction; jsonLd: ValidateFunction } | undefined;

// Compiled on first use and kept: compiling costs tens of milliseconds that functions which never verify should not pay.
const compiled = () => {
  if (!validators) {
    // strict: false because the official schema uses tuple `items` with `additionalItems`, which strict mode flags.
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats.default(ajv);
    validators = { strict: ajv.compile(achievementCredentialSchema), jsonLd: ajv.compile(jsonLdSchema()) };
  }
  return validators;
};

const describe = (validate: ValidateFunction): string[] =>
  (validate.errors ?? [])
    // anyOf alternatives repeat the same complaint in two shapes; the leaf errors say what is wrong.
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'allOf')
    .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
    .filter((m, i, all) => all.indexOf(m) === i);

export interface SchemaOutcome {
  valid: boolean;
  /** The JSON binding's strict form also holds (arrays everywhere it wants them). */
  strict: boolean;
  errors: string[];
}

/** Validates against the OB 3.0 AchievementCredential schema, in its JSON-LD form (see `relax`). */
export const validateOpenBadge = (doc: unknown): SchemaOutcome => {
  const { strict, jsonLd } = compiled();
  if (strict(doc)) return { valid: true, strict: true, errors: [] };
  if (jsonLd(doc)) return { valid: true, strict: false, errors: [] };
  return { valid: false, strict: false, errors: describe(jsonLd) };
};

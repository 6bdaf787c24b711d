import { CONTEXTS } from '#shared/credentials/context-urls.ts';
import { isDateTimeStamp } from '#shared/credentials/date-time.ts';

/**
 * The VC Data Model 2.0 "MUST"s an issuer can check before signing (pure): what makes a credential well-formed,
 * independent of which vocabulary it uses. Whether every term is defined is left to safe-mode canonicalization.
 * Returns one readable problem per violation; empty when well-formed.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** A URL in the VC sense: an absolute IRI with a scheme (`https:`, `did:`, `urn:` ...). */
export const isUrl = (v: unknown): v is string =>
  typeof v === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(v) && URL.canParse(v);

const languageValue = (v: unknown) => typeof v === 'string' || (isObject(v) && typeof v['@value'] === 'string');

/** Objects each with a `type` (credentialStatus, evidence, termsOfUse, refreshService, ...). */
const typedObjects = (name: string, value: unknown, needsId = false): string[] => {
  if (value === undefined) return [];
  const items = asList(value);
  if (items.length === 0 || !items.every(isObject)) return [`${name} must be an object or a list of objects`];
  return items.flatMap((item, i) => {
    const where = Array.isArray(value) ? `${name}[${i}]` : name;
    const problems: string[] = [];
    const types = asList(item.type);
    if (item.type === undefined || !types.every((t) => typeof t === 'string' && t)) {
      problems.push(`${where}.type must be a string or a list of strings`);
    }
    if (needsId ? !isUrl(item.id) : item.id !== undefined && !isUrl(item.id)) {
      problems.push(`${where}.id must be a URL`);
    }
    return problems;
  });
};

export const credentialShapeProblems = (credential: Json): string[] => {
  const problems: string[] = [];
  const context = credential['@context'];
  if (!Array.isArray(context) || context[0] !== CONTEXTS.credentialsV2) {
    problems.push(`@context must be a list starting with ${CONTEXTS.credentialsV2}`);
  } else if (!context.every((c) => isUrl(c) || isObject(c))) {
    problems.push('@context entries must be URLs or objects');
  }

  const types = asList(credential.type);
  if (credential.type === undefined || !types.every((t) => typeof t === 'string' && t.length > 0)) {
    problems.push('type must be a string or a list of strings');
  } else if (!types.includes('VerifiableCredential')) {
    problems.push('type must include VerifiableCredential');
  }

  if (credential.id !== undefined && !isUrl(credential.id)) problems.push('id must be a single URL');

  const issuer = credential.issuer;
  if (issuer === undefined) problems.push('issuer is required');
  else if (isObject(issuer) ? !isUrl(issuer.id) : !isUrl(issuer)) {
    problems.push('issuer must be a URL or an object whose id is a URL');
  }

  const subjects = asList(credential.credentialSubject);
  if (credential.credentialSubject === undefined) problems.push('credentialSubject is required');
  else if (subjects.length === 0 || !subjects.every((s) => isObject(s) && Object.keys(s).length > 0)) {
    problems.push('credentialSubject must be a non-empty object or a list of them');
  } else if (subjects.some((s) => isObject(s) && s.id !== undefined && !isUrl(s.id))) {
    problems.push('credentialSubject.id must be a URL');
  }

  for (const field of ['validFrom', 'validUntil'] as const) {
    if (credential[field] !== undefined && !isDateTimeStamp(credential[field])) {
      problems.push(`${field} must be a dateTimeStamp (e.g. 2026-05-14T16:20:00Z)`);
    }
  }
  if (
    isDateTimeStamp(credential.validFrom) &&
    isDateTimeStamp(credential.validUntil) &&
    Date.parse(credential.validFrom) > Date.parse(credential.validUntil)
  ) {
    problems.push('validFrom must not be later than validUntil');
  }

  for (const field of ['name', 'description'] as const) {
    const value = credential[field];
    if (value !== undefined && !asList(value).every(languageValue)) {
      problems.push(`${field} must be a string or language value objects`);
    }
  }

  problems.push(
    ...typedObjects('credentialStatus', credential.credentialStatus),
    ...typedObjects('credentialSchema', credential.credentialSchema, true),
    ...typedObjects('evidence', credential.evidence),
    ...typedObjects('termsOfUse', credential.termsOfUse),
    ...typedObjects('refreshService', credential.refreshService),
    ...typedObjects('renderMethod', credential.renderMethod),
  );
  if (credential.proof !== undefined) problems.push('the credential already has a proof; send it unsecured');
  return problems;
};

/** The issuer id a credential names (its `issuer`, or `issuer.id`). */
export const issuerIdOf = (credential: Json): string | undefined => {
  const issuer = isObject(credential.issuer) ? credential.issuer.id : credential.issuer;
  return typeof issuer === 'string' ? issuer : undefined;
};

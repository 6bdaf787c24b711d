import { CONTEXTS } from '../context-urls.ts';
import { isDateTimeStamp } from '../date-time.ts';
import { validateOpenBadge } from './schema.ts';
import type { Check } from './types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const typesOf = (v: unknown): unknown[] => (isObject(v) ? asList(v.type) : []);

const OB_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.(\d)\.(\d+))?\.json$/;
const CURRENT_OB_CONTEXT = CONTEXTS.ob303;

export const pass = (name: Check['name'], message?: string): Check => ({
  name,
  ok: true,
  ...(message ? { message } : {}),
});
export const warn = (name: Check['name'], message: string): Check => ({ name, ok: true, message, warning: true });
export const fail = (name: Check['name'], message: string): Check => ({ name, ok: false, message });

/** VC Data Model 1.1 (`https://www.w3.org/2018/credentials/v1`) rather than 2.0. */
export const isVc11 = (doc: Json): boolean => asList(doc['@context'])[0] === CONTEXTS.credentialsV1;

export const checkContext = (doc: Json): Check => {
  const contexts = asList(doc['@context']);
  if (contexts.length === 0) return fail('context', '@context is missing');
  const first = contexts[0];
  if (first !== CONTEXTS.credentialsV2 && first !== CONTEXTS.credentialsV1) {
    return fail('context', `@context must start with ${CONTEXTS.credentialsV2}`);
  }
  const ob = contexts.find((c) => typeof c === 'string' && OB_CONTEXT.test(c)) as string | undefined;
  if (!ob) return fail('context', '@context must include an Open Badges 3.0 context (…/ob/v3p0/context-3.0.x.json)');
  const caveats = [
    first === CONTEXTS.credentialsV1 ? 'a VC Data Model 1.1 credential (legacy; OB 3.0 now uses VC 2.0)' : undefined,
    ob !== CURRENT_OB_CONTEXT
      ? `an older Open Badges context (${ob.split('/').at(-1)}; current is context-3.0.3.json)`
      : undefined,
  ].filter((c) => c !== undefined);
  return caveats.length ? warn('context', caveats.join('; ')) : pass('context');
};

export const checkType = (doc: Json): Check => {
  const types = asList(doc.type);
  const problems = [
    types.includes('VerifiableCredential') ? undefined : 'type must include VerifiableCredential',
    types.includes('OpenBadgeCredential') || types.includes('AchievementCredential')
      ? undefined
      : 'type must include OpenBadgeCredential or AchievementCredential',
  ].filter((p) => p !== undefined);
  return problems.length ? fail('type', problems.join('; ')) : pass('type');
};

/**
 * The document the OB 3.0 schema can judge: a VC 1.1 credential is read as its VC 2.0 equivalent (the 1.1 context
 * and date names mapped), since the "any…" schemas for 1.1 are not published where a verifier could bundle them.
 */
const schemaView = (doc: Json): Json => {
  if (!isVc11(doc)) return doc;
  const { issuanceDate, expirationDate, ...rest } = doc;
  return {
    ...rest,
    '@context': [CONTEXTS.credentialsV2, ...asList(doc['@context']).slice(1)],
    ...(issuanceDate !== undefined ? { validFrom: issuanceDate } : {}),
    ...(expirationDate !== undefined ? { validUntil: expirationDate } : {}),
  };
};

export const checkSchema = (doc: Json): Check => {
  const { valid, strict, errors } = validateOpenBadge(schemaView(doc));
  if (!valid) return fail('schema', errors.slice(0, 5).join('; ') + (errors.length > 5 ? '; …' : ''));
  const notes = [
    isVc11(doc) ? 'read as its VC 2.0 equivalent' : undefined,
    strict ? undefined : 'valid in the JSON-LD form (single values where the JSON binding wants arrays)',
  ].filter((n) => n !== undefined);
  return pass('schema', notes.join('; ') || undefined);
};

/** `what` must be an object whose `type` includes `expected`. */
const typed = (what: string, value: unknown, expected: string): string | undefined =>
  value === undefined || typesOf(value).includes(expected)
    ? undefined
    : `${what} must have type ${expected}${isObject(value) ? ` (has ${JSON.stringify(value.type ?? null)})` : ''}`;

const eachTyped = (what: string, values: unknown, expected: string): string[] =>
  asList(values)
    .map((v, i) => typed(`${what}[${i}]`, v, expected))
    .filter((p) => p !== undefined);

const URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** The issuer profile: present, with a URI id, typed Profile (and so are its parent org and other identifiers). */
export const checkIssuer = (doc: Json): Check => {
  const issuer = doc.issuer;
  if (issuer === undefined) return fail('issuer', 'the credential names no issuer');
  const id = isObject(issuer) ? issuer.id : issuer;
  if (typeof id !== 'string' || !URI.test(id)) return fail('issuer', 'the issuer has no id (a URI)');
  if (!isObject(issuer)) return pass('issuer');
  const problems = [
    typed('issuer', issuer, 'Profile'),
    isObject(issuer.parentOrg) ? typed('issuer.parentOrg', issuer.parentOrg, 'Profile') : undefined,
    ...eachTyped('issuer.otherIdentifier', issuer.otherIdentifier, 'IdentifierEntry'),
  ].filter((p) => p !== undefined);
  return problems.length ? fail('issuer', problems.join('; ')) : pass('issuer');
};

/** The subject and what hangs off it, typed as OB 3.0 defines them. */
export const checkSubject = (doc: Json): Check => {
  const subjects = asList(doc.credentialSubject);
  if (subjects.length === 0 || !subjects.every(isObject)) return fail('subject', 'credentialSubject must be an object');
  const problems = subjects.flatMap((subject, n) => {
    const at = subjects.length > 1 ? `credentialSubject[${n}]` : 'credentialSubject';
    const achievement = subject.achievement;
    return [
      typed(at, subject, 'AchievementSubject'),
      subject.id === undefined && asList(subject.identifier).length === 0
        ? `${at} needs an id or an identifier`
        : undefined,
      ...eachTyped(`${at}.identifier`, subject.identifier, 'IdentityObject'),
      ...eachTyped(`${at}.result`, subject.result, 'Result'),
      isObject(subject.source) ? typed(`${at}.source`, subject.source, 'Profile') : undefined,
      achievement === undefined ? `${at} has no achievement` : typed(`${at}.achievement`, achievement, 'Achievement'),
      ...(isObject(achievement)
        ? [
            isObject(achievement.creator)
              ? typed(`${at}.achievement.creator`, achievement.creator, 'Profile')
              : undefined,
            ...eachTyped(`${at}.achievement.alignment`, achievement.alignment, 'Alignment'),
            ...eachTyped(`${at}.achievement.resultDescription`, achievement.resultDescription, 'ResultDescription'),
            ...asList(achievement.resultDescription).flatMap((rd, i) =>
              isObject(rd)
                ? eachTyped(
                    `${at}.achievement.resultDescription[${i}].rubricCriterionLevel`,
                    rd.rubricCriterionLevel,
                    'RubricCriterionLevel',
                  )
                : [],
            ),
          ]
        : []),
    ].filter((p) => p !== undefined);
  });
  return problems.length ? fail('subject', problems.join('; ')) : pass('subject');
};

export const checkEvidence = (doc: Json): Check => {
  const problems = eachTyped('evidence', doc.evidence, 'Evidence');
  return problems.length ? fail('evidence', problems.join('; ')) : pass('evidence');
};

/** The start of validity: `validFrom` (VC 2.0), or `issuanceDate` for a VC 1.1 credential. */
const validFromOf = (doc: Json) => (isVc11(doc) ? doc.issuanceDate : doc.validFrom);
const validUntilOf = (doc: Json) => (isVc11(doc) ? doc.expirationDate : doc.validUntil);

export const checkIssuance = (doc: Json, now: Date): Check => {
  const from = validFromOf(doc);
  const field = isVc11(doc) ? 'issuanceDate' : 'validFrom';
  if (from === undefined) return isVc11(doc) ? fail('issuance', 'issuanceDate is missing') : pass('issuance');
  if (!isDateTimeStamp(from)) return fail('issuance', `${field} is not a date-time with a time zone`);
  return now.getTime() < Date.parse(from) ? fail('issuance', `not valid before ${from}`) : pass('issuance');
};

export const checkExpiration = (doc: Json, now: Date): Check => {
  const until = validUntilOf(doc);
  if (until === undefined) return pass('expiration');
  const field = isVc11(doc) ? 'expirationDate' : 'validUntil';
  if (!isDateTimeStamp(until)) return fail('expiration', `${field} is not a date-time with a time zone`);
  return now.getTime() >= Date.parse(until) ? fail('expiration', `expired at ${until}`) : pass('expiration');
};

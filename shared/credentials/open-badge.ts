import { createHash, randomBytes } from 'node:crypto';
import { PermanentError } from '#shared/runtime/errors.ts';
import { type Achievement, ALIGNMENT_TARGET_TYPES, type Issuer } from '#shared/tables/app-table.ts';
import { CONTEXTS } from './context-urls.ts';
import { isDateTimeStamp } from './date-time.ts';

/**
 * The URL credentials name in `credentialSchema`: the one the OB 3.0 spec publishes (the schema file's own `$id`
 * differs; see schemas/README.md). Kept here, not in schema.ts, so building a credential never loads ajv.
 */
export const ACHIEVEMENT_CREDENTIAL_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/** AchievementType, an extensible vocabulary: these values or `ext:<name>`. */
export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'ApprenticeshipCertificate',
  'Assessment',
  'Assignment',
  'AssociateDegree',
  'Award',
  'Badge',
  'BachelorDegree',
  'Certificate',
  'CertificateOfCompletion',
  'Certification',
  'CommunityService',
  'Competency',
  'Course',
  'CoCurricular',
  'Degree',
  'Diploma',
  'DoctoralDegree',
  'Fieldwork',
  'GeneralEducationDevelopment',
  'JourneymanCertificate',
  'LearningProgram',
  'License',
  'Membership',
  'ProfessionalDoctorate',
  'QualityAssuranceCredential',
  'MasterCertificate',
  'MasterDegree',
  'MicroCredential',
  'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;

/** True for a value OB 3.0 accepts as `achievementType`; admin input should be checked with it. */
export const isAchievementType = (value: string): boolean =>
  (ACHIEVEMENT_TYPES as readonly string[]).includes(value) || /^ext:[A-Za-z0-9._-]+$/.test(value);

/** OB 3.0 issuer Profile, embedded in every credential and served at `/issuers/{slug}` (an alias: JSON-assignable). */
export type Profile = {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  email?: string;
  description?: string;
  image?: { id: string; type: 'Image' };
};

/** The learner's outcome as the AchievementEarned event states it. */
export interface ActivityResult {
  score?: number;
  grade?: string;
  status?: string;
}

export interface EvidenceInput {
  url?: string;
  name?: string;
  narrative?: string;
}

export interface OpenBadgeInput {
  issuer: Issuer;
  achievement: Achievement;
  /** Credential id, for the record; the document's `id` is `credentialUrl`. */
  credentialId: string;
  /** Public URL of the credential (`/credentials/{id}`): the document's `id`. */
  credentialUrl: string;
  /** The issuer's did:web (or did:key in tests). */
  issuerDid: string;
  /**
   * URI of the achievement. Defaults to `<base>/issuers/<issuerSlug>/achievements/<achievementId>`, where the base
   * is the one `credentialUrl` lives under, so every credential of one achievement names the same achievement.
   */
  achievementUrl?: string;
  /** Hashed (with `salt`) into `identifier`; never written in clear. */
  recipientEmail: string;
  salt: string;
  /** A DID the learner proved control of (a holder-bound copy); `credentialSubject.id` when given. */
  recipientDid?: string;
  /** XML Schema dateTimeStamps, e.g. from `toDateTimeStamp`. */
  validFrom: string;
  validUntil?: string;
  evidence?: EvidenceInput[];
  result?: ActivityResult;
  /** `BitstringStatusListEntry` (or entries), from `credentialStatusOf` in status-list.ts. */
  credentialStatus?: JsonLd | JsonLd[];
}

export type JsonLd = Record<string, unknown>;

/** An unsigned OpenBadgeCredential, as `buildOpenBadgeCredential` makes it. */
export interface OpenBadgeCredential extends JsonLd {
  '@context': string[];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  issuer: Profile;
  name: string;
  validFrom: string;
  validUntil?: string;
  credentialSubject: JsonLd;
  evidence?: JsonLd[];
  credentialStatus?: JsonLd | JsonLd[];
  credentialSchema: { id: string; type: '1EdTechJsonSchemaValidator2019' }[];
}

/** Lowercased and trimmed, so the same inbox always hashes the same way whatever the producer's casing. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * OB 3.0 IdentityHash of an email: `sha256$` + hex(SHA-256(normalized email + salt)). A verifier who knows the
 * learner's address can recompute it with the salt from the credential; nobody can read the address from it.
 */
export const hashIdentity = (email: string, salt: string): string =>
  `sha256$${createHash('sha256')
    .update(normalizeEmail(email) + salt, 'utf8')
    .digest('hex')}`;

/** A fresh salt for `hashIdentity`: 128 random bits, hex, so equal emails in two credentials do not link them. */
export const newSalt = (): string => randomBytes(16).toString('hex');

/** The issuer's OB 3.0 Profile, identified by its DID. */
export const issuerProfile = (issuer: Issuer, did: string): Profile => ({
  id: did,
  type: ['Profile'],
  name: issuer.name,
  url: issuer.url,
  ...(issuer.email ? { email: issuer.email } : {}),
  ...(issuer.description ? { description: issuer.description } : {}),
  ...(issuer.image ? { image: { id: issuer.image, type: 'Image' } } : {}),
});

/** `<base>/issuers/<slug>/achievements/<id>`, with `<base>` taken from the credential's `/credentials/{id}` URL. */
const defaultAchievementUrl = (credentialUrl: string, issuerSlug: string, achievementId: string) =>
  new URL(
    `../issuers/${encodeURIComponent(issuerSlug)}/achievements/${encodeURIComponent(achievementId)}`,
    credentialUrl,
  ).href;

/** ResultStatusType is a closed vocabulary; only statuses that clearly mean one of its values are carried over. */
const RESULT_STATUS: Readonly<Record<string, string>> = {
  completed: 'Completed',
  complete: 'Completed',
  passed: 'Completed',
  pass: 'Completed',
  enrolled: 'Enrolled',
  failed: 'Failed',
  fail: 'Failed',
  inprogress: 'InProgress',
  onhold: 'OnHold',
  provisional: 'Provisional',
  withdrew: 'Withdrew',
  withdrawn: 'Withdrew',
};

/** The OB ResultStatusType for a producer's status, or undefined when it has no clear equivalent. */
export const resultStatus = (status: string): string | undefined =>
  RESULT_STATUS[status.toLowerCase().replace(/[\s_-]+/g, '')];

/**
 * OB 3.0 models an outcome as a `Result` in the subject that points (`resultDescription`) at a `ResultDescription`
 * in the achievement saying what the value means. Each part of the event's result becomes such a pair; a status with
 * no ResultStatusType equivalent is left out, since OB allows no other value.
 */
const resultParts = (achievementId: string, result: ActivityResult | undefined) => {
  const descriptions: JsonLd[] = [];
  const results: JsonLd[] = [];
  const add = (key: string, name: string, resultType: string, value: JsonLd) => {
    const id = `${achievementId}#result-${key}`;
    descriptions.push({ id, type: ['ResultDescription'], name, resultType });
    results.push({ type: ['Result'], resultDescription: id, ...value });
  };
  if (result?.score !== undefined) add('score', 'Score', 'RawScore', { value: String(result.score) });
  if (result?.grade !== undefined) add('grade', 'Grade', 'LetterGrade', { value: result.grade });
  const status = result?.status === undefined ? undefined : resultStatus(result.status);
  if (status) add('status', 'Status', 'Status', { status });
  return { descriptions, results };
};

const evidenceOf = (items: EvidenceInput[] | undefined): JsonLd[] =>
  (items ?? [])
    .filter((e) => e.url || e.name || e.narrative)
    .map((e) => ({
      ...(e.url ? { id: e.url } : {}),
      type: ['Evidence'],
      ...(e.name ? { name: e.name } : {}),
      ...(e.narrative ? { narrative: e.narrative } : {}),
    }));

/**
 * The OB 3.0 Achievement as the catalog defines it, identified by `id`: embedded in every credential and served on
 * its own at `/issuers/{slug}/achievements/{id}` so the id dereferences.
 */
export const achievementDocument = (achievement: Achievement, id: string): JsonLd => ({
  id,
  type: ['Achievement'],
  name: achievement.name,
  description: achievement.description,
  criteria: {
    ...(achievement.criteria.id ? { id: achievement.criteria.id } : {}),
    ...(achievement.criteria.narrative ? { narrative: achievement.criteria.narrative } : {}),
  },
  ...(achievement.image ? { image: { id: achievement.image, type: 'Image' } } : {}),
  ...(achievement.achievementType ? { achievementType: achievement.achievementType } : {}),
  ...(achievement.alignments?.length ? { alignment: achievement.alignments.map(alignmentDocument) } : {}),
  ...(achievement.tags?.length ? { tag: [...achievement.tags] } : {}),
  ...(achievement.creditsAvailable !== undefined ? { creditsAvailable: achievement.creditsAvailable } : {}),
  ...(achievement.fieldOfStudy ? { fieldOfStudy: achievement.fieldOfStudy } : {}),
  // OB `version` is a string; credentials keep the version they were issued under.
  ...(achievement.version !== undefined ? { version: String(achievement.version) } : {}),
});

/** An OB 3.0 Alignment (type, then the target's fields as given). */
const alignmentDocument = (a: NonNullable<Achievement['alignments']>[number]): JsonLd => ({
  type: ['Alignment'],
  targetName: a.targetName,
  targetUrl: a.targetUrl,
  ...(a.targetDescription ? { targetDescription: a.targetDescription } : {}),
  ...(a.targetFramework ? { targetFramework: a.targetFramework } : {}),
  ...(a.targetCode ? { targetCode: a.targetCode } : {}),
  ...(a.targetType ? { targetType: a.targetType } : {}),
});

/** True for an OB 3.0 AlignmentTargetType: the vocabulary or `ext:<name>`. */
export const isAlignmentTargetType = (value: string): boolean =>
  (ALIGNMENT_TARGET_TYPES as readonly string[]).includes(value) || /^ext:[A-Za-z0-9._-]+$/.test(value);

/**
 * Builds the unsigned OB 3.0 OpenBadgeCredential (VC Data Model 2.0, JSON binding: `type`, `credentialSchema` and,
 * once signed, `proof` as arrays). Pure: same input, same document. The learner appears only as a salted hash.
 *
 * `@context` carries `extensions.json` because `credentialSchema` uses the 1EdTech type
 * `1EdTechJsonSchemaValidator2019`, which neither the VC nor the OB context defines; safe-mode canonicalization
 * rejects an undefined type, and 1EdTech's validator expects this context for it.
 */
export const buildOpenBadgeCredential = (input: OpenBadgeInput): OpenBadgeCredential => {
  const { issuer, achievement } = input;
  const invalid = (message: string) => new PermanentError('CREDENTIAL.INVALID_INPUT', message, { expose: false });
  if (!isDateTimeStamp(input.validFrom)) throw invalid(`validFrom must be a dateTimeStamp: ${input.validFrom}`);
  if (input.validUntil !== undefined && !isDateTimeStamp(input.validUntil)) {
    throw invalid(`validUntil must be a dateTimeStamp: ${input.validUntil}`);
  }
  if (input.validUntil !== undefined && Date.parse(input.validUntil) <= Date.parse(input.validFrom)) {
    throw invalid('validUntil must be after validFrom');
  }
  // The schema would reject the credential anyway; failing here says which field of the achievement is wrong.
  if (achievement.achievementType !== undefined && !isAchievementType(achievement.achievementType)) {
    throw invalid(`achievementType ${achievement.achievementType} is not an OB 3.0 AchievementType (or ext:<name>)`);
  }

  const achievementId = input.achievementUrl ?? defaultAchievementUrl(input.credentialUrl, issuer.slug, achievement.id);
  const { descriptions, results } = resultParts(achievementId, input.result);
  const evidence = evidenceOf(input.evidence);

  return {
    '@context': [CONTEXTS.credentialsV2, CONTEXTS.ob303, CONTEXTS.obExtensions],
    id: input.credentialUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: issuerProfile(issuer, input.issuerDid),
    name: achievement.name,
    validFrom: input.validFrom,
    ...(input.validUntil ? { validUntil: input.validUntil } : {}),
    credentialSubject: {
      ...(input.recipientDid ? { id: input.recipientDid } : {}),
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityHash: hashIdentity(input.recipientEmail, input.salt),
          identityType: 'emailAddress',
          hashed: true,
          salt: input.salt,
        },
      ],
      achievement: {
        ...achievementDocument(achievement, achievementId),
        ...(descriptions.length ? { resultDescription: descriptions } : {}),
      },
      ...(results.length ? { result: results } : {}),
    },
    ...(evidence.length ? { evidence } : {}),
    ...(input.credentialStatus ? { credentialStatus: input.credentialStatus } : {}),
    credentialSchema: [{ id: ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' }],
  };
};

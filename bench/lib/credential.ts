import { createPrivateKey, type KeyObject } from 'node:crypto';
import { didWebFor } from '#shared/credentials/did-web.ts';
import { buildOpenBadgeCredential, type OpenBadgeCredential } from '#shared/credentials/open-badge.ts';
import { credentialStatusOf } from '#shared/credentials/status-list.ts';
import { urls } from '#shared/routes/manifest.ts';
import type { Achievement, Issuer } from '#shared/tables/app-table.ts';

export const BENCH_BASE_URL = 'https://badges.demo.example';
export const BENCH_ISSUER_DID = didWebFor(BENCH_BASE_URL, 'demo');
export const BENCH_VERIFICATION_METHOD = `${BENCH_ISSUER_DID}#key-1`;

/** A fixed seed, so every run signs with the same key (it signs nothing but benchmark documents). */
export const BENCH_KEY_SEED = Buffer.from('4c617572656c2062656e63686d61726b206b6579202d206e6f74207365637265', 'hex');

/** RFC 8410 PKCS#8 wrapper for a 32-byte Ed25519 seed. */
export const privateKeyFromSeed = (seed: Uint8Array): KeyObject =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });

const issuer: Issuer = {
  slug: 'demo',
  name: 'Demo University',
  url: 'https://www.demo.example',
  email: 'badges@demo.example',
  description: 'A university that exists for demonstrations.',
  image: 'https://www.demo.example/logo.png',
  keyRef: 'local:bench',
  keyFragment: 'key-1',
  publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
};

const achievement: Achievement = {
  id: 'cs101',
  issuerSlug: 'demo',
  name: 'Introduction to Computer Science',
  description: 'Awarded for completing CS101: programming fundamentals, algorithms and data structures.',
  criteria: { narrative: 'Complete every module and score at least 70 in the final assessment.' },
  image: 'https://www.demo.example/badges/cs101.png',
  achievementType: 'Course',
  status: 'published',
  validForDays: 365,
  tags: ['programming', 'algorithms'],
  creditsAvailable: 4,
  fieldOfStudy: 'Computer Science',
  // Two competency alignments, as a catalog that maps its courses to a framework carries.
  alignments: [
    {
      targetName: 'Computational thinking',
      targetDescription: 'Decompose problems and express solutions as algorithms.',
      targetUrl: 'https://frameworks.demo.example/cs/computational-thinking',
      targetFramework: 'Demo Computing Competencies',
      targetCode: 'CT-1',
      targetType: 'ceasn:Competency',
    },
    {
      targetName: 'Data structures',
      targetUrl: 'https://frameworks.demo.example/cs/data-structures',
      targetFramework: 'Demo Computing Competencies',
      targetCode: 'DS-2',
      targetType: 'ceasn:Competency',
    },
  ],
};

/** Revocation and suspension entries at an index that differs per credential, as random allocation gives. */
const statusOf = (n: number) => {
  const index = (n * 7919 + 12_345) % 131_072;
  return credentialStatusOf(
    [
      { purpose: 'revocation', listId: '5f0c7a4e-0d5b-4f7e-9a8e-0a1b2c3d4e5f', index },
      { purpose: 'suspension', listId: '9e8d7c6b-5a49-4382-9a1b-2c3d4e5f6071', index },
    ],
    (listId) => `${BENCH_BASE_URL}/status/${listId}`,
  );
};

/**
 * The n-th benchmark credential, from Laurel's own OB 3.0 builder: issuer profile, achievement with alignments and
 * result descriptions, hashed identifier, evidence, results, Bitstring Status List entries, credentialSchema.
 * Credentials differ as issued ones do: id, salt, learner, evidence, score, status index.
 */
export const benchCredential = (n = 0): OpenBadgeCredential => {
  const credentialId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const credentialUrl = urls(BENCH_BASE_URL).credential(credentialId);
  return buildOpenBadgeCredential({
    issuer,
    achievement,
    credentialId,
    credentialUrl,
    issuerDid: BENCH_ISSUER_DID,
    recipientEmail: `learner-${n}@demo.example`,
    salt: (n + 0xc0ffee).toString(16).padStart(32, '0'),
    validFrom: '2026-05-14T16:20:00Z',
    validUntil: '2027-05-14T16:20:00Z',
    evidence: [
      { url: `https://lms.demo.example/portfolio/${n}`, name: 'Final project', narrative: 'A working parser.' },
      { url: `https://lms.demo.example/submissions/${n}/exam`, name: 'Final exam' },
    ],
    result: { score: 70 + (n % 30), grade: 'A', status: 'passed' },
    credentialStatus: statusOf(n),
  });
};

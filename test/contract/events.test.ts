import { describe, expect, it } from 'vitest';
import { matches } from '#infra/local/event-pattern.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { ClaimEmailBouncedV1 } from '#shared/events/claim-email-bounced.v1.ts';
import { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import { SesEmailProblem } from '#shared/events/ses-email-problem.ts';
import { functions } from '#shared/routes/manifest.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';

const issued = {
  version: 1,
  credentialId: '7f0c1c9e-2f0a-4c59-9a57-0b7d9a3f1a11',
  credentialUrl: 'https://badges.example.edu/credentials/7f0c1c9e-2f0a-4c59-9a57-0b7d9a3f1a11',
  issuerSlug: 'demo',
  achievementId: 'intro-to-cs',
  ruleId: 'cs101-completed',
  sourceEventId: 'evt-1',
  issuedAt: '2026-05-14T16:20:05Z',
};

describe('AchievementEarned v1', () => {
  it('routes from any institution source and parses its fixture', () => {
    for (const source of ['demo.lms', 'edu.example.sis']) {
      const event = AchievementEarnedV1.wrap(achievementEarned(), source);
      expect(matches(AchievementEarnedV1.pattern, event)).toBe(true);
      expect(AchievementEarnedV1.envelope.safeParse(event).success).toBe(true);
    }
  });

  it('does not route near misses', () => {
    const event = AchievementEarnedV1.wrap(achievementEarned(), 'demo.lms');
    for (const detailType of ['achievementearned', 'AchievementEarned ', 'AchievementEarnedV2', 'CredentialIssued'])
      expect(matches(AchievementEarnedV1.pattern, { ...event, 'detail-type': detailType })).toBe(false);
  });

  it('parses DESIGN.md example verbatim, and the minimal form with only the required fields', () => {
    const design = {
      version: 1,
      eventId: 'producer-generated-unique',
      occurredAt: '2026-05-14T16:20:00Z',
      learner: { email: 'ada@example.edu', name: 'Ada Lovelace', externalId: 'S1234' },
      activity: {
        kind: 'course-completed',
        externalId: 'CS101',
        name: 'Introduction to Computer Science',
        result: { score: 92, grade: 'A', status: 'passed' },
      },
      evidence: [{ url: 'https://lms.example.edu/portfolio/42', name: 'Final project', narrative: '...' }],
    };
    expect(AchievementEarnedV1.detail.parse(design)).toEqual(design);
    const minimal = {
      version: 1,
      eventId: 'e-1',
      occurredAt: '2026-05-14T16:20:00+02:00',
      learner: { email: 'ada@example.edu' },
      activity: { kind: 'assessment-passed', externalId: 'QUIZ-7' },
    };
    expect(AchievementEarnedV1.detail.safeParse(minimal).success).toBe(true);
  });

  it('builds a PutEvents entry only from a valid detail', () => {
    expect(AchievementEarnedV1.toEntry(achievementEarned({ eventId: 'e-2' }), 'demo.lms')).toMatchObject({
      Source: 'demo.lms',
      DetailType: 'AchievementEarned',
    });
    expect(() => AchievementEarnedV1.toEntry({ ...achievementEarned(), eventId: '' }, 'demo.lms')).toThrow();
    expect(() => AchievementEarnedV1.toEntry(achievementEarned())).toThrow(/needs a source/);
  });
});

describe('CredentialIssued v1', () => {
  it('routes only Laurel’s own event and parses its fixture', () => {
    const event = CredentialIssuedV1.wrap(issued);
    expect(event.source).toBe('laurel');
    expect(matches(CredentialIssuedV1.pattern, event)).toBe(true);
    expect(CredentialIssuedV1.envelope.safeParse(event).success).toBe(true);
    expect(matches(CredentialIssuedV1.pattern, { ...event, source: 'demo.lms' })).toBe(false);
    expect(matches(CredentialIssuedV1.pattern, { ...event, 'detail-type': 'CredentialRevoked' })).toBe(false);
  });

  it('carries no personal data', () => {
    expect(Object.keys(CredentialIssuedV1.detail.shape).sort()).toEqual(Object.keys(issued).sort());
    expect(CredentialIssuedV1.detail.safeParse({ ...issued, recipientEmail: 'ada@example.edu' }).success).toBe(false);
  });
});

describe('the manifest', () => {
  it('routes each contract to exactly one consumer', () => {
    const consumers = Object.values(functions).flatMap((f) =>
      'consumes' in f ? f.consumes.map((c) => c.detailType) : [],
    );
    expect(consumers.sort()).toEqual(['AchievementEarned', 'CredentialIssued', 'DryRunAwardPromoted', 'Email Bounced']);
  });
});

describe('AchievementEarned v1, learner locale', () => {
  it('accepts an optional BCP 47 locale (a compatible addition) and rejects anything else there', () => {
    const withLocale = (locale: unknown) =>
      AchievementEarnedV1.detail.safeParse({ ...achievementEarned(), learner: { email: 'ada@example.edu', locale } })
        .success;
    expect(withLocale('es')).toBe(true);
    expect(withLocale('fr-CA')).toBe(true);
    expect(withLocale('zh-Hant-TW')).toBe(true);
    expect(withLocale('<script>')).toBe(false);
    expect(withLocale('es_ES')).toBe(false);
    expect(withLocale('')).toBe(false);
    // Events without it are unchanged.
    expect(AchievementEarnedV1.detail.safeParse(achievementEarned()).success).toBe(true);
  });
});

describe('SES bounce and complaint events', () => {
  const ses = (detailType: string, source = 'aws.ses') => ({
    ...SesEmailProblem.wrap(
      {
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent' },
        mail: { messageId: 'm', tags: { credentialId: ['c'] } },
      },
      source,
    ),
    'detail-type': detailType,
    source,
  });

  it('routes both detail-types from aws.ses, and parses SES’s shape', () => {
    for (const type of ['Email Bounced', 'Email Complaint Received'])
      expect(matches(SesEmailProblem.pattern, ses(type))).toBe(true);
    expect(SesEmailProblem.envelope.safeParse(ses('Email Bounced')).success).toBe(true);
  });

  it('does not route deliveries, other sources or producers pretending', () => {
    expect(matches(SesEmailProblem.pattern, ses('Email Delivered'))).toBe(false);
    expect(matches(SesEmailProblem.pattern, ses('Email Bounced', 'demo.lms'))).toBe(false);
  });

  it('is consumed from the default bus, where SES publishes', () => {
    const consumers = Object.values(functions).filter(
      (f) => 'consumes' in f && f.consumes.some((c) => c === SesEmailProblem),
    );
    expect(consumers).toHaveLength(1);
    expect(consumers[0]).toMatchObject({
      bus: 'default',
    });
  });
});

describe('ClaimEmailBounced v1', () => {
  const bounced = {
    version: 1,
    credentialId: '7f0c1c9e-2f0a-4c59-9a57-0b7d9a3f1a11',
    issuerSlug: 'demo',
    achievementId: 'intro-to-cs',
    kind: 'bounce',
    subType: 'General',
    occurredAt: '2026-05-14T16:20:05Z',
  };

  it('is Laurel’s own event and parses its fixture', () => {
    const event = ClaimEmailBouncedV1.wrap(bounced);
    expect(event.source).toBe('laurel');
    expect(matches(ClaimEmailBouncedV1.pattern, event)).toBe(true);
    expect(ClaimEmailBouncedV1.envelope.safeParse(event).success).toBe(true);
  });

  it('carries no personal data', () => {
    expect(Object.keys(ClaimEmailBouncedV1.detail.shape).sort()).toEqual(Object.keys(bounced).sort());
    expect(ClaimEmailBouncedV1.detail.safeParse({ ...bounced, recipientEmail: 'ada@example.edu' }).success).toBe(false);
    expect(
      ClaimEmailBouncedV1.detail.safeParse({ ...bounced, diagnosticCode: '550 ada@example.edu unknown' }).success,
    ).toBe(false);
  });
});

import type { AchievementEarnedV1 } from '../events/achievement-earned.v1.ts';
import type { Achievement, Issuer, Rule } from '../tables/app-table.ts';

/** A valid `AchievementEarned` v1 detail (DESIGN.md's example), with overrides. */
export const achievementEarned = (overrides: Partial<AchievementEarnedV1> = {}): AchievementEarnedV1 => ({
  version: 1,
  eventId: `evt-${Math.random().toString(36).slice(2)}`,
  occurredAt: '2026-05-14T16:20:00Z',
  learner: { email: 'ada@example.edu', name: 'Ada Lovelace', externalId: 'S1234' },
  activity: {
    kind: 'course-completed',
    externalId: 'CS101',
    name: 'Introduction to Computer Science',
    result: { score: 92, grade: 'A', status: 'passed' },
  },
  evidence: [{ url: 'https://lms.example.edu/portfolio/42', name: 'Final project', narrative: 'A working compiler.' }],
  ...overrides,
});

export const demoIssuer = (overrides: Partial<Issuer> = {}): Issuer => ({
  slug: 'demo',
  name: 'Demo University',
  url: 'https://badges.example.edu',
  email: 'badges@example.edu',
  keyRef: 'local:demo',
  keyFragment: 'key-1',
  publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  ...overrides,
});

export const demoAchievement = (overrides: Partial<Achievement> = {}): Achievement => ({
  id: 'intro-to-cs',
  issuerSlug: 'demo',
  name: 'Introduction to Computer Science',
  description: 'Completed CS101: programming fundamentals, algorithms and data structures.',
  criteria: { narrative: 'Pass CS101 with a score of at least 70.' },
  achievementType: 'Course',
  status: 'published',
  ...overrides,
});

export const demoRule = (overrides: Partial<Rule> = {}): Rule => ({
  id: 'cs101-completed',
  achievementId: 'intro-to-cs',
  source: 'demo.lms',
  kind: 'course-completed',
  externalId: 'CS101',
  conditions: { minScore: 70 },
  mode: 'live',
  ...overrides,
});

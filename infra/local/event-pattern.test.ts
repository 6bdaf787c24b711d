import { describe, expect, it } from 'vitest';
import { AchievementEarnedV1, CredentialIssuedV1 } from '#shared/events/index.ts';
import { assertSupported, matches } from './event-pattern.ts';

const envelope = (over: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'x',
  'detail-type': 'AchievementEarned',
  source: 'demo.lms',
  account: '000000000000',
  time: '2026-05-14T16:20:00Z',
  region: 'us-east-1',
  resources: ['arn:a', 'arn:b'],
  detail: { version: 1, activity: { kind: 'course-completed' } },
  ...over,
});

describe('matches', () => {
  it('matches a contract pattern against its own wrapped event', () => {
    // Prepare
    const event = AchievementEarnedV1.wrap({ version: 1 }, 'demo.lms');

    // Act & Assess
    expect(matches(AchievementEarnedV1.pattern, event)).toBe(true);
    expect(matches(CredentialIssuedV1.pattern, CredentialIssuedV1.wrap({ version: 1 }))).toBe(true);
  });

  it('rejects near misses: other detail-type, other source, wrong case', () => {
    expect(matches(AchievementEarnedV1.pattern, envelope({ 'detail-type': 'CredentialIssued' }))).toBe(false);
    expect(matches(AchievementEarnedV1.pattern, envelope({ 'detail-type': 'achievementearned' }))).toBe(false);
    expect(
      matches(CredentialIssuedV1.pattern, envelope({ 'detail-type': 'CredentialIssued', source: 'demo.lms' })),
    ).toBe(false);
    expect(matches(CredentialIssuedV1.pattern, envelope({ 'detail-type': 'CredentialIssued', source: 'laurel' }))).toBe(
      true,
    );
  });

  it('ignores fields the pattern does not name and needs every named one', () => {
    expect(matches({ source: ['demo.lms'] }, envelope())).toBe(true);
    expect(matches({ source: ['demo.lms'], 'detail-type': ['Other'] }, envelope())).toBe(false);
    expect(matches({ missing: ['x'] }, envelope())).toBe(false);
  });

  it('accepts any of several values', () => {
    expect(matches({ source: ['a', 'demo.lms'] }, envelope())).toBe(true);
    expect(matches({ source: ['a', 'b'] }, envelope())).toBe(false);
  });

  it('matches an array field when any element matches', () => {
    expect(matches({ resources: ['arn:b'] }, envelope())).toBe(true);
    expect(matches({ resources: ['arn:c'] }, envelope())).toBe(false);
  });

  it('descends into nested objects, matching numbers and strings exactly', () => {
    expect(matches({ detail: { version: [1] } }, envelope())).toBe(true);
    expect(matches({ detail: { version: ['1'] } }, envelope())).toBe(false);
    expect(matches({ detail: { activity: { kind: ['course-completed'] } } }, envelope())).toBe(true);
    expect(matches({ detail: { activity: { kind: ['assessment-passed'] } } }, envelope())).toBe(false);
    expect(matches({ detail: { activity: { kind: ['x'] } } }, envelope({ detail: 'not an object' }))).toBe(false);
  });

  it('matches null only against a present null', () => {
    expect(matches({ detail: { grade: [null] } }, envelope({ detail: { grade: null } }))).toBe(true);
    expect(matches({ detail: { grade: [null] } }, envelope({ detail: {} }))).toBe(false);
  });
});

describe('assertSupported', () => {
  it('accepts every contract pattern', () => {
    expect(() => assertSupported(AchievementEarnedV1.pattern)).not.toThrow();
    expect(() => assertSupported(CredentialIssuedV1.pattern)).not.toThrow();
  });

  it('rejects content filters the local bus does not implement, and empty value lists', () => {
    expect(() => assertSupported({ source: [{ prefix: 'demo.' }] })).toThrow(/only exact values/);
    expect(() => assertSupported({ detail: { score: [{ numeric: ['>', 70] }] } })).toThrow(/detail\.score/);
    expect(() => assertSupported({ source: [] })).toThrow(/empty array/);
    expect(() => assertSupported({ source: 'demo.lms' })).toThrow(/must be an object/);
  });
});

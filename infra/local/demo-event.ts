import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AchievementEarnedV1, type AchievementEarnedV1Detail } from '#shared/events/index.ts';
import { DEMO } from './seed.ts';

/** The demo learner's `AchievementEarned`: Ada completed CS101 with 92, which the seeded rule (>= 70) awards. */
export function demoDetail(
  overrides: { email?: string; score?: number; eventId?: string } = {},
): AchievementEarnedV1Detail {
  return {
    version: 1,
    eventId: overrides.eventId ?? `demo-${randomUUID()}`,
    occurredAt: new Date().toISOString(),
    learner: { email: overrides.email ?? 'ada@example.edu', name: 'Ada Lovelace', externalId: 'S1234' },
    activity: {
      kind: DEMO.kind,
      externalId: DEMO.externalId,
      name: 'Introduction to Computer Science',
      result: { score: overrides.score ?? 92, grade: 'A', status: 'passed' },
    },
  };
}

/** The demo event as a `PutEvents` entry for the Laurel bus, validated by the contract. */
export function demoEntry(busName: string, overrides?: Parameters<typeof demoDetail>[0]): PutEventsRequestEntry {
  return { ...AchievementEarnedV1.toEntry(demoDetail(overrides), DEMO.source), EventBusName: busName };
}

/** The same event as an AWS CLI command line against the local bus. */
export function demoCliCommand(busUrl: string, busName: string): string {
  const entries = JSON.stringify([demoEntry(busName, { eventId: `demo-cli-${Date.now()}` })]);
  return [
    'AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws events put-events',
    `--region us-east-1 --endpoint-url ${busUrl}`,
    `--entries '${entries}'`,
  ].join(' \\\n    ');
}

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { matches } from '#infra/local/event-pattern.ts';
import {
  CredentialReinstatedV1,
  CredentialRevokedV1,
  CredentialSuspendedV1,
} from '#shared/events/credential-status.v1.ts';
import type { EventDefinition } from '#shared/events/define-event.ts';

const detail = (statusPurpose: 'revocation' | 'suspension') => ({
  version: 1,
  credentialId: '7f0c1c9e-2f0a-4c59-9a57-0b7d9a3f1a11',
  credentialUrl: 'https://badges.example.edu/credentials/7f0c1c9e-2f0a-4c59-9a57-0b7d9a3f1a11',
  issuerSlug: 'demo',
  achievementId: 'intro-to-cs',
  sourceEventId: 'evt-1',
  statusPurpose,
  changedAt: '2026-06-01T09:00:00.000Z',
});

const contracts: { contract: EventDefinition<z.ZodType>; detailType: string; purpose: 'revocation' | 'suspension' }[] =
  [
    { contract: CredentialRevokedV1, detailType: 'CredentialRevoked', purpose: 'revocation' },
    { contract: CredentialSuspendedV1, detailType: 'CredentialSuspended', purpose: 'suspension' },
    { contract: CredentialReinstatedV1, detailType: 'CredentialReinstated', purpose: 'suspension' },
  ];

describe.each(contracts)('$detailType v1', ({ contract, detailType, purpose }) => {
  it('is published by laurel under its detail-type, and its pattern routes its fixture', () => {
    expect(contract.pattern).toEqual({ source: ['laurel'], 'detail-type': [detailType] });
    const event = contract.wrap(detail(purpose));
    expect(matches(contract.pattern, event)).toBe(true);
    expect(contract.envelope.safeParse(event).success).toBe(true);
    expect(contract.toEntry(detail(purpose))).toEqual({
      Source: 'laurel',
      DetailType: detailType,
      Detail: JSON.stringify(detail(purpose)),
    });
  });

  it('does not route near misses: another source, the other status events, other casing', () => {
    const event = contract.wrap(detail(purpose));
    expect(matches(contract.pattern, { ...event, source: 'edu.example.lms' })).toBe(false);
    for (const other of [
      'CredentialIssued',
      `${detailType}V2`,
      detailType.toLowerCase(),
      ...contracts.map((c) => c.detailType),
    ])
      if (other !== detailType)
        expect(matches(contract.pattern, { ...event, 'detail-type': other }), other).toBe(false);
  });

  it('carries ids only: no personal data, no reason, no actor, nothing unknown', () => {
    expect(() => contract.toEntry({ ...detail(purpose), reason: 'plagiarism' })).toThrow();
    expect(() => contract.toEntry({ ...detail(purpose), actor: 'admin:dean@example.edu' })).toThrow();
    expect(() => contract.toEntry({ ...detail(purpose), recipientEmail: 'ada@example.edu' })).toThrow();
    expect(Object.keys(contract.detail.parse(detail(purpose)) as object).sort()).toEqual(
      [
        'achievementId',
        'changedAt',
        'credentialId',
        'credentialUrl',
        'issuerSlug',
        'sourceEventId',
        'statusPurpose',
        'version',
      ].sort(),
    );
  });

  it('rejects a malformed detail: wrong purpose, bad url or time, missing id', () => {
    const other = purpose === 'revocation' ? 'suspension' : 'revocation';
    for (const bad of [
      detail(other),
      { ...detail(purpose), credentialUrl: 'not a url' },
      { ...detail(purpose), changedAt: 'yesterday' },
      { ...detail(purpose), credentialId: '' },
      { ...detail(purpose), version: 2 },
    ])
      expect(contract.detail.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});

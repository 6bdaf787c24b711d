import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialIssuedV1 } from '../events/credential-issued.v1.ts';
import { EventBus } from './event-bus.eventbridge.ts';

const eventBridge = mockClient(EventBridgeClient);
const detail = {
  version: 1 as const,
  credentialId: 'c-1',
  credentialUrl: 'https://badges.example.edu/credentials/c-1',
  issuerSlug: 'demo',
  achievementId: 'intro-to-cs',
  ruleId: 'cs101-completed',
  sourceEventId: 'evt-1',
  issuedAt: '2026-05-14T16:20:00.000Z',
};

describe('EventBus', () => {
  afterEach(() => eventBridge.reset());

  it('puts one validated entry on the named bus', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    // Act
    await new EventBus(new EventBridgeClient({}), 'laurel').publish(CredentialIssuedV1, detail);
    // Assess
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        { EventBusName: 'laurel', Source: 'laurel', DetailType: 'CredentialIssued', Detail: JSON.stringify(detail) },
      ],
    });
  });

  it('throws when the bus rejects the entry', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    await expect(new EventBus(new EventBridgeClient({}), 'laurel').publish(CredentialIssuedV1, detail)).rejects.toThrow(
      /InternalFailure/,
    );
  });

  it('refuses a detail that breaks the contract before calling AWS', async () => {
    const bus = new EventBus(new EventBridgeClient({}), 'laurel');
    await expect(bus.publish(CredentialIssuedV1, { ...detail, credentialUrl: 'not a url' })).rejects.toThrow();
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
  });
});

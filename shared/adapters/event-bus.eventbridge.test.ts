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

  it('publishes many events ten to a call, each validated', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const bus = new EventBus(new EventBridgeClient({}), 'laurel');
    const details = Array.from({ length: 23 }, (_, i) => ({ ...detail, credentialId: `c-${i}` }));
    // Act
    await bus.publishAll(CredentialIssuedV1, details);
    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    const sizes = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 3]);
    expect(eventBridge.commandCalls(PutEventsCommand)[2]?.args[0].input.Entries?.[2]).toEqual({
      EventBusName: 'laurel',
      Source: 'laurel',
      DetailType: 'CredentialIssued',
      Detail: JSON.stringify({ ...detail, credentialId: 'c-22' }),
    });
  });

  it('throws when the bus rejects any entry of a batch', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'x' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const bus = new EventBus(new EventBridgeClient({}), 'laurel');
    await expect(bus.publishAll(CredentialIssuedV1, [detail, detail])).rejects.toThrow(
      'event bus rejected 1 CredentialIssued: InternalFailure try again',
    );
  });
});

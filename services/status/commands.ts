import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { EventBus } from '#shared/adapters/event-bus.eventbridge.ts';
import { StatusStore } from '#shared/adapters/status-store.dynamodb.ts';
import { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import {
  CredentialReinstatedV1,
  CredentialRevokedV1,
  CredentialSuspendedV1,
} from '#shared/events/credential-status.v1.ts';
import { type Clock, systemClock } from '#shared/runtime/clock.ts';
import { makeChangeStatus } from './app/change-status.ts';
import type { StatusPublisher } from './app/ports.ts';

/** The status events on a bus, ten to a `PutEvents` call. */
export const busStatusPublisher = (bus: EventBus): StatusPublisher => ({
  revoked: (details) => bus.publishAll(CredentialRevokedV1, details),
  suspended: (details) => bus.publishAll(CredentialSuspendedV1, details),
  reinstated: (details) => bus.publishAll(CredentialReinstatedV1, details),
  credentialIssued: (details) => bus.publishAll(CredentialIssuedV1, details),
});

/**
 * Revoke, suspend, reinstate and bulk revoke, wired to DynamoDB and EventBridge: for any composition root that
 * changes credential status (the admin API's wiring, the operator CLI). Needs read and write on the app table and
 * `events:PutEvents` on the bus; never a key.
 */
export const statusCommands = (deps: {
  dynamo: DynamoDBClient;
  eventBridge: EventBridgeClient;
  tableName: string;
  busName: string;
  publicBaseUrl: string;
  clock?: Clock;
}) =>
  makeChangeStatus({
    store: new StatusStore(deps.dynamo, deps.tableName),
    lookups: new AppStore(deps.dynamo, deps.tableName),
    publisher: busStatusPublisher(new EventBus(deps.eventBridge, deps.busName)),
    clock: deps.clock ?? systemClock,
    publicBaseUrl: deps.publicBaseUrl,
  });

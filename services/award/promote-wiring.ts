import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { EventBus } from '#shared/adapters/event-bus.eventbridge.ts';
import { makeClaimKey } from '#shared/adapters/key-factory.ts';
import { StatusStore } from '#shared/adapters/status-store.dynamodb.ts';
import { ENV } from '#shared/env.ts';
import { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger, makeMetrics } from '#shared/runtime/logger.ts';
import { makeAwardCredential } from './app/award-credential.ts';
import { makePromoteDryRun } from './app/promote-dry-run.ts';

/**
 * Composition root of the `promote` function: the award path as award builds it, without the event idempotency
 * store (a promotion is made idempotent by the dry-run record's status and the issuance marker).
 */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.EVENT_BUS_NAME,
    ENV.PUBLIC_BASE_URL,
    ENV.SIGNING_KEY_ID,
    ENV.CLAIM_KEY_ID,
    ENV.CLAIM_TOKEN_TTL_DAYS,
    ENV.LAUREL_MODE,
    ENV.LAUREL_DATA_DIR,
  ]);
  const dynamo = new DynamoDBClient({});
  const store = new AppStore(dynamo, config.APP_TABLE_NAME);
  const bus = new EventBus(new EventBridgeClient({}), config.EVENT_BUS_NAME);
  const award = makeAwardCredential({
    store,
    signer: makeCredentialSigner(config),
    claimKey: makeClaimKey(config),
    publisher: { credentialIssued: (detail) => bus.publish(CredentialIssuedV1, detail) },
    statusAllocator: new StatusStore(dynamo, config.APP_TABLE_NAME),
    clock: systemClock,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    claimTokenTtlDays: config.CLAIM_TOKEN_TTL_DAYS,
  });
  return {
    logger: makeLogger('promote'),
    metrics: makeMetrics('promote'),
    // The batch handler registers the Lambda context with it; nothing is persisted.
    idempotency: new IdempotencyConfig({}),
    promote: makePromoteDryRun({ store, issue: award.issue, clock: systemClock }),
  };
};

export type PromoteHandlerDeps = ReturnType<typeof wiring>;

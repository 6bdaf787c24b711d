import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
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
import { makeAwardCredential, makeRecordRejection } from './app/award-credential.ts';
import { makePromoteDryRun } from './app/promote-dry-run.ts';

/**
 * Composition root of the `award` function, for both contracts its queue carries: env → clients → adapters → use
 * cases, once per cold start.
 */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.IDEMPOTENCY_TABLE_NAME,
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
  const clock = systemClock;
  const idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'event.eventId', expiresAfterSeconds: 7 * 86_400 });

  const award = makeAwardCredential({
    store,
    signer: makeCredentialSigner(config),
    claimKey: makeClaimKey(config),
    publisher: { credentialIssued: (detail) => bus.publish(CredentialIssuedV1, detail) },
    statusAllocator: new StatusStore(dynamo, config.APP_TABLE_NAME),
    clock,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    claimTokenTtlDays: config.CLAIM_TOKEN_TTL_DAYS,
  });

  return {
    logger: makeLogger('award'),
    metrics: makeMetrics('award'),
    idempotency,
    /** Keyed on the producer's eventId: EventBridge's own id changes when a producer retries. */
    award: makeIdempotent(award, {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.IDEMPOTENCY_TABLE_NAME,
        awsSdkV3Client: dynamo,
      }),
      config: idempotency,
    }),
    /**
     * Promotions are kept out of the idempotency store on purpose: a promotion carries its dry-run event's eventId,
     * whose key there already holds that event's dry-run outcome. A promotion issues at most once by the dry-run
     * record's status (`promoting` → `promoted`) and the issuance marker (eventId and rule) in the award path.
     */
    promote: makePromoteDryRun({ store, issue: award.issue, clock }),
    recordRejection: makeRecordRejection({ store, clock }),
  };
};

export type AwardHandlerDeps = ReturnType<typeof wiring>;

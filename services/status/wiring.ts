import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { StatusStore } from '#shared/adapters/status-store.dynamodb.ts';
import { ENV } from '#shared/env.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { makeGetStatusList } from './app/status-list-credential.ts';

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.PUBLIC_BASE_URL,
    ENV.SIGNING_KEY_ID,
    ENV.LAUREL_MODE,
    ENV.LAUREL_DATA_DIR,
  ]);
  const dynamo = new DynamoDBClient({});
  return {
    logger: makeLogger('status'),
    getStatusList: makeGetStatusList({
      store: new StatusStore(dynamo, config.APP_TABLE_NAME),
      issuers: new AppStore(dynamo, config.APP_TABLE_NAME),
      signer: makeCredentialSigner(config),
      clock: systemClock,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
  };
};

export type StatusDeps = ReturnType<typeof wiring>;

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { ENV } from '#shared/env.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { makeAcceptClaim, makeViewClaim } from './app/claim-credential.ts';

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([ENV.APP_TABLE_NAME, ENV.PUBLIC_BASE_URL, ENV.LAUREL_MODE]);
  const store = new AppStore(new DynamoDBClient({}), config.APP_TABLE_NAME);
  const clock = systemClock;
  return {
    logger: makeLogger('claim'),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    viewClaim: makeViewClaim({ store, clock }),
    acceptClaim: makeAcceptClaim({ store, clock }),
  };
};

export type ClaimDeps = ReturnType<typeof wiring>;

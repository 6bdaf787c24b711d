import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeClaimKey } from '#shared/adapters/key-factory.ts';
import { ownerToken } from '#shared/claim-tokens.ts';
import { ENV } from '#shared/env.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { makeAcceptClaim, makeViewClaim } from './app/claim-credential.ts';
import { makeCheckUnsubscribe, makeUnsubscribe } from './app/unsubscribe.ts';

/** How long the owner cookie set on accept lets this browser ask for wallet copies. */
export const OWNER_COOKIE_DAYS = 30;

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.PUBLIC_BASE_URL,
    ENV.CLAIM_KEY_ID,
    ENV.LAUREL_MODE,
    ENV.LAUREL_DATA_DIR,
  ]);
  const store = new AppStore(new DynamoDBClient({}), config.APP_TABLE_NAME);
  const claimKey = makeClaimKey(config);
  const clock = systemClock;
  return {
    logger: makeLogger('claim'),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    viewClaim: makeViewClaim({ store, clock }),
    acceptClaim: makeAcceptClaim({ store, clock }),
    unsubscribe: makeUnsubscribe({ store, claimKey, clock }),
    checkUnsubscribe: makeCheckUnsubscribe({ claimKey }),
    /** The owner cookie's value for a credential this browser just claimed (or re-opened from its claim link). */
    ownerToken: (credentialId: string) =>
      ownerToken(claimKey, credentialId, new Date(clock.now().getTime() + OWNER_COOKIE_DAYS * 86_400_000)),
  };
};

export type ClaimDeps = ReturnType<typeof wiring>;

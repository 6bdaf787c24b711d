import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { makeClaimKey } from '#shared/adapters/key-factory.ts';
import { ENV } from '#shared/env.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { makeWallet } from './app/wallet.ts';

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.PUBLIC_BASE_URL,
    ENV.CLAIM_KEY_ID,
    ENV.SIGNING_KEY_ID,
    ENV.LAUREL_MODE,
    ENV.LAUREL_DATA_DIR,
  ]);
  return {
    logger: makeLogger('wallet'),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    wallet: makeWallet({
      store: new AppStore(new DynamoDBClient({}), config.APP_TABLE_NAME),
      claimKey: makeClaimKey(config),
      signer: makeCredentialSigner(config),
      clock: systemClock,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
  };
};

export type WalletHandlerDeps = ReturnType<typeof wiring>;

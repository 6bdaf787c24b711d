import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeJwtSigner } from '#shared/adapters/key-factory.ts';
import { ENV } from '#shared/env.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { HttpsDidResolver } from './adapters/did-resolver.https.ts';
import { HttpsJsonFetcher } from './adapters/json-fetcher.https.ts';
import { makeCredentialJwt } from './app/credential-jwt.ts';
import { makePublicDocuments } from './app/public-documents.ts';

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([ENV.APP_TABLE_NAME, ENV.PUBLIC_BASE_URL, ENV.LAUREL_MODE, ENV.LAUREL_DATA_DIR]);
  const store = new AppStore(new DynamoDBClient({}), config.APP_TABLE_NAME);
  return {
    logger: makeLogger('verify'),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    /** The VC-JWT form, signed on demand with the issuer's RSA key, and the JWKS that verifies it. */
    jwt: makeCredentialJwt({ store, jwtSigner: makeJwtSigner(config), publicBaseUrl: config.PUBLIC_BASE_URL }),
    documents: makePublicDocuments({
      store,
      remote: new HttpsDidResolver(),
      // Local mode reads its own status lists from the local API (loopback, self-signed certificate), nothing else.
      fetcher: new HttpsJsonFetcher(
        config.LAUREL_MODE === 'local' && config.LAUREL_DATA_DIR
          ? {
              local: { ca: () => readFileSync(join(config.LAUREL_DATA_DIR as string, 'tls', 'localhost.crt'), 'utf8') },
            }
          : {},
      ),
      clock: systemClock,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
  };
};

export type VerifyDeps = ReturnType<typeof wiring>;

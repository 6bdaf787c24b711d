import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { createLocalOAuth } from '#shared/adapters/oauth.local.ts';
import { ENV } from '#shared/env.ts';
import { type AccessTokenVerifier, makeAccessTokenVerifier } from '#shared/runtime/access-token.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { makeIssueCredential } from './app/issue-credential.ts';

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.PUBLIC_BASE_URL,
    ENV.SIGNING_KEY_ID,
    ENV.VC_API_TOKEN_ISSUER,
    ENV.LAUREL_MODE,
    ENV.LAUREL_DATA_DIR,
  ]);
  const store = new AppStore(new DynamoDBClient({}), config.APP_TABLE_NAME);

  // AWS: Cognito's JWKS (fetched and cached by jose). Local: the local token endpoint's key from the data folder.
  let verifyToken: AccessTokenVerifier;
  if (config.LAUREL_MODE === 'local') {
    const oauth = createLocalOAuth({ dataDir: config.LAUREL_DATA_DIR ?? '' });
    let local: Promise<AccessTokenVerifier> | undefined;
    verifyToken = async (authorization, scope) => {
      local ??= oauth.jwks().then((jwks) => makeAccessTokenVerifier({ issuer: config.VC_API_TOKEN_ISSUER, jwks }));
      return (await local)(authorization, scope);
    };
  } else {
    verifyToken = makeAccessTokenVerifier({ issuer: config.VC_API_TOKEN_ISSUER });
  }

  return {
    logger: makeLogger('issue'),
    verifyToken,
    issue: makeIssueCredential({
      store,
      signer: makeCredentialSigner(config),
      clock: systemClock,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
  };
};

export type IssueHandlerDeps = ReturnType<typeof wiring>;

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createRemoteJWKSet } from 'jose';
import { resendWiring } from '#services/notify/wiring.ts';
import { statusCommands } from '#services/status/commands.ts';
import { AdminStore } from '#shared/adapters/admin-store.dynamodb.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { EventBus } from '#shared/adapters/event-bus.eventbridge.ts';
import { makeClaimKey, makeSigner } from '#shared/adapters/key-factory.ts';
import { readLocalUsers } from '#shared/adapters/local-users.ts';
import { LOCAL_SESSION, loadLocalSessionKey, localSessionIssuer } from '#shared/adapters/session-key.local.ts';
import { localKeyRef } from '#shared/adapters/signer.local.ts';
import { ENV } from '#shared/env.ts';
import { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { urls } from '#shared/routes/manifest.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeJwtAuthorizer } from '#shared/runtime/jwt-auth.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { makeHostedUi } from './adapters/hosted-ui.cognito.ts';
import { makeActivity } from './app/activity.ts';
import { makeBulkAward } from './app/bulk-award.ts';
import { makeCatalog } from './app/catalog.ts';
import { makeCredentialStatus, type StatusCommands } from './app/credential-status.ts';
import { type HostedSignIn, makeHostedSignIn } from './app/hosted-sign-in.ts';
import { makeIssuers } from './app/issuers.ts';
import type { IssuerKeyFactory } from './app/ports.ts';
import { makeRules } from './app/rules.ts';
import { makeSignIn } from './app/session.ts';
import type { Actor } from './domain/actor.ts';
import type { ValidImage } from './domain/images.ts';
import { adminRoutes } from './handlers/api.ts';
import type { SessionVerifier } from './handlers/console.ts';
import { buildOpenApi } from './handlers/openapi.ts';

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.EVENT_BUS_NAME,
    ENV.PUBLIC_BASE_URL,
    ENV.SIGNING_KEY_ID,
    ENV.CLAIM_KEY_ID,
    ENV.REVIEW_APPROVALS_REQUIRED,
    ENV.LAUREL_MODE,
    ENV.LAUREL_DATA_DIR,
    ENV.CONSOLE_CLIENT_ID,
    ENV.CONSOLE_TOKEN_ISSUER,
    ENV.CONSOLE_AUTH_DOMAIN,
  ]);
  const dynamo = new DynamoDBClient({});
  const store = new AdminStore(dynamo, config.APP_TABLE_NAME);
  const appStore = new AppStore(dynamo, config.APP_TABLE_NAME);
  const eventBridge = new EventBridgeClient({});
  const bus = new EventBus(eventBridge, config.EVENT_BUS_NAME);
  const claimKey = makeClaimKey(config);
  const signer = makeSigner(config);
  const local = config.LAUREL_MODE === 'local';
  const keys: IssuerKeyFactory = {
    forIssuer: async (slug) => {
      // AWS: the stack's signing key for now (per-issuer keys arrive with rotation); local: a key file per issuer.
      const keyRef = local ? localKeyRef(slug) : (config.SIGNING_KEY_ID ?? '');
      return { keyRef, publicKeyMultibase: await signer.publicKeyMultibase(keyRef) };
    },
  };
  const dataDir = config.LAUREL_DATA_DIR ?? '';
  const sessionKey = local ? loadLocalSessionKey(dataDir) : undefined;
  const cognito = local ? undefined : consoleCognito(config);
  return makeAdminDeps({
    store,
    appStore,
    keys,
    claimKey,
    publisher: { dryRunPromoted: (detail) => bus.publish(DryRunPromotedV1, detail) },
    resend: resendWiring().resendClaimEmail,
    status: statusCommands({
      dynamo,
      eventBridge,
      tableName: config.APP_TABLE_NAME,
      busName: config.EVENT_BUS_NAME,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    approvalsRequired: config.REVIEW_APPROVALS_REQUIRED,
    ...(sessionKey && {
      // The console pages verify their session cookie as the local API verifies bearer tokens.
      verifySession: makeJwtAuthorizer({
        issuer: localSessionIssuer(config.PUBLIC_BASE_URL),
        audience: [LOCAL_SESSION.audience],
        key: async () => (await sessionKey).publicKey,
        algorithms: [LOCAL_SESSION.algorithm],
      }),
      signIn: async (email: string, password: string) =>
        makeSignIn({
          users: () => readLocalUsers(dataDir),
          key: await sessionKey,
          issuer: localSessionIssuer(config.PUBLIC_BASE_URL),
          clock: systemClock,
        })(email, password),
    }),
    ...(cognito && { verifySession: cognito.verifySession, hostedSignIn: cognito.hostedSignIn }),
  });
};

/**
 * AWS: the console's sessions are the user pool's ID tokens for the console client, from its hosted UI, verified
 * by the same code as the local mode's (shared/runtime/jwt-auth.ts) against the pool's JWKS.
 */
export const consoleCognito = (
  config: {
    PUBLIC_BASE_URL: string;
    CONSOLE_CLIENT_ID?: string | undefined;
    CONSOLE_TOKEN_ISSUER?: string | undefined;
    CONSOLE_AUTH_DOMAIN?: string | undefined;
  },
  fetchImpl: typeof fetch = fetch,
): { verifySession: SessionVerifier; hostedSignIn: HostedSignIn } => {
  const { CONSOLE_CLIENT_ID: clientId, CONSOLE_TOKEN_ISSUER: issuer, CONSOLE_AUTH_DOMAIN: domainUrl } = config;
  if (!clientId || !issuer || !domainUrl) throw new Error('configuration: the console needs its Cognito settings');
  const verifySession = makeJwtAuthorizer({
    issuer,
    audience: [clientId],
    key: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
    algorithms: ['RS256'],
    tokenUse: 'id',
  });
  const hostedUi = makeHostedUi(
    {
      domainUrl,
      clientId,
      redirectUri: `${config.PUBLIC_BASE_URL}/admin/callback`,
      logoutUri: `${config.PUBLIC_BASE_URL}/admin`,
    },
    fetchImpl,
  );
  return { verifySession, hostedSignIn: makeHostedSignIn({ hostedUi, verify: verifySession }) };
};

/** The use cases over given adapters: the wiring's second half, which tests call with their own. */
export const makeAdminDeps = (d: {
  store: AdminStore;
  appStore: AppStore;
  keys: IssuerKeyFactory;
  claimKey: ReturnType<typeof makeClaimKey>;
  publisher: Parameters<typeof makeRules>[0]['publisher'];
  resend: Parameters<typeof makeActivity>[0]['resend'];
  /** Revoke, suspend, reinstate, bulk revoke: services/status/commands.ts `statusCommands(...)`. */
  status: StatusCommands;
  publicBaseUrl: string;
  approvalsRequired: number;
  signIn?: (email: string, password: string) => ReturnType<ReturnType<typeof makeSignIn>>;
  /** Verifies the console pages' session cookie (shared/runtime/jwt-auth.ts); without it no page signs anyone in. */
  verifySession?: SessionVerifier;
  /** AWS: the hosted-UI sign-in (authorization code + PKCE); `/admin/sign-in` redirects there. */
  hostedSignIn?: HostedSignIn;
  clock?: { now(): Date };
}) => {
  const clock = d.clock ?? systemClock;
  // Made on the first request for it rather than at cold start, where it was about 20 ms of the admin function's init.
  let openapi: ReturnType<typeof buildOpenApi> | undefined;
  return {
    logger: makeLogger('admin'),
    issuers: makeIssuers({ store: d.store, keys: d.keys, clock }),
    catalog: makeCatalog({ store: d.store, clock, approvalsRequired: d.approvalsRequired }),
    rules: makeRules({ store: d.store, award: d.appStore, publisher: d.publisher, claimKey: d.claimKey, clock }),
    activity: makeActivity({
      store: d.store,
      claimKey: d.claimKey,
      clock,
      publicBaseUrl: d.publicBaseUrl,
      resend: d.resend,
    }),
    credentialStatus: makeCredentialStatus({ store: d.store, status: d.status }),
    bulkAward: makeBulkAward({ store: d.store, awards: d.appStore, publisher: d.publisher, clock }),
    ...(d.signIn && { signIn: d.signIn }),
    ...(d.verifySession && { verifySession: d.verifySession }),
    ...(d.hostedSignIn && { hostedSignIn: d.hostedSignIn }),
    publicBaseUrl: d.publicBaseUrl,
    saveImage: async (image: ValidImage, actor: Actor) => {
      await d.store.putImage({
        ...image,
        createdAt: clock.now().toISOString(),
        createdBy: { sub: actor.sub, ...(actor.email ? { email: actor.email } : {}) },
      });
      return urls(d.publicBaseUrl).image(image.id);
    },
    openapi: () => {
      openapi ??= buildOpenApi(adminRoutes);
      return openapi;
    },
  };
};

export type AdminWiring = ReturnType<typeof makeAdminDeps>;

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAwardCredential } from '#services/award/app/award-credential.ts';
import { rotateKey } from '#shared/credentials/issuer-keys.ts';
import { createLocalClaimKey } from '../adapters/claim-key.local.ts';
import { makeCredentialSigner } from '../adapters/credential-signer.ts';
import { createLocalJwtSigner } from '../adapters/jwt-signer.local.ts';
import { createLocalSigner } from '../adapters/signer.local.ts';
import type { CredentialIssuedV1 } from '../events/credential-issued.v1.ts';
import { demoAchievement, demoIssuer, demoRule } from './fixtures.ts';
import { InMemoryStatusStore } from './in-memory-status-store.ts';
import { InMemoryStore } from './in-memory-store.ts';

export const TEST_BASE_URL = 'https://badges.example.edu';

/**
 * The demo institution in memory with real local keys, and the award use case over it: for tests that need real,
 * verifiable credentials without DynamoDB.
 */
export const makeIssuanceFixture = async (
  opts: {
    now?: Date;
    /** Give the issuer an RSA key (the VC-JWT form). */
    jwt?: boolean;
  } = {},
) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-test-'));
  const signer = createLocalSigner({ dataDir });
  const claimKey = createLocalClaimKey({ dataDir });
  const store = new InMemoryStore();
  const jwtSigner = createLocalJwtSigner({ dataDir });
  const legacy = demoIssuer({ publicKeyMultibase: await signer.publicKeyMultibase('local:demo') });
  const issuer = opts.jwt
    ? rotateKey(
        legacy,
        { type: 'JsonWebKey', keyRef: 'local:demo-jwt', publicKeyJwk: await jwtSigner.publicJwk('local:demo-jwt') },
        opts.now ?? new Date(),
      )
    : legacy;
  store.issuers.set(issuer.slug, issuer);
  store.achievements.set('intro-to-cs', demoAchievement());
  store.rules.push(demoRule());
  store.sources.add('demo.lms');
  const published: CredentialIssuedV1[] = [];
  const publisher = {
    fail: false,
    credentialIssued: async (detail: CredentialIssuedV1) => {
      if (publisher.fail) throw new Error('bus unavailable');
      published.push(detail);
    },
  };
  const statusStore = new InMemoryStatusStore(store.credentials);
  const award = makeAwardCredential({
    store,
    signer: makeCredentialSigner({ LAUREL_MODE: 'local', LAUREL_DATA_DIR: dataDir }, signer),
    claimKey,
    publisher,
    statusAllocator: statusStore,
    clock: { now: () => opts.now ?? new Date() },
    publicBaseUrl: TEST_BASE_URL,
    claimTokenTtlDays: 30,
  });
  return { dataDir, signer, jwtSigner, claimKey, store, statusStore, issuer, award, published, publisher };
};

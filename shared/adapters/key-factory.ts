import { KMSClient } from '@aws-sdk/client-kms';
import { createKmsClaimKey } from './claim-key.kms.ts';
import { createLocalClaimKey } from './claim-key.local.ts';
import type { ClaimKey } from './claim-key.ts';
import { createKmsJwtSigner } from './jwt-signer.kms.ts';
import { createLocalJwtSigner } from './jwt-signer.local.ts';
import type { JwtSigner } from './jwt-signer.ts';
import { createKmsSigner } from './signer.kms.ts';
import { createLocalSigner } from './signer.local.ts';
import type { Signer } from './signer.ts';

/** The slice of a service's parsed configuration (shared/runtime/config.ts) that picks the key adapters. */
export interface KeyConfig {
  LAUREL_MODE: 'aws' | 'local';
  LAUREL_DATA_DIR?: string | undefined;
  CLAIM_KEY_ID?: string | undefined;
}

let kms: KMSClient | undefined;
// One client per process, made at wiring time (cold start) and shared by the signer and the claim key.
const kmsClient = () => {
  kms ??= new KMSClient({});
  return kms;
};

const dataDir = (config: KeyConfig) => {
  if (!config.LAUREL_DATA_DIR) throw new Error('configuration: LAUREL_DATA_DIR is required in local mode');
  return config.LAUREL_DATA_DIR;
};

/** The Signer for this mode: KMS in AWS, PEM files under the data folder in local mode. */
export const makeSigner = (config: KeyConfig, client?: KMSClient): Signer =>
  config.LAUREL_MODE === 'local'
    ? createLocalSigner({ dataDir: dataDir(config) })
    : createKmsSigner(client ?? kmsClient());

/** The JwtSigner (RSA, for the VC-JWT form) for this mode: KMS in AWS, PEM files under the data folder locally. */
export const makeJwtSigner = (config: KeyConfig, client?: KMSClient): JwtSigner =>
  config.LAUREL_MODE === 'local'
    ? createLocalJwtSigner({ dataDir: dataDir(config) })
    : createKmsJwtSigner(client ?? kmsClient());

/** The ClaimKey for this mode: the KMS HMAC key `CLAIM_KEY_ID` in AWS, `keys/claim.key` in local mode. */
export const makeClaimKey = (config: KeyConfig, client?: KMSClient): ClaimKey => {
  if (config.LAUREL_MODE === 'local') return createLocalClaimKey({ dataDir: dataDir(config) });
  if (!config.CLAIM_KEY_ID) throw new Error('configuration: CLAIM_KEY_ID is required');
  return createKmsClaimKey(client ?? kmsClient(), config.CLAIM_KEY_ID);
};

import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { ClaimKey as ClaimKeyPort } from '#shared/adapters/claim-key.ts';
import type { CredentialSigner as CredentialSignerPort } from '#shared/adapters/credential-signer.ts';

export type WalletStore = Pick<
  AppStore,
  'getCredential' | 'getIssuer' | 'putWalletGrant' | 'getWalletGrant' | 'useWalletGrant'
>;

export type ClaimKey = ClaimKeyPort;
export type CredentialSigner = CredentialSignerPort;
export type { Clock } from '#shared/runtime/clock.ts';

import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';

/** What the VC-API issuer reads: issuers (their keys) and which issuers a client may use. */
export type IssueStore = Pick<AppStore, 'getIssuer' | 'getApiClient'>;

/** Signs an unsigned credential with an eddsa-rdfc-2022 proof (KMS or local key). */
export type { CredentialSigner } from '#shared/adapters/credential-signer.ts';

export type { Clock } from '#shared/runtime/clock.ts';

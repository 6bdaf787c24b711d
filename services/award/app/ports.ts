import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { ClaimKey as ClaimKeyPort } from '#shared/adapters/claim-key.ts';
import type { StatusStore } from '#shared/adapters/status-store.dynamodb.ts';
import type { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';

/** What award reads and writes in the application table. */
export type AwardStore = Pick<
  AppStore,
  | 'isSourceAllowed'
  | 'findRules'
  | 'getAchievement'
  | 'getIssuer'
  | 'saveIssuance'
  | 'getCredential'
  | 'recordEvent'
  | 'recordRejection'
  | 'findStackRules'
  | 'addProgress'
  | 'completeProgress'
  | 'recordDryRun'
  | 'getDryRun'
  | 'moveDryRun'
>;

/**
 * Allocates a random index no other credential holds in the issuer's open status list of a purpose (a conditional
 * write per index; a new list opens when one fills). An index allocated for a credential that then fails to be
 * stored is simply never used: its bit stays 0.
 */
export type StatusAllocator = Pick<StatusStore, 'allocateStatusIndex'>;

/** Signs an unsigned credential with the issuer's key, returning it with an embedded Data Integrity proof. */
export type { CredentialSigner } from '#shared/adapters/credential-signer.ts';

/** Publishes `CredentialIssued`; throws if the bus did not accept it. */
export interface IssuedPublisher {
  credentialIssued(detail: CredentialIssuedV1): Promise<void>;
}

export type ClaimKey = ClaimKeyPort;

export type { Clock } from '#shared/runtime/clock.ts';

import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { StatusStore } from '#shared/adapters/status-store.dynamodb.ts';
import type { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import type { RevocationChangedV1, SuspensionChangedV1 } from '#shared/events/credential-status.v1.ts';

/** Reads a list (facts, bits, cached signature) and caches a newly signed list credential. */
export type StatusListStore = Pick<StatusStore, 'getStatusList' | 'saveSignedStatusList'>;

/** Finds credentials and writes status changes (bits, credential, audit record) per list. */
export type StatusChangeStore = Pick<
  StatusStore,
  'getCredentials' | 'credentialIdsOfAchievement' | 'commitStatusChange' | 'statusChangesOf'
>;

/** The issuer of a list (whose key signs it), and the event record that lists an event's credentials. */
export type StatusLookups = Pick<AppStore, 'getIssuer' | 'getEvent'>;

/** Announces status changes on the bus, many at a time; throws if the bus did not take them. */
export interface StatusPublisher {
  revoked(details: RevocationChangedV1[]): Promise<void>;
  suspended(details: SuspensionChangedV1[]): Promise<void>;
  reinstated(details: SuspensionChangedV1[]): Promise<void>;
  /** Re-announces issuance of a reinstated credential whose claim email never went out, so notify sends it. */
  credentialIssued(details: CredentialIssuedV1[]): Promise<void>;
}

export type { CredentialSigner } from '#shared/adapters/credential-signer.ts';
export type { Clock } from '#shared/runtime/clock.ts';

import type { AdminStore } from '#shared/adapters/admin-store.dynamodb.ts';
import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { ClaimKey as ClaimKeyPort } from '#shared/adapters/claim-key.ts';
import type { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';

/** The console's reads and writes (shared/adapters/admin-store.dynamodb.ts). */
export type ConsoleStore = AdminStore;

/** What the console reads and writes through the award path's store. */
export type AwardPathStore = Pick<
  AppStore,
  'isSourceAllowed' | 'findRules' | 'getAchievement' | 'getDryRun' | 'moveDryRun' | 'getProgress'
>;

/** A new issuer's signing key: where it lives and its public half. */
export interface IssuerKeyFactory {
  /** Local mode: a new key file `local:<slug>`; AWS: the stack's signing key (per-issuer keys come with rotation). */
  forIssuer(slug: string): Promise<{ keyRef: string; publicKeyMultibase: string }>;
}

/** Publishes `DryRunAwardPromoted`; throws if the bus did not accept it. */
export interface PromotionPublisher {
  dryRunPromoted(detail: DryRunPromotedV1): Promise<void>;
}

export type ClaimKey = ClaimKeyPort;
export type { Clock } from '#shared/runtime/clock.ts';

import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { ClaimKey as ClaimKeyPort } from '#shared/adapters/claim-key.ts';

export type ClaimStore = Pick<AppStore, 'getClaim' | 'getCredential' | 'redeemClaim'>;

export type UnsubscribeStore = Pick<AppStore, 'getCredential' | 'stopReminders'>;

export type ClaimKey = ClaimKeyPort;
export type { Clock } from '#shared/runtime/clock.ts';

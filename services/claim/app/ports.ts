import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';

export type ClaimStore = Pick<AppStore, 'getClaim' | 'getCredential' | 'redeemClaim'>;

export type { Clock } from '#shared/runtime/clock.ts';

import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';

export type VerifyStore = Pick<AppStore, 'getCredential' | 'getIssuer' | 'getAchievement' | 'ping'>;

/** Fetches a DID document that is not ours (did:web on another domain). */
export interface RemoteDidResolver {
  resolve(did: string): Promise<Record<string, unknown>>;
}

export type { Clock } from '#shared/runtime/clock.ts';

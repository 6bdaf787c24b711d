import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';

export type VerifyStore = Pick<AppStore, 'getCredential' | 'getIssuer' | 'getAchievement' | 'getImage' | 'ping'>;

/** Fetches a DID document that is not ours (did:web on another domain). */
export interface RemoteDidResolver {
  resolve(did: string): Promise<Record<string, unknown>>;
}

/**
 * Fetches a JSON document over HTTPS for the verifier: HTTPS controller documents, JWKs a JWT `kid` names, and
 * Bitstring Status List credentials (Laurel's own included, read as any outside verifier reads them).
 */
export interface RemoteJsonFetcher {
  fetchJson(url: string): Promise<unknown>;
}

export type { Clock } from '#shared/runtime/clock.ts';

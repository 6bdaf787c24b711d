import { didDocument, didWebFor } from '#shared/credentials/did-web.ts';
import { achievementDocument, issuerProfile } from '#shared/credentials/open-badge.ts';
import { type VerificationResult, verifyCredential } from '#shared/credentials/verify.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { Clock, RemoteDidResolver, VerifyStore } from './ports.ts';

export interface PublicDeps {
  store: VerifyStore;
  remote: RemoteDidResolver;
  clock: Clock;
  publicBaseUrl: string;
}

const notFound = (what: string) => new PermanentError('NOT_FOUND', `${what} not found`, { status: 404 });

/**
 * The public face of an institution: issuer profiles, DID documents, credentials, and verification of any
 * credential. Our own did:web documents resolve from the table, never through a round trip to ourselves.
 */
export const makePublicDocuments = ({ store, remote, clock, publicBaseUrl }: PublicDeps) => {
  const ownPrefix = `${didWebFor(publicBaseUrl, '')}`;

  const loadIssuer = async (slug: string) => {
    const issuer = await store.getIssuer(slug);
    if (!issuer) throw notFound('issuer');
    return { issuer, did: didWebFor(publicBaseUrl, slug) };
  };

  const resolveDid = async (did: string): Promise<Record<string, unknown>> => {
    if (did.startsWith(ownPrefix)) {
      const slug = did.slice(ownPrefix.length);
      const issuer = await store.getIssuer(slug);
      if (!issuer) throw new Error(`unknown issuer ${slug}`);
      return didDocument(issuer, did) as Record<string, unknown>;
    }
    return remote.resolve(did);
  };

  const verify = (document: Record<string, unknown>): Promise<VerificationResult> =>
    verifyCredential(document, { resolveDid, now: clock.now() });

  return {
    /** The issuer's OB 3.0 Profile. */
    issuerProfile: async (slug: string) => {
      const { issuer, did } = await loadIssuer(slug);
      return { issuer, profile: issuerProfile(issuer, did) };
    },
    /** An achievement of the issuer's catalog (any status but draft), with its issuer as `creator`. */
    achievement: async (slug: string, id: string): Promise<Record<string, unknown>> => {
      const { issuer, did } = await loadIssuer(slug);
      const achievement = await store.getAchievement(id);
      if (!achievement || achievement.issuerSlug !== slug || achievement.status === 'draft')
        throw notFound('achievement');
      const document: Record<string, unknown> = achievementDocument(
        achievement,
        urls(publicBaseUrl).achievement(slug, id),
      );
      return { ...document, creator: issuerProfile(issuer, did) };
    },
    /** Its did:web document. */
    didDocument: async (slug: string) => {
      const { issuer, did } = await loadIssuer(slug);
      return didDocument(issuer, did);
    },
    /** A stored credential's signed document, with a live verdict for its page. */
    credential: async (id: string) => {
      const record = await store.getCredential(id);
      if (!record) throw notFound('credential');
      return { document: record.document, verdict: await verify(record.document) };
    },
    verify,
    health: async () => {
      await store.ping();
      return { status: 'ok' as const };
    },
  };
};

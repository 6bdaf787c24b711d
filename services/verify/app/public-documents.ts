import { didDocument, didWebFor } from '#shared/credentials/did-web.ts';
import { issuerDid } from '#shared/credentials/issuer-keys.ts';
import { achievementDocument, issuerProfile } from '#shared/credentials/open-badge.ts';
import { type VerificationResult, verifyCredential } from '#shared/credentials/verify.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import { type BadgeImageFormat, bakeCredential } from './baked-badge.ts';
import type { Clock, RemoteDidResolver, RemoteJsonFetcher, VerifyStore } from './ports.ts';

export interface PublicDeps {
  store: VerifyStore;
  remote: RemoteDidResolver;
  /** HTTPS documents the verifier needs (status lists, controller documents, JWKs); without it those checks fail. */
  fetcher?: RemoteJsonFetcher;
  clock: Clock;
  publicBaseUrl: string;
}

const notFound = (what: string) => new PermanentError('NOT_FOUND', `${what} not found`, { status: 404 });

/**
 * The public face of an institution: issuer profiles, DID documents, credentials, and verification of any
 * credential. Our own did:web documents resolve from the table, never through a round trip to ourselves.
 */
export const makePublicDocuments = ({ store, remote, fetcher, clock, publicBaseUrl }: PublicDeps) => {
  const ownPrefix = `${didWebFor(publicBaseUrl, '')}`;

  const loadIssuer = async (slug: string) => {
    const issuer = await store.getIssuer(slug);
    if (!issuer) throw notFound('issuer');
    // did:web, or in did:key mode the did:key of the active key: the id its credentials name.
    return { issuer, did: issuerDid(issuer, publicBaseUrl) };
  };

  const resolveDid = async (did: string): Promise<Record<string, unknown>> => {
    if (did.startsWith(ownPrefix)) {
      const slug = did.slice(ownPrefix.length);
      const issuer = await store.getIssuer(slug);
      if (!issuer || issuer.didMethod === 'key') throw new Error(`unknown issuer ${slug}`);
      return didDocument(issuer, did) as Record<string, unknown>;
    }
    return remote.resolve(did);
  };

  /** Any credential: a JSON object, a VC-JWT, or the bytes of a baked PNG/SVG. */
  const verify = (credential: unknown): Promise<VerificationResult> =>
    verifyCredential(credential, {
      resolveDid,
      ...(fetcher ? { fetchJson: (url: string) => fetcher.fetchJson(url) } : {}),
      now: clock.now(),
    });

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
      // A did:key issuer has no did:web to resolve; publishing one would name an identity it does not use.
      if (issuer.didMethod === 'key') throw notFound('did:web document (this issuer is a did:key)');
      return didDocument(issuer, did);
    },
    /** A stored credential's signed document, with a live verdict for its page. */
    credential: async (id: string) => {
      const record = await store.getCredential(id);
      if (!record) throw notFound('credential');
      return { document: record.document, verdict: await verify(record.document) };
    },
    /** A stored credential baked into a PNG or SVG badge image, for download. */
    bakedCredential: async (id: string, format: BadgeImageFormat) => {
      const record = await store.getCredential(id);
      if (!record) throw notFound('credential');
      return bakeCredential(record.document, format, `badge-${id}`);
    },
    verify,
    /** Our own did:web documents from the table, anyone else's over HTTPS (presentations' holders). */
    resolveDid,
    /** An uploaded badge image (`<sha256>.<png|svg>`), as stored. */
    image: async (file: string) => {
      const image = /^[0-9a-f]{64}\.(png|svg)$/.test(file) ? await store.getImage(file) : undefined;
      if (!image) throw new PermanentError('NOT_FOUND', 'image not found', { status: 404 });
      return image;
    },
    health: async () => {
      await store.ping();
      return { status: 'ok' as const };
    },
  };
};

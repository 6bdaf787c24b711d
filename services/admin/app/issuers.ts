import type { z } from 'zod';
import { HttpError } from '#shared/runtime/errors.ts';
import type { Issuer } from '#shared/tables/app-table.ts';
import { type Actor, assertCanManage } from '../domain/actor.ts';
import type { issuerInput, issuerProfileInput } from '../domain/schemas.ts';
import type { Clock, ConsoleStore, IssuerKeyFactory } from './ports.ts';

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);

/** The issuer as the console shows it: its profile and its keys' public facts (never a key reference). */
export const issuerView = (issuer: Issuer) => ({
  slug: issuer.slug,
  name: issuer.name,
  url: issuer.url,
  ...(issuer.email ? { email: issuer.email } : {}),
  ...(issuer.description ? { description: issuer.description } : {}),
  ...(issuer.image ? { image: issuer.image } : {}),
  keys: (
    issuer.keys ?? [
      { id: issuer.keyFragment, type: 'Multikey', publicKeyMultibase: issuer.publicKeyMultibase, status: 'active' },
    ]
  ).map((k) => ({ id: k.id, type: k.type, status: k.status, publicKeyMultibase: k.publicKeyMultibase })),
});

/**
 * Issuers: the institution's Profiles (departments, continuing education...), each with its own did:web.
 *
 * create: 1. admins only (the route says so); 2. a key for it (a local key file, or the stack's KMS key); 3. stored
 * if the slug is free, with its key as the one active Multikey. update: the profile only; keys belong to rotation.
 */
export const makeIssuers = ({ store, keys, clock }: { store: ConsoleStore; keys: IssuerKeyFactory; clock: Clock }) => ({
  list: async () => (await store.listIssuers()).map(issuerView),

  get: async (slug: string) => {
    const issuer = await store.getIssuer(slug);
    if (!issuer) throw notFound('issuer');
    return issuerView(issuer);
  },

  create: async (input: z.output<typeof issuerInput>) => {
    if (await store.getIssuer(input.slug)) throw new HttpError(409, 'ISSUER.EXISTS', `issuer ${input.slug} exists`);
    const { keyRef, publicKeyMultibase } = await keys.forIssuer(input.slug);
    const issuer: Issuer = {
      ...input,
      keyRef,
      keyFragment: 'key-1',
      publicKeyMultibase,
      keys: [
        {
          id: 'key-1',
          type: 'Multikey',
          keyRef,
          publicKeyMultibase,
          status: 'active',
          createdAt: clock.now().toISOString(),
        },
      ],
    };
    if (!(await store.createIssuer(issuer))) throw new HttpError(409, 'ISSUER.EXISTS', `issuer ${input.slug} exists`);
    return issuerView(issuer);
  },

  update: async (actor: Actor, slug: string, input: z.output<typeof issuerProfileInput>) => {
    assertCanManage(actor, slug);
    if (!(await store.updateIssuerProfile(slug, input))) throw notFound('issuer');
    const issuer = await store.getIssuer(slug);
    if (!issuer) throw notFound('issuer');
    return issuerView(issuer);
  },

  listSources: async () => ({ sources: (await store.listSources()).sort() }),

  addSource: async (name: string) => {
    if (!(await store.addSource(name))) throw new HttpError(409, 'SOURCE.EXISTS', `source ${name} is already allowed`);
    return { name };
  },
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSignIn } from '#services/admin/app/session.ts';
import { makeAdminDeps } from '#services/admin/wiring.ts';
import { AdminStore } from '#shared/adapters/admin-store.dynamodb.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { createLocalClaimKey } from '#shared/adapters/claim-key.local.ts';
import { ensureLocalUsers, readLocalUsers } from '#shared/adapters/local-users.ts';
import { LOCAL_SESSION, loadLocalSessionKey } from '#shared/adapters/session-key.local.ts';
import { createLocalSigner, localKeyRef } from '#shared/adapters/signer.local.ts';
import type { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { type Clock, systemClock } from '#shared/runtime/clock.ts';
import { makeJwtAuthorizer } from '#shared/runtime/jwt-auth.ts';
import { testTables } from './dynamo.ts';

type AdminDepsInput = Parameters<typeof makeAdminDeps>[0];

/** The public base URL the admin tests' deployment answers at (and the origin its console pages accept). */
export const BASE = 'https://badges.example.edu';

/**
 * What the admin function's tests build their handler from: its stores over fresh DynamoDB Local tables, local key
 * files, local console users and session key in a fresh folder, and recorders in place of what it hands on (dry-run
 * promotions published, claim emails resent, status commands run; those are tested with their own services).
 * Call it at the top level of a test file, then `buildHandler(bed.deps(...))`.
 */
export const adminTestBed = async ({ clock = systemClock }: { clock?: Clock } = {}) => {
  const db = await testTables();
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-admin-'));
  const store = new AdminStore(db.client, db.names.app);
  const appStore = new AppStore(db.client, db.names.app);
  const signer = createLocalSigner({ dataDir });
  const claimKey = createLocalClaimKey({ dataDir });
  const sessionKey = await loadLocalSessionKey(dataDir);
  const { users } = await ensureLocalUsers(dataDir);
  const promoted: DryRunPromotedV1[] = [];
  const resent: { credentialId: string; email?: string }[] = [];
  const statusCalls: unknown[][] = [];
  const status = {
    ...Object.fromEntries(
      (['revoke', 'suspend', 'reinstate'] as const).map((action) => [
        action,
        async (c: { credentialId: string; reason: string; actor: string }) => {
          statusCalls.push([action, c]);
          return { credentialId: c.credentialId, action, outcome: 'changed' as const, at: clock.now().toISOString() };
        },
      ]),
    ),
    revokeMany: async (input: unknown) => {
      statusCalls.push(['revokeMany', input]);
      return { matched: 0, revoked: 0, alreadyRevoked: 0, notFound: [], notRevocable: [] };
    },
  } as unknown as AdminDepsInput['status'];
  const sessionIssuer = `${BASE}/admin/api/session`;
  return {
    store,
    appStore,
    signer,
    claimKey,
    sessionKey,
    /** The local console users, with their passwords. */
    users,
    promoted,
    resent,
    statusCalls,
    /** Local mode's sign-in: the API's password sign-in and the pages' session check, on the bed's session key. */
    localSignIn: {
      signIn: makeSignIn({ users: () => readLocalUsers(dataDir), key: sessionKey, issuer: sessionIssuer, clock }),
      verifySession: makeJwtAuthorizer({
        issuer: sessionIssuer,
        audience: [LOCAL_SESSION.audience],
        key: sessionKey.publicKey,
        algorithms: [LOCAL_SESSION.algorithm],
      }),
    },
    /** The use cases over the bed, with a sign-in (`localSignIn`, or the hosted UI's) and any other change. */
    deps: (overrides: Partial<AdminDepsInput> = {}) =>
      makeAdminDeps({
        store,
        appStore,
        keys: {
          forIssuer: async (slug) => ({
            keyRef: localKeyRef(slug),
            publicKeyMultibase: await signer.publicKeyMultibase(localKeyRef(slug)),
          }),
        },
        claimKey,
        publisher: { dryRunPromoted: async (d) => void promoted.push(d) },
        resend: async (input) => {
          resent.push(input);
          return { credentialId: input.credentialId, expiresAt: '2026-06-13T16:20:00.000Z' };
        },
        status,
        publicBaseUrl: BASE,
        approvalsRequired: 2,
        clock,
        ...overrides,
      }),
  };
};

/**
 * A minimal real PNG header (signature + IHDR, 64x64), `length` bytes long, the rest `fill` (0xff: bytes that are not
 * valid UTF-8, to check an upload reaches the image checks unchanged).
 */
export const pngHeader = ({ length = 33, fill = 0 }: { length?: number; fill?: number } = {}) => {
  const png = Buffer.alloc(length, fill);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
  png.writeUInt32BE(13, 8);
  png.write('IHDR', 12, 'latin1');
  png.writeUInt32BE(64, 16);
  png.writeUInt32BE(64, 20);
  return png;
};

/** A cookie's value among a response's `Set-Cookie` lines. */
export const cookieValue = (setCookies: string[], name: string) =>
  setCookies
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
    ?.slice(name.length + 1);

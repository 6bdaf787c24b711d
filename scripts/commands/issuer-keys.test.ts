import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalJwtSigner } from '#shared/adapters/jwt-signer.local.ts';
import { createLocalSigner } from '#shared/adapters/signer.local.ts';
import { demoIssuer } from '#shared/testing/fixtures.ts';
import { InMemoryStore } from '#shared/testing/in-memory-store.ts';
import { makeKeyCommands } from './issuer-keys.ts';

const setup = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-cli-'));
  const signer = createLocalSigner({ dataDir });
  const jwtSigner = createLocalJwtSigner({ dataDir });
  const store = new InMemoryStore();
  store.issuers.set('demo', demoIssuer({ publicKeyMultibase: await signer.publicKeyMultibase('local:demo') }));
  const commands = makeKeyCommands({ store, signer, jwtSigner, now: () => new Date('2026-06-01T00:00:00Z') });
  return { store, signer, jwtSigner, commands };
};

describe('laurel issuer rotate-key | retire-key | revoke-key, client set', () => {
  it('rotates to a new Ed25519 key, reading its public half from the key itself', async () => {
    const { store, signer, commands } = await setup();

    const out = await commands.rotate('demo', 'local:demo-2');

    const issuer = store.issuers.get('demo');
    expect(issuer).toMatchObject({ keyRef: 'local:demo-2', keyFragment: 'key-2' });
    expect(issuer?.publicKeyMultibase).toBe(await signer.publicKeyMultibase('local:demo-2'));
    expect(issuer?.keys?.map((k) => `${k.id}:${k.status}`)).toEqual(['key-1:retired', 'key-2:active']);
    expect(out).toMatch(/key-2 \(Multikey\) now signs/);
  });

  it('recognises an RSA key as the VC-JWT key, and retires then revokes it on purpose only', async () => {
    const { store, jwtSigner, commands } = await setup();
    await jwtSigner.publicJwk('local:demo-jwt'); // an existing RSA key file

    await commands.rotate('demo', 'local:demo-jwt');
    await expect(commands.revoke('demo', 'jwt-1', true)).rejects.toThrow(/is active/);
    await commands.retire('demo', 'jwt-1');
    await expect(commands.revoke('demo', 'jwt-1', false)).rejects.toThrow(/--confirm/);
    await commands.revoke('demo', 'jwt-1', true);

    expect(store.issuers.get('demo')?.keys?.find((k) => k.id === 'jwt-1')).toMatchObject({
      type: 'JsonWebKey',
      status: 'revoked',
    });
    expect(await commands.keys('demo')).toMatch(/jwt-1\s+JsonWebKey\s+revoked/);
  });

  it('refuses to write over a change made meanwhile, and unknown issuers', async () => {
    const { store, commands } = await setup();
    const stale = store.issuers.get('demo');
    await commands.rotate('demo', 'local:demo-2');
    if (!stale) throw new Error('no issuer');
    await expect(store.saveIssuerKeys(stale, stale)).resolves.toBe(false);
    await expect(commands.rotate('ghost', 'local:x')).rejects.toThrow(/does not exist/);
  });

  it('maps a VC-API client to issuers that exist', async () => {
    const { store, commands } = await setup();
    await expect(commands.setClient({ clientId: 'abc', issuerSlugs: ['ghost'] })).rejects.toThrow(/ghost/);
    await commands.setClient({ clientId: 'abc', issuerSlugs: ['demo'] });
    expect(await store.getApiClient('abc')).toEqual({ clientId: 'abc', issuerSlugs: ['demo'] });
  });
});

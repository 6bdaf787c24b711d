import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createLocalJwtSigner } from './jwt-signer.local.ts';
import { createLocalSigner } from './signer.local.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'laurel-jwt-'));
const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('local JWT signer', () => {
  it('creates an RSA 2048 key file (0600) on first use and signs RS256 that jose verifies', async () => {
    const dataDir = fresh();
    const signer = createLocalJwtSigner({ dataDir });
    const input = `${b64('{"alg":"RS256"}')}.${b64('{"a":1}')}`;

    const signature = await signer.signRs256('local:demo-jwt', Buffer.from(input));
    const jwk = await signer.publicJwk('local:demo-jwt');

    expect(Object.keys(jwk).sort()).toEqual(['e', 'kty', 'n']);
    expect(Buffer.from(jwk.n, 'base64url')).toHaveLength(256);
    const file = join(dataDir, 'keys', 'demo-jwt.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
    const jws = `${input}.${Buffer.from(signature).toString('base64url')}`;
    await expect(compactVerify(jws, await importJWK(jwk, 'RS256'))).resolves.toBeDefined();
    // The same file after a restart
    expect(await createLocalJwtSigner({ dataDir }).publicJwk('local:demo-jwt')).toEqual(jwk);
  });

  it('refuses an Ed25519 key file and names that climb out of the keys folder', async () => {
    const dataDir = fresh();
    await createLocalSigner({ dataDir }).publicKeyMultibase('local:demo');
    const signer = createLocalJwtSigner({ dataDir });
    await expect(signer.publicJwk('local:demo')).rejects.toThrow(/not an RSA key/);
    await expect(signer.publicJwk('local:../../etc/passwd')).rejects.toThrow(/local keyRef/);
    await expect(signer.publicJwk('arn:aws:kms:x')).rejects.toThrow(/local keyRef/);
  });
});

import { verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyFromMultibase } from '#shared/credentials/multikey.ts';
import { createLocalSigner, localKeyRef } from './signer.local.ts';

describe('local signer', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'laurel-signer-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates an Ed25519 PKCS#8 PEM key on first use, readable by its owner only', async () => {
    const signer = createLocalSigner({ dataDir });

    const multibase = await signer.publicKeyMultibase(localKeyRef('demo'));
    const file = join(dataDir, 'keys', 'demo.pem');

    expect(multibase).toMatch(/^z6Mk/);
    expect((await readFile(file, 'utf8')).startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
  });

  it('signs with pure Ed25519, verifiable with its Multikey, and keeps the key across restarts', async () => {
    const data = new Uint8Array(64).fill(1);
    const first = createLocalSigner({ dataDir });
    const signature = await first.sign('local:demo', data);
    const multibase = await first.publicKeyMultibase('local:demo');

    const restarted = createLocalSigner({ dataDir });

    expect(signature).toHaveLength(64);
    expect(verify(null, data, publicKeyFromMultibase(multibase), signature)).toBe(true);
    expect(await restarted.publicKeyMultibase('local:demo')).toBe(multibase);
    expect(await createLocalSigner({ dataDir }).publicKeyMultibase('local:other')).not.toBe(multibase);
  });

  it('agrees on one key when two processes start at once', async () => {
    const keys = await Promise.all(
      Array.from({ length: 5 }, () => createLocalSigner({ dataDir }).publicKeyMultibase('local:race')),
    );

    expect(new Set(keys).size).toBe(1);
  });

  it('refuses keyRefs that are not local:<name>, or that would leave the keys folder', async () => {
    const signer = createLocalSigner({ dataDir });

    await expect(signer.sign('arn:aws:kms:eu-west-1:1:key/x', new Uint8Array(64))).rejects.toThrow(/local keyRef/);
    await expect(signer.publicKeyMultibase('local:../../etc/passwd')).rejects.toThrow(/local keyRef/);
    await expect(signer.publicKeyMultibase('local:')).rejects.toThrow(/local keyRef/);
  });
});

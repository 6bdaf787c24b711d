import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalClaimKey } from './claim-key.local.ts';

describe('local claim key', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'laurel-claim-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a 32-byte secret on first use (mode 0600) and MACs with HMAC-SHA-256', async () => {
    const mac = await createLocalClaimKey({ dataDir }).mac('cred-1.nonce');
    const file = join(dataDir, 'keys', 'claim.key');
    const secret = await readFile(file);

    expect(secret).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(mac)).toEqual(createHmac('sha256', secret).update('cred-1.nonce').digest());
  });

  it('gives the same MAC after a restart, and a different one for another message or folder', async () => {
    const before = await createLocalClaimKey({ dataDir }).mac('cred-1.nonce');
    const after = await createLocalClaimKey({ dataDir }).mac('cred-1.nonce');
    const other = await createLocalClaimKey({ dataDir }).mac('cred-2.nonce');
    const elsewhere = await mkdtemp(join(tmpdir(), 'laurel-claim-'));
    const foreign = await createLocalClaimKey({ dataDir: elsewhere }).mac('cred-1.nonce');
    await rm(elsewhere, { recursive: true, force: true });

    expect(after).toEqual(before);
    expect(other).not.toEqual(before);
    expect(foreign).not.toEqual(before);
  });

  it('refuses a claim.key of the wrong size', async () => {
    await mkdir(join(dataDir, 'keys'));
    await writeFile(join(dataDir, 'keys', 'claim.key'), 'short');

    await expect(createLocalClaimKey({ dataDir }).mac('x')).rejects.toThrow(/expected 32/);
  });
});

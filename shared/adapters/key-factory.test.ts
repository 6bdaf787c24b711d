import 'aws-sdk-client-mock-vitest/extend';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenerateMacCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyDocument } from '#shared/credentials/data-integrity.ts';
import { publicKeyFromMultibase } from '#shared/credentials/multikey.ts';
import { makeCredentialSigner } from './credential-signer.ts';
import { makeClaimKey, makeSigner } from './key-factory.ts';

const kms = mockClient(KMSClient);
const unsigned = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  issuer: 'did:key:z6Mk',
  credentialSubject: { id: 'did:example:1' },
};

describe('key factory', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'laurel-keys-'));
  });

  afterEach(async () => {
    kms.reset();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('local mode signs credentials with the local key files', async () => {
    const config = { LAUREL_MODE: 'local', LAUREL_DATA_DIR: dataDir } as const;
    const signer = makeSigner(config);

    const signed = await makeCredentialSigner(config, signer).sign(unsigned, {
      keyRef: 'local:demo',
      verificationMethod: 'did:key:z6Mk#z6Mk',
      created: '2026-01-01T00:00:00Z',
    });
    const multibase = await signer.publicKeyMultibase('local:demo');
    const result = await verifyDocument(signed, { resolvePublicKey: async () => publicKeyFromMultibase(multibase) });

    expect(result.verified).toBe(true);
    expect(await makeClaimKey(config).mac('m')).toHaveLength(32);
    expect(kms).not.toHaveReceivedAnyCommand();
  });

  it('aws mode goes to KMS with the issuer key and the claim key id', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    kms.on(SignCommand).callsFake(async (input: { Message: Uint8Array }) => ({
      Signature: new Uint8Array(sign(null, input.Message, privateKey)),
    }));
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32) });
    const config = { LAUREL_MODE: 'aws', CLAIM_KEY_ID: 'alias/laurel-claim' } as const;
    const client = new KMSClient({});

    await makeCredentialSigner(config, makeSigner(config, client)).sign(unsigned, {
      keyRef: 'key-123',
      verificationMethod: 'did:key:z6Mk#z6Mk',
      created: '2026-01-01T00:00:00Z',
    });
    await makeClaimKey(config, client).mac('m');

    expect(kms).toHaveReceivedCommandWith(SignCommand, { KeyId: 'key-123', SigningAlgorithm: 'ED25519_SHA_512' });
    expect(kms).toHaveReceivedCommandWith(GenerateMacCommand, { KeyId: 'alias/laurel-claim' });
  });

  it('fails fast on missing configuration', () => {
    expect(() => makeSigner({ LAUREL_MODE: 'local' })).toThrow(/LAUREL_DATA_DIR/);
    expect(() => makeClaimKey({ LAUREL_MODE: 'aws' })).toThrow(/CLAIM_KEY_ID/);
  });
});

import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { base58 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import {
  canonize,
  createProof,
  hashData,
  type JsonObject,
  signDocument,
  verifyDocument,
  verifyProof,
} from './data-integrity.ts';
import { createDocumentLoader, UnknownDocumentError } from './document-loader.ts';
import { publicKeyFromMultibase, publicKeyMultibaseFromKeyObject } from './multikey.ts';

const vectors = new URL('../../test/fixtures/vectors/', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, vectors), 'utf8');
const json = (path: string) => JSON.parse(text(path)) as JsonObject;

/** RFC 8410 PKCS#8 wrapper for a 32-byte Ed25519 seed. */
const privateKeyFromSeed = (seed: Uint8Array): KeyObject =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });

const signerFor = (key: KeyObject) => async (data: Uint8Array) => new Uint8Array(sign(null, data, key));

describe('eddsa-rdfc-2022: the OB 3.0 test vector', () => {
  // Prepare
  const vector = json('ob-v3p0-eddsa-rdfc-2022/test-vector.json') as {
    keyPair: { privateKeyHex: string; publicKeyMultibase: string };
    unsignedCredential: JsonObject;
    proofConfig: JsonObject & { verificationMethod: string; created: string };
    dataToSignHex: string;
    proofValue: string;
    signedCredential: JsonObject;
  };
  const privateKey = privateKeyFromSeed(Buffer.from(vector.keyPair.privateKeyHex.slice(0, 64), 'hex'));

  it('canonicalizes the credential and the proof configuration byte for byte', async () => {
    const context = vector.unsignedCredential['@context'];

    expect(await canonize(vector.unsignedCredential)).toBe(text('ob-v3p0-eddsa-rdfc-2022/document-canon.txt'));
    expect(await canonize({ ...vector.proofConfig, '@context': context })).toBe(
      text('ob-v3p0-eddsa-rdfc-2022/proof-canon.txt'),
    );
  });

  it('hashes to the published 64 bytes', async () => {
    const data = await hashData(vector.unsignedCredential, {
      ...vector.proofConfig,
      '@context': vector.unsignedCredential['@context'],
    });

    expect(Buffer.from(data).toString('hex')).toBe(vector.dataToSignHex);
  });

  it('reproduces the proofValue with the test key, and returns proof as an array', async () => {
    const signed = await signDocument(
      vector.unsignedCredential,
      { verificationMethod: vector.proofConfig.verificationMethod, created: vector.proofConfig.created },
      signerFor(privateKey),
    );

    expect(publicKeyMultibaseFromKeyObject(privateKey)).toBe(vector.keyPair.publicKeyMultibase);
    expect(signed.proof).toHaveLength(1);
    expect(signed.proof[0]?.proofValue).toBe(vector.proofValue);
    expect(signed).toEqual({ ...vector.signedCredential, proof: [vector.signedCredential.proof] });
  });

  it('verifies the published signed credential (proof as an object)', async () => {
    const resolvePublicKey = async () => publicKeyFromMultibase(vector.keyPair.publicKeyMultibase);

    const result = await verifyDocument(vector.signedCredential, { resolvePublicKey });

    expect(result).toEqual({
      verified: true,
      results: [{ verified: true, verificationMethod: vector.proofConfig.verificationMethod }],
    });
  });

  it('rejects a tampered credential and a wrong key', async () => {
    const resolvePublicKey = async () => publicKeyFromMultibase(vector.keyPair.publicKeyMultibase);
    const tampered = { ...vector.signedCredential, name: 'Teamwork Badge (gold)' };
    const other = generateKeyPairSync('ed25519').publicKey;

    const tamperedResult = await verifyDocument(tampered, { resolvePublicKey });
    const wrongKeyResult = await verifyDocument(vector.signedCredential, { resolvePublicKey: async () => other });

    expect(tamperedResult.verified).toBe(false);
    expect(tamperedResult.results[0]?.error).toBe('signature does not match');
    expect(wrongKeyResult.verified).toBe(false);
  });
});

describe('eddsa-rdfc-2022: the W3C vc-di-eddsa vector', () => {
  // Prepare: the vector uses the W3C examples context, which Laurel does not ship; the extra resolver supplies it.
  const examplesContext = json('vc-di-eddsa-rdfc-2022/credentials-examples-v2.json');
  const documentLoader = createDocumentLoader(async (url) =>
    url === 'https://www.w3.org/ns/credentials/examples/v2' ? examplesContext : undefined,
  );
  const signedVector = json('vc-di-eddsa-rdfc-2022/signedDataInt.json');
  const { proof, ...unsigned } = signedVector as JsonObject & {
    proof: { verificationMethod: string; created: string; proofValue: string };
  };
  const keyPair = json('vc-di-eddsa-rdfc-2022/keyPair.json') as {
    publicKeyMultibase: string;
    privateKeyMultibase: string;
  };
  // ed25519-priv multicodec (0x1300, varint 0x80 0x26) then the 32-byte seed.
  const seed = base58.decode(keyPair.privateKeyMultibase.slice(1)).slice(2);
  const privateKey = privateKeyFromSeed(seed);

  it('canonicalizes the document and proof configuration byte for byte', async () => {
    const proofConfig = json('vc-di-eddsa-rdfc-2022/proofConfigDataInt.json');

    expect(await canonize(unsigned, { documentLoader })).toBe(text('vc-di-eddsa-rdfc-2022/canonDocDataInt.txt'));
    expect(await canonize(proofConfig, { documentLoader })).toBe(text('vc-di-eddsa-rdfc-2022/proofCanonDataInt.txt'));
  });

  it('re-signing the unsigned document reproduces proofValue', async () => {
    const created = await createProof(
      unsigned,
      { verificationMethod: proof.verificationMethod, created: proof.created },
      signerFor(privateKey),
      { documentLoader },
    );

    expect(publicKeyMultibaseFromKeyObject(privateKey)).toBe(keyPair.publicKeyMultibase);
    expect(created.proofValue).toBe(text('vc-di-eddsa-rdfc-2022/sigBTC58DataInt.txt'));
    expect(created).toEqual(proof);
  });

  it('verifies the signed vector', async () => {
    const result = await verifyDocument(signedVector, {
      documentLoader,
      resolvePublicKey: async () => publicKeyFromMultibase(keyPair.publicKeyMultibase),
    });

    expect(result.verified).toBe(true);
  });
});

describe('eddsa-rdfc-2022: safety', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const base = json('ob-v3p0-eddsa-rdfc-2022/test-vector.json').unsignedCredential as JsonObject;
  const options = { verificationMethod: 'did:key:z6Mk#z6Mk', created: '2026-01-01T00:00:00Z' };

  it('refuses a context it has no offline copy of', async () => {
    const doc = { ...base, '@context': [...(base['@context'] as string[]), 'https://example.com/evil-context'] };

    await expect(canonize(doc)).rejects.toThrow(UnknownDocumentError);
  });

  it('refuses terms the contexts do not define (safe mode) instead of leaving them unsigned', async () => {
    await expect(createProof({ ...base, unknownTerm: 'x' }, options, signerFor(privateKey))).rejects.toThrow();
  });

  it('skips proofs of other suites but requires one of its own', async () => {
    const signed = await signDocument(base, options, signerFor(privateKey));
    const foreign = { type: 'SomeProofType', proofPurpose: 'assertionMethod' };
    const resolvePublicKey = async () => publicKey;

    const mixed = await verifyDocument({ ...signed, proof: [foreign, ...signed.proof] }, { resolvePublicKey });
    const onlyForeign = await verifyDocument({ ...signed, proof: [foreign] }, { resolvePublicKey });

    expect(mixed.verified).toBe(true);
    expect(mixed.results[0]?.skipped).toBe(true);
    expect(onlyForeign.verified).toBe(false);
  });

  it('fails a proof with another purpose, a bad proofValue, or a proof chain', async () => {
    const [proof] = (await signDocument(base, options, signerFor(privateKey))).proof;
    const resolvePublicKey = async () => publicKey;

    const purpose = await verifyProof(base, { ...proof, proofPurpose: 'authentication' }, { resolvePublicKey });
    const value = await verifyProof(base, { ...proof, proofValue: 'zabc' }, { resolvePublicKey });
    const chain = await verifyProof(base, { ...proof, previousProof: 'urn:uuid:1' }, { resolvePublicKey });
    const good = await verifyProof(base, proof, { resolvePublicKey });

    expect(purpose.error).toMatch(/proofPurpose/);
    expect(value.error).toMatch(/64 bytes/);
    expect(chain.error).toMatch(/previousProof/);
    expect(good.verified).toBe(true);
  });

  it('refuses to sign a document twice', async () => {
    const signed = await signDocument(base, options, signerFor(privateKey));

    await expect(signDocument(signed, options, signerFor(privateKey))).rejects.toThrow(/already signed/);
  });

  it('rejects a signer that does not return a 64-byte Ed25519 signature', async () => {
    await expect(createProof(base, options, async () => new Uint8Array(71))).rejects.toThrow(/expected 64/);
  });
});

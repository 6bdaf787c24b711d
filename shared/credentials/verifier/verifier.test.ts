import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { base58 } from '@scure/base';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { CONTEXTS } from '../context-urls.ts';
import { canonize, signDocument } from '../data-integrity.ts';
import { publicKeyMultibaseFromKeyObject } from '../multikey.ts';
import {
  type CheckName,
  decodeStatusList,
  readStatus,
  type VerificationResult,
  type VerifyOptions,
  verdictOf,
  verifyCredential,
} from './index.ts';

type Json = Record<string, unknown>;

const DID = 'did:web:badges.example.org:issuers:cs';
const ed = generateKeyPairSync('ed25519').privateKey;
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const stranger = generateKeyPairSync('ed25519').privateKey;
const jwkOf = (key: KeyObject) => createPublicKey(key).export({ format: 'jwk' });

/** P-256 Multikey: multicodec 0x1200 (varint 0x80 0x24) + the compressed point. */
const p256Multibase = (key: KeyObject) => {
  const { x, y } = jwkOf(key);
  const yBytes = Buffer.from(y as string, 'base64url');
  const compressed = Buffer.concat([Buffer.of(2 + ((yBytes.at(-1) ?? 0) & 1)), Buffer.from(x as string, 'base64url')]);
  return `z${base58.encode(Buffer.concat([Buffer.of(0x80, 0x24), compressed]))}`;
};

const didDocument = {
  '@context': [CONTEXTS.didV1, CONTEXTS.multikeyV1],
  id: DID,
  verificationMethod: [
    { id: `${DID}#ed`, type: 'Multikey', controller: DID, publicKeyMultibase: publicKeyMultibaseFromKeyObject(ed) },
    { id: `${DID}#p256`, type: 'Multikey', controller: DID, publicKeyMultibase: p256Multibase(p256) },
    { id: `${DID}#rsa`, type: 'JsonWebKey', controller: DID, publicKeyJwk: jwkOf(rsa) },
  ],
  assertionMethod: [`${DID}#ed`, `${DID}#p256`, `${DID}#rsa`],
};

const STATUS = 'https://badges.example.org/status';
const JWKS = 'https://badges.example.org/issuers/cs/jwks.json';

const credential = (extra: Json = {}): Json => ({
  '@context': [CONTEXTS.credentialsV2, CONTEXTS.ob303],
  id: 'https://badges.example.org/credentials/42',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: DID, type: ['Profile'], name: 'Computer Science' },
  validFrom: '2026-01-01T00:00:00Z',
  name: 'Algorithms',
  credentialSubject: {
    id: 'did:example:learner',
    type: ['AchievementSubject'],
    achievement: {
      id: 'https://badges.example.org/achievements/algorithms',
      type: ['Achievement'],
      name: 'Algorithms',
      description: 'Passed Algorithms.',
      criteria: { narrative: 'Pass the exam.' },
    },
  },
  ...extra,
});

const edSign = (key: KeyObject) => async (data: Uint8Array) => new Uint8Array(sign(null, data, key));
const signEd = (doc: Json, vm = `${DID}#ed`, key = ed) =>
  signDocument(doc, { verificationMethod: vm, created: '2026-01-01T00:00:00Z' }, edSign(key));

/** ecdsa-rdfc-2019 over P-256, built by hand: what an outside issuer would send. */
const signEcdsa = async (doc: Json): Promise<Json> => {
  const proof = {
    type: 'DataIntegrityProof',
    cryptosuite: 'ecdsa-rdfc-2019',
    created: '2026-01-01T00:00:00Z',
    verificationMethod: `${DID}#p256`,
    proofPurpose: 'assertionMethod',
  };
  const h = (t: string) => createHash('sha256').update(t).digest();
  const data = Buffer.concat([h(await canonize({ ...proof, '@context': doc['@context'] })), h(await canonize(doc))]);
  const signature = sign('sha256', data, { key: p256, dsaEncoding: 'ieee-p1363' });
  return { ...doc, proof: [{ ...proof, proofValue: `z${base58.encode(signature)}` }] };
};

/** A signed BitstringStatusListCredential with `set` bits on. */
const statusList = async (purpose: string, set: number[], issuer = DID, vm = `${DID}#ed`, key = ed): Promise<Json> => {
  const bits = new Uint8Array(16 * 1024);
  for (const i of set) bits[i >> 3] = (bits[i >> 3] ?? 0) | (0x80 >> (i & 7));
  const encodedList = `u${gzipSync(bits).toString('base64url')}`;
  return signEd(
    {
      '@context': [CONTEXTS.credentialsV2],
      id: `${STATUS}/${purpose}`,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: {
        id: `${STATUS}/${purpose}#list`,
        type: 'BitstringStatusList',
        statusPurpose: purpose,
        encodedList,
      },
    },
    vm,
    key,
  );
};

const entry = (purpose: string, index: number) => ({
  id: `${STATUS}/${purpose}#${index}`,
  type: 'BitstringStatusListEntry',
  statusPurpose: purpose,
  statusListIndex: String(index),
  statusListCredential: `${STATUS}/${purpose}`,
});

const hooks = (documents: Record<string, unknown> = {}): VerifyOptions => ({
  now: new Date('2026-06-01T00:00:00Z'),
  resolveDid: async (did) => {
    if (did === DID) return structuredClone(didDocument);
    throw new Error(`unknown ${did}`);
  },
  fetchJson: async (url) => {
    if (url in documents) return structuredClone(documents[url]);
    throw new Error(`404 ${url}`);
  },
});

const failed = (r: VerificationResult): CheckName[] => r.checks.filter((c) => !c.ok).map((c) => c.name);
const check = (r: VerificationResult, name: CheckName) => r.checks.find((c) => c.name === name);

describe('Data Integrity from any issuer', () => {
  it('verifies eddsa-rdfc-2022 and ecdsa-rdfc-2019 (P-256) credentials through the issuer’s did:web', async () => {
    for (const signed of [await signEd(credential()), await signEcdsa(credential())]) {
      const result = await verifyCredential(signed, hooks());

      expect(failed(result)).toEqual([]);
      expect(result.checks.filter((c) => c.warning)).toEqual([]);
    }
  });

  it('accepts a proof set when every proof it can check verifies, and rejects it when one does not', async () => {
    const [ed25519] = (await signEd(credential())).proof;
    const ecdsa = ((await signEcdsa(credential())).proof as Json[])[0];
    const both = { ...credential(), proof: [ed25519, ecdsa] };
    const broken = { ...credential(), proof: [ed25519, { ...ecdsa, proofValue: ed25519?.proofValue }] };

    expect((await verifyCredential(both, hooks())).verified).toBe(true);
    expect(check(await verifyCredential(broken, hooks()), 'proof')?.message).toBe('signature does not match');
  });

  it('takes a key from an HTTPS controller document, and refuses one the document does not list', async () => {
    const issuer = 'https://issuer.example/profile';
    const doc = { ...credential(), issuer: { id: issuer, type: ['Profile'], name: 'Elsewhere' } };
    const vm = `${issuer}#key-1`;
    const controllerDoc = {
      id: issuer,
      verificationMethod: [
        { id: vm, type: 'Multikey', controller: issuer, publicKeyMultibase: publicKeyMultibaseFromKeyObject(ed) },
      ],
      assertionMethod: [vm],
    };
    const signed = await signEd(doc, vm);

    const good = await verifyCredential(signed, hooks({ [issuer]: controllerDoc }));
    const unlisted = await verifyCredential(signed, hooks({ [issuer]: { ...controllerDoc, assertionMethod: [] } }));

    expect(failed(good)).toEqual([]);
    expect(check(unlisted, 'key')?.message).toBe(`${vm} is not an assertionMethod of ${issuer}`);
  });

  it('never falls back to the fragment key when the issuer’s document answers without it', async () => {
    const issuer = 'https://issuer.example/profile';
    const fragmentKey = publicKeyMultibaseFromKeyObject(stranger);
    const doc = { ...credential(), issuer: { id: issuer, type: ['Profile'], name: 'Elsewhere' } };
    const signed = await signEd(doc, `${issuer}#${fragmentKey}`, stranger);

    const unreachable = await verifyCredential(signed, hooks());
    const contradicted = await verifyCredential(signed, hooks({ [issuer]: { id: issuer, assertionMethod: [] } }));

    expect(check(unreachable, 'controller')).toMatchObject({ ok: true, warning: true });
    expect(check(contradicted, 'key')?.message).toMatch(/is not in the document of https:\/\/issuer\.example\/profile/);
  });

  it('rejects a fragment key named under someone else’s URL', async () => {
    const fragmentKey = publicKeyMultibaseFromKeyObject(stranger);
    const signed = await signEd(credential(), `https://attacker.example/#${fragmentKey}`, stranger);

    const result = await verifyCredential(signed, hooks());

    expect(failed(result)).toEqual(['controller']);
    expect(check(result, 'controller')?.message).toBe(
      `the key is named under https://attacker.example/, not under issuer ${DID}`,
    );
  });
});

describe('VC-JWT', () => {
  const jws = async (header: Json, payload: Json, key: KeyObject) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader(header as { alg: string })
      .sign(key);
  const claims = {
    iss: DID,
    jti: 'https://badges.example.org/credentials/42',
    sub: 'did:example:learner',
    nbf: 1767225600,
  };

  it.each([
    ['RS256', rsa, `${DID}#rsa`],
    ['ES256', p256, `${DID}#p256`],
    ['EdDSA', ed, `${DID}#ed`],
  ] as const)('verifies %s with the credential as payload (typ vc+jwt), key by DID URL kid', async (alg, key, kid) => {
    const jwt = await jws({ alg, typ: 'vc+jwt', kid }, { ...credential(), ...claims }, key);

    const result = await verifyCredential(jwt, hooks());

    expect(failed(result)).toEqual([]);
    expect(result.format).toBe('jwt');
    expect(check(result, 'proof')?.message).toBe(`VC-JWT (${alg})`);
    expect(result.credential).not.toHaveProperty('iss');
  });

  it('verifies the VC 1.1 form (typ JWT, vc claim) with a kid that is an HTTPS JWK Set URL', async () => {
    const { id: _id, validFrom: _from, ...vc } = credential({ '@context': [CONTEXTS.credentialsV1, CONTEXTS.ob303] });
    const jwt = await jws({ alg: 'RS256', typ: 'JWT', kid: `${JWKS}#rsa-1` }, { vc, ...claims }, rsa);
    const jwks = { keys: [{ ...jwkOf(rsa), kid: 'rsa-1' }] };

    const result = await verifyCredential(jwt, hooks({ [JWKS]: jwks }));

    expect(failed(result)).toEqual([]);
    expect(result.credential).toMatchObject({ id: claims.jti, issuanceDate: '2026-01-01T00:00:00Z' });
    expect(check(result, 'format')?.message).toBe('a VC-JWT (vc claim)');
  });

  it('rejects claims that contradict the credential, a key of another issuer, and a forged signature', async () => {
    const wrongClaims = await jws(
      { alg: 'EdDSA', kid: `${DID}#ed` },
      { ...credential(), ...claims, iss: 'did:web:x.example', nbf: 1 },
      ed,
    );
    const otherIssuer = await jws(
      { alg: 'EdDSA', kid: `${JWKS}#ed` },
      credential({ issuer: { id: 'https://elsewhere.example/issuer', type: ['Profile'] } }),
      ed,
    );
    const forged = await jws({ alg: 'EdDSA', kid: `${DID}#ed` }, credential(), stranger);

    const claimsResult = await verifyCredential(wrongClaims, hooks());
    const issuerResult = await verifyCredential(
      otherIssuer,
      hooks({ [JWKS]: { keys: [{ ...jwkOf(ed), kid: 'ed' }] } }),
    );

    expect(failed(claimsResult)).toEqual(['claims']);
    expect(check(claimsResult, 'claims')?.message).toBe(
      `iss "did:web:x.example" is not the issuer id; nbf is not the validFrom`,
    );
    expect(failed(issuerResult)).toEqual(['controller']);
    expect(check(await verifyCredential(forged, hooks()), 'proof')?.message).toBe('signature does not match');
  });

  it('takes an EnvelopedVerifiableCredential (VC-API) holding the JWT', async () => {
    const jwt = await jws({ alg: 'EdDSA', kid: `${DID}#ed` }, credential(), ed);
    const enveloped = {
      '@context': CONTEXTS.credentialsV2,
      type: 'EnvelopedVerifiableCredential',
      id: `data:application/vc+jwt,${jwt}`,
    };

    expect((await verifyCredential(enveloped, hooks())).verified).toBe(true);
  });

  it('refuses alg none and algorithms outside the list', async () => {
    const body = Buffer.from(JSON.stringify(credential())).toString('base64url');
    const none = `${Buffer.from('{"alg":"none","kid":"did:web:badges.example.org:issuers:cs#ed"}').toString('base64url')}.${body}.`;
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: `${DID}#ed` })).toString('base64url')}.${body}.AAAA`;

    expect(check(await verifyCredential(none, hooks()), 'format')?.ok).toBe(false);
    expect(check(await verifyCredential(hs, hooks()), 'proof')?.message).toMatch(/not allowed/);
  });
});

describe('Bitstring Status List', () => {
  const documents = async (revoked: number[], suspended: number[]) => ({
    [`${STATUS}/revocation`]: await statusList('revocation', revoked),
    [`${STATUS}/suspension`]: await statusList('suspension', suspended),
  });
  const statused = () => signEd(credential({ credentialStatus: [entry('revocation', 7), entry('suspension', 7)] }));

  it('reads revocation and suspension per purpose, bit 0 being the most significant bit of byte 0', async () => {
    const signed = await statused();

    const fine = await verifyCredential(signed, hooks(await documents([6, 8], [])));
    const revoked = await verifyCredential(signed, hooks(await documents([7], [7])));
    const suspended = await verifyCredential(signed, hooks(await documents([], [7])));

    expect(fine.verified).toBe(true);
    expect(fine.status).toEqual({ revoked: false, suspended: false });
    expect(verdictOf(revoked)).toBe('revoked');
    expect(verdictOf(suspended)).toBe('suspended');
    expect(check(suspended, 'status')?.message).toBe('suspended by its issuer');
  });

  it('does not trust a list signed by someone else, or altered after signing', async () => {
    const signed = await statused();
    const lists = await documents([], []);
    const other = publicKeyMultibaseFromKeyObject(stranger);
    const foreign = await statusList('revocation', [7], `did:key:${other}`, `did:key:${other}#${other}`, stranger);
    const altered = { ...lists[`${STATUS}/revocation`], validFrom: '2026-02-01T00:00:00Z' };

    const byOther = await verifyCredential(signed, hooks({ ...lists, [`${STATUS}/revocation`]: foreign }));
    const tampered = await verifyCredential(signed, hooks({ ...lists, [`${STATUS}/revocation`]: altered }));

    expect(check(byOther, 'status')?.message).toMatch(/issued by did:key:z6Mk\w+, not the issuer/);
    expect(check(tampered, 'status')?.message).toMatch(/proof failed: signature does not match/);
    expect(verdictOf(tampered)).toBe('invalid');
  });

  it('decodes with a bound on size, and reads multi-bit statuses', () => {
    const bomb = `u${gzipSync(Buffer.alloc(8 * 1024 * 1024)).toString('base64url')}`;
    expect(() => decodeStatusList(bomb)).toThrow(/at most 2097152 bytes/);
    expect(() => decodeStatusList('not base64!')).toThrow(/multibase base64url/);
    expect(readStatus(Uint8Array.of(0b0110_0000), 1, 2)).toBe(0b10);
    expect(() => readStatus(Uint8Array.of(0), 8)).toThrow(/beyond the list/);
  });
});

describe('verdictOf', () => {
  it('names the lifecycle reason only when nothing else failed', async () => {
    const signed = await signEd(credential({ validUntil: '2026-03-01T00:00:00Z' }));
    const expired = await verifyCredential(signed, hooks());
    const tamperedAndExpired = await verifyCredential({ ...signed, name: 'x' }, hooks());

    expect(verdictOf(expired)).toBe('expired');
    expect(verdictOf(tamperedAndExpired)).toBe('invalid');
  });
});

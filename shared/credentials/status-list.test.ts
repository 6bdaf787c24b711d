import { createList, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { describe, expect, it } from 'vitest';
import {
  buildStatusListCredential,
  credentialStatusOf,
  decodeStatusList,
  emptyEncodedList,
  isStatusListId,
  MAX_INDEX_DRAWS,
  randomStatusIndex,
  readStatusBit,
  STATUS_LIST_CAPACITY,
  STATUS_LIST_FILL_LIMIT,
  STATUS_LIST_LENGTH,
  STATUS_LIST_TTL_SECONDS,
  setStatusBits,
} from './status-list.ts';

const LIST = 'https://badges.example.edu/status/2f1c7a52-8a8b-4d0e-9a8e-0d6f3f0f6a11';
const listUrl = (id: string) => `https://badges.example.edu/status/${id}`;

describe('bitstring status list encoding', () => {
  it('encodes an empty list of the minimum length as multibase base64url of GZIP, which the reference library reads', async () => {
    // Act
    const encoded = await emptyEncodedList();
    // Assess
    expect(encoded).toMatch(/^uH4sI[A-Za-z0-9_-]+$/); // 'u' + base64url of the GZIP magic bytes 1f 8b 08
    const reference = await decodeList({ encodedList: encoded });
    expect(reference.length).toBe(131_072);
    expect([0, 1, 65_535, 131_071].map((i) => reference.getStatus(i))).toEqual([false, false, false, false]);
  });

  it('round-trips set bits through the reference library, left-most bit first', async () => {
    const encoded = await setStatusBits(await emptyEncodedList(), [0, 7, 8, 94_567, 131_071], true);
    const reference = await decodeList({ encodedList: encoded });
    for (const i of [0, 7, 8, 94_567, 131_071]) expect(reference.getStatus(i), `bit ${i}`).toBe(true);
    for (const i of [1, 6, 9, 94_566, 94_568, 131_070]) expect(reference.getStatus(i), `bit ${i}`).toBe(false);
    // Index 0 is the most significant bit of the first byte (the spec's "left-most bit").
    expect((await decodeStatusList(encoded)).bits[0]).toBe(0b1000_0001);
  });

  it('reads lists the reference library wrote, and clears bits again', async () => {
    // Prepare
    const list = await createList({ length: STATUS_LIST_LENGTH });
    list.setStatus(23, true);
    list.setStatus(100_000, true);
    const encoded = await list.encode();
    // Act
    const cleared = await setStatusBits(encoded, [23], false);
    // Assess
    expect(await readStatusBit(encoded, 23)).toBe(true);
    expect(await readStatusBit(cleared, 23)).toBe(false);
    expect(await readStatusBit(cleared, 100_000)).toBe(true);
  });

  it('stays small when sparse, as the spec intends (a few hundred bytes for a thousand revocations)', async () => {
    const indexes = Array.from({ length: 1_000 }, () => randomStatusIndex());
    const encoded = await setStatusBits(await emptyEncodedList(), indexes, true);
    expect((await emptyEncodedList()).length).toBeLessThan(200);
    expect(encoded.length).toBeLessThan(4_000);
  });

  it('refuses an index outside the list and an encoding that is not multibase base64url', async () => {
    await expect(setStatusBits(await emptyEncodedList(), [STATUS_LIST_LENGTH], true)).rejects.toThrow(/out of range/);
    await expect(setStatusBits(await emptyEncodedList(), [-1], true)).rejects.toThrow();
    await expect(decodeStatusList('H4sIAAAA')).rejects.toThrow(/multibase/);
  });
});

describe('allocation policy', () => {
  it('draws indexes uniformly over the whole list', () => {
    const draws = Array.from({ length: 20_000 }, () => randomStatusIndex());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(STATUS_LIST_LENGTH);
    const lowerHalf = draws.filter((d) => d < STATUS_LIST_LENGTH / 2).length / draws.length;
    expect(lowerHalf).toBeGreaterThan(0.47);
    expect(lowerHalf).toBeLessThan(0.53);
  });

  it('keeps lists at least the spec minimum and stops filling at half, where all draws colliding is ~1e-6', () => {
    expect(STATUS_LIST_LENGTH).toBeGreaterThanOrEqual(131_072);
    expect(STATUS_LIST_CAPACITY).toBe(65_536);
    expect(STATUS_LIST_FILL_LIMIT ** MAX_INDEX_DRAWS).toBeLessThan(1e-5);
  });

  it('names lists by UUID only', () => {
    expect(isStatusListId('2f1c7a52-8a8b-4d0e-9a8e-0d6f3f0f6a11')).toBe(true);
    for (const bad of ['', '1', '../issuers/demo', '2F1C7A52-8A8B-4D0E-9A8E-0D6F3F0F6A11', `${'a'.repeat(36)}`])
      expect(isStatusListId(bad), bad).toBe(false);
  });
});

describe('credentialStatus', () => {
  it('is one BitstringStatusListEntry object for revocation alone (OB 3.0 allows one)', () => {
    const status = credentialStatusOf([{ purpose: 'revocation', listId: 'L1', index: 94_567 }], listUrl);
    expect(status).toEqual({
      id: 'https://badges.example.edu/status/L1#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: 'https://badges.example.edu/status/L1',
    });
  });

  it('is an array, revocation first, when there is a suspension entry too; nothing without entries', () => {
    const status = credentialStatusOf(
      [
        { purpose: 'suspension', listId: 'L2', index: 5 },
        { purpose: 'revocation', listId: 'L1', index: 0 },
      ],
      listUrl,
    );
    expect(Array.isArray(status) && status.map((s) => [s.statusPurpose, s.statusListIndex])).toEqual([
      ['revocation', '0'],
      ['suspension', '5'],
    ]);
    expect(credentialStatusOf([], listUrl)).toBeUndefined();
  });
});

describe('status list credential', () => {
  it('is a VC 2.0 BitstringStatusListCredential whose subject carries purpose, list and a ttl matching the cache', () => {
    const credential = buildStatusListCredential({
      url: LIST,
      issuerDid: 'did:web:badges.example.edu:issuers:demo',
      purpose: 'revocation',
      encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
      validFrom: '2026-05-14T16:20:05Z',
      validUntil: '2026-05-16T16:20:05Z',
    });
    expect(credential).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: LIST,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:web:badges.example.edu:issuers:demo',
      validFrom: '2026-05-14T16:20:05Z',
      validUntil: '2026-05-16T16:20:05Z',
      credentialSubject: {
        id: `${LIST}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
        ttl: STATUS_LIST_TTL_SECONDS * 1000,
      },
    });
  });
});

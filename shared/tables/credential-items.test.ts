import { describe, expect, it } from 'vitest';
import { type CredentialRecord, keys } from './app-table.ts';
import {
  credentialFromItems,
  credentialItems,
  credentialItemsQuery,
  packDocument,
  unpackDocument,
} from './credential-items.ts';

const record: CredentialRecord = {
  id: 'c-1',
  issuerSlug: 'demo',
  achievementId: 'intro-to-cs',
  ruleId: 'cs101-completed',
  sourceEventId: 'evt-1',
  recipientEmail: 'ada@example.edu',
  document: { zeta: 1, alpha: { b: [1, 'two', null], a: true }, proof: { proofValue: 'z3abc' } },
  issuedAt: '2026-05-14T16:20:05Z',
  claimNonce: 'nonce',
  emailStatus: 'pending',
};

describe('credential items', () => {
  it('splits a credential into a state item on the day listing and a document item off it', () => {
    // Act
    const { state, document } = credentialItems(record);
    // Assess
    const { document: _d, ...fields } = record;
    expect(state).toEqual({ ...keys.credential('c-1'), ...keys.credentialLog(record.issuedAt, 'c-1'), ...fields });
    expect(document).toEqual({
      ...keys.credentialDocument('c-1'),
      credentialId: 'c-1',
      documentGzip: expect.any(Uint8Array),
    });
    expect(unpackDocument(document.documentGzip)).toEqual(record.document);
  });

  it('refuses a state the table schema refuses, as reads would', () => {
    expect(() => credentialItems({ ...record, recipientEmail: 'not an email' })).toThrow();
  });

  it('keeps the JSON exactly, key order included', () => {
    expect(JSON.stringify(unpackDocument(packDocument(record.document)))).toBe(JSON.stringify(record.document));
  });

  it('joins the two items back, and reads no credential from a document alone', () => {
    const { state, document } = credentialItems(record);
    expect(credentialFromItems([state, document])).toEqual(record);
    expect(credentialFromItems([document])).toBeUndefined();
    expect(credentialFromItems([])).toBeUndefined();
    expect(() => credentialFromItems([state])).toThrow(/no document item/);
  });

  it('queries a sort-key range holding the state and the document, and nothing else of the partition', () => {
    const { ExpressionAttributeValues: range } = credentialItemsQuery('c-1');
    const inRange = (sk: string) => sk >= range[':state'] && sk <= range[':document'];
    expect(range[':pk']).toBe(keys.credential('c-1').pk);
    expect([keys.credential('c-1').sk, keys.credentialDocument('c-1').sk].every(inRange)).toBe(true);
    const neighbours = [keys.reminder('c-1'), keys.statusChange('c-1', '2026-05-14T16:20:05Z', 'revoke')];
    expect(neighbours.every((k) => k.pk === range[':pk'])).toBe(true);
    expect(neighbours.map((k) => inRange(k.sk))).toEqual([false, false]);
  });
});

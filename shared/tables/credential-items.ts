import { gunzipSync, gzipSync } from 'node:zlib';
import {
  type CredentialRecord,
  credentialDocumentItem,
  credentialItem,
  credentialStateItem,
  keys,
  stripKeys,
} from './app-table.ts';

type Item = Record<string, unknown>;

/** The signed document as stored: gzip of its JSON (the bytes of the JSON as issued, key order included). */
export const packDocument = (document: Record<string, unknown>): Uint8Array =>
  gzipSync(Buffer.from(JSON.stringify(document), 'utf8'));

export const unpackDocument = (bytes: Uint8Array): Record<string, unknown> =>
  JSON.parse(gunzipSync(bytes).toString('utf8')) as Record<string, unknown>;

/**
 * A credential's two items (see the table comment in app-table.ts), keys included: the state, on the day listing, and
 * the document.
 */
export const credentialItems = (record: CredentialRecord) => {
  const { document, ...state } = record;
  return {
    state: {
      ...keys.credential(record.id),
      ...keys.credentialLog(record.issuedAt, record.id),
      ...credentialStateItem.parse(state),
    },
    document: {
      ...keys.credentialDocument(record.id),
      ...credentialDocumentItem.parse({ credentialId: record.id, documentGzip: packDocument(document) }),
    },
  };
};

/**
 * The key condition that reads both items of a credential with one Query: its partition, sort keys from the state's
 * to the document's. Nothing else in the partition sorts between them (reminder `REMINDER`, status changes
 * `STATUSCHANGE#…`).
 */
export const credentialItemsQuery = (id: string) => ({
  KeyConditionExpression: 'pk = :pk AND sk BETWEEN :state AND :document',
  ExpressionAttributeValues: {
    ':pk': keys.credential(id).pk,
    ':state': keys.credential(id).sk,
    ':document': keys.credentialDocument(id).sk,
  },
});

/** Items holding a credential's state but not its document: what only an eventually consistent read could see. */
export const lacksDocument = (items: readonly Item[]) =>
  items.some((i) => i.sk === keys.credential('').sk) && !items.some((i) => i.sk === keys.credentialDocument('').sk);

/**
 * The credential from the items that Query returned: undefined without a state item (no such credential, or a
 * document whose issuance transaction never happened). A state without its document cannot be written (the document
 * goes first), so one is an error.
 */
export const credentialFromItems = (items: readonly Item[]): CredentialRecord | undefined => {
  const state = items.find((i) => i.sk === keys.credential('').sk);
  if (!state) return undefined;
  const stored = items.find((i) => i.sk === keys.credentialDocument('').sk);
  if (!stored) throw new Error(`credential ${String(state.id)} has no document item`);
  const { documentGzip } = credentialDocumentItem.parse(stripKeys(stored));
  return credentialItem.parse({ ...stripKeys(state), document: unpackDocument(documentGzip) });
};

import { randomInt } from 'node:crypto';
import { Bitstring } from '@digitalbazaar/bitstring';
import type { StatusEntry, StatusPurpose } from '#shared/tables/app-table.ts';
import { CONTEXTS } from './context-urls.ts';

/**
 * W3C Bitstring Status List v1.0, the parts Laurel issues: entries in credentials, the list's encoding, and the
 * unsigned list credential. Pure; signing and storage live elsewhere.
 */

/** Entries a list holds: the spec's minimum (16 KB of bits), which is also its default and its herd-privacy floor. */
export const STATUS_LIST_LENGTH = 131_072;

/**
 * A list stops taking new entries when half its indexes are allocated (65,536 credentials a list).
 *
 * Indexes are drawn at random (the spec's privacy advice: no inference of issue order or group size) and claimed
 * with a conditional write, so a draw that hits a taken index is simply drawn again. Without that check the birthday
 * problem would make a collision likely after only ~√N ≈ 360 credentials; with it, the cost of a fill ratio f is
 * f/(1-f) wasted draws per allocation: 1 at f = 0.5, 3 at 0.75, 9 at 0.9. Stopping at 0.5 keeps the average under
 * 0.4 extra writes over a list's life (∫₀^½ x/(1-x) dx ÷ ½ ≈ 0.39), the worst under 1, and the chance that
 * `MAX_INDEX_DRAWS` draws all collide at most 0.5^20 ≈ 1e-6 (then the award is retried by its queue), while each
 * list still hides a credential among 65,536 others.
 */
export const STATUS_LIST_FILL_LIMIT = 0.5;
export const STATUS_LIST_CAPACITY = Math.floor(STATUS_LIST_LENGTH * STATUS_LIST_FILL_LIMIT);
/** Draws before an allocation gives up (transiently): see `STATUS_LIST_FILL_LIMIT`. */
export const MAX_INDEX_DRAWS = 20;

/**
 * How long a signed list credential is valid. A holder may staple a list to a presentation, so a list signed before
 * a revocation must not be accepted for long; 48 hours bounds that replay while letting one signature serve a day
 * of reads (the list is re-signed once fewer than `STATUS_LIST_REFRESH_MS` remain, or as soon as a bit changes).
 */
export const STATUS_LIST_VALIDITY_MS = 48 * 3_600_000;
export const STATUS_LIST_REFRESH_MS = 24 * 3_600_000;

/**
 * HTTP and `ttl` freshness of a served list: five minutes, so a revocation reaches verifiers (and any CDN in front)
 * within minutes, while a verifier checking many credentials of one list fetches it once. Kept equal to the list's
 * `ttl`, as the spec asks.
 */
export const STATUS_LIST_TTL_SECONDS = 300;

/** A random index in a list, from the CSPRNG. */
export const randomStatusIndex = (length: number = STATUS_LIST_LENGTH): number => randomInt(0, length);

/** List ids are UUIDs: they reveal neither the issuer's list count nor when a list was opened. */
export const isStatusListId = (id: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

/** A `BitstringStatusListEntry`, as the credential's `credentialStatus` carries it (an alias: JSON-assignable). */
export type BitstringStatusListEntry = {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  statusListIndex: string;
  statusListCredential: string;
};

/**
 * The credential's `credentialStatus`: one object when there is one entry (what OB 3.0's schema, `0..1`, allows),
 * an array of entries (revocation first) when the achievement is suspendable too, as the W3C spec's example does.
 */
export const credentialStatusOf = (
  entries: readonly StatusEntry[],
  listUrl: (listId: string) => string,
): BitstringStatusListEntry | BitstringStatusListEntry[] | undefined => {
  const order: Record<StatusPurpose, number> = { revocation: 0, suspension: 1 };
  const built = [...entries]
    .sort((a, b) => order[a.purpose] - order[b.purpose])
    .map((e): BitstringStatusListEntry => {
      const url = listUrl(e.listId);
      return {
        id: `${url}#${e.index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: e.purpose,
        statusListIndex: String(e.index),
        statusListCredential: url,
      };
    });
  if (built.length === 0) return undefined;
  return built.length === 1 ? built[0] : built;
};

const MULTIBASE_BASE64URL = 'u';

/** A list of `length` zero bits, encoded. */
export const emptyEncodedList = async (length: number = STATUS_LIST_LENGTH): Promise<string> =>
  MULTIBASE_BASE64URL + (await new Bitstring({ length }).encodeBits());

/** Decodes `encodedList` (multibase base64url of GZIP); throws on anything else. */
export const decodeStatusList = async (encodedList: string): Promise<Bitstring> => {
  if (!encodedList.startsWith(MULTIBASE_BASE64URL)) throw new Error('encodedList must be multibase base64url (u…)');
  const buffer = await Bitstring.decodeBits({ encoded: encodedList.slice(1) });
  return new Bitstring({ buffer });
};

/** Sets (or clears) bits in an encoded list and returns the new encoding. Indexes outside the list throw. */
export const setStatusBits = async (encodedList: string, indexes: readonly number[], value: boolean) => {
  const bits = await decodeStatusList(encodedList);
  for (const index of indexes) bits.set(index, value);
  return MULTIBASE_BASE64URL + (await bits.encodeBits());
};

/** The bit at `index` of an encoded list. */
export const readStatusBit = async (encodedList: string, index: number): Promise<boolean> =>
  (await decodeStatusList(encodedList)).get(index);

export interface StatusListCredentialInput {
  /** `…/status/{listId}`: the credential's `id`, and the `statusListCredential` of its entries. */
  url: string;
  issuerDid: string;
  purpose: StatusPurpose;
  encodedList: string;
  validFrom: string;
  validUntil: string;
}

/** An unsigned `BitstringStatusListCredential` (VC Data Model 2.0), ready for an eddsa-rdfc-2022 proof. */
export const buildStatusListCredential = (input: StatusListCredentialInput) => ({
  '@context': [CONTEXTS.credentialsV2],
  id: input.url,
  type: ['VerifiableCredential', 'BitstringStatusListCredential'],
  issuer: input.issuerDid,
  validFrom: input.validFrom,
  validUntil: input.validUntil,
  credentialSubject: {
    id: `${input.url}#list`,
    type: 'BitstringStatusList',
    statusPurpose: input.purpose,
    encodedList: input.encodedList,
    ttl: STATUS_LIST_TTL_SECONDS * 1000,
  },
});

import { gunzipSync } from 'node:zlib';
import { checkController } from './controller.ts';
import { verifyDataIntegrity } from './proofs.ts';
import { checkExpiration, checkIssuance, fail, pass, warn } from './structure.ts';
import type { Check, StatusResult, VerifierHooks } from './types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const issuerIdOf = (doc: Json): unknown => (isObject(doc.issuer) ? doc.issuer.id : doc.issuer);

/** How far in the future a status list's `validFrom` may be (clocks differ; lists are signed just in time). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A list decompresses to at most this (16 Mi entries): a hostile list must not exhaust memory. */
const MAX_LIST_BYTES = 2 * 1024 * 1024;

/**
 * `encodedList`: multibase base64url (`u…`, no padding) of the GZIP of the bitstring. Older lists (and 1EdTech's
 * test list) omit the `u`; both are read. Decompression is capped (`MAX_LIST_BYTES`).
 */
export const decodeStatusList = (encodedList: unknown): Uint8Array => {
  if (typeof encodedList !== 'string' || !/^u?[A-Za-z0-9_-]+$/.test(encodedList)) {
    throw new Error('encodedList is not multibase base64url');
  }
  const gz = Buffer.from(encodedList.startsWith('u') ? encodedList.slice(1) : encodedList, 'base64url');
  try {
    return new Uint8Array(gunzipSync(gz, { maxOutputLength: MAX_LIST_BYTES }));
  } catch (e) {
    throw new Error(`encodedList is not a GZIP bitstring of at most ${MAX_LIST_BYTES} bytes: ${(e as Error).message}`);
  }
};

/** The `size`-bit value at `index` (entry index, not bit index); bit 0 is the most significant bit of byte 0. */
export const readStatus = (bits: Uint8Array, index: number, size = 1): number => {
  let value = 0;
  for (let i = 0; i < size; i++) {
    const bit = index * size + i;
    const byte = bits[bit >> 3];
    if (byte === undefined) throw new Error(`statusListIndex ${index} is beyond the list (${bits.length * 8} bits)`);
    value = (value << 1) | ((byte >> (7 - (bit & 7))) & 1);
  }
  return value;
};

interface EntryOutcome {
  purpose: string;
  value?: number;
  problem?: string;
  unsupported?: string;
}

/** A status list credential is trusted like the credential: signed, by the same issuer, in force, of the purpose. */
const verifyList = async (list: unknown, issuer: unknown, purpose: string, hooks: VerifierHooks, now: Date) => {
  if (!isObject(list)) throw new Error('the status list is not a JSON object');
  if (!asList(list.type).includes('BitstringStatusListCredential')) {
    throw new Error('the status list is not a BitstringStatusListCredential');
  }
  if (issuerIdOf(list) !== issuer)
    throw new Error(`the status list was issued by ${String(issuerIdOf(list))}, not the issuer`);
  const proofs = (await verifyDataIntegrity(list, hooks, now)).filter((p) => !p.skipped);
  if (proofs.length === 0) throw new Error('the status list has no proof this verifier can check');
  const bad = proofs.find((p) => !p.verified);
  if (bad) throw new Error(`the status list's proof failed: ${bad.keyError ?? bad.error}`);
  const controller = checkController(
    issuer,
    proofs.flatMap((p) => (p.key ? [p.key] : [])),
  );
  if (!controller.ok) throw new Error(`the status list's signer: ${controller.message}`);
  // A list is re-signed on demand, often a moment before it is read, and maybe by a machine whose clock runs a
  // little ahead: its start may be up to CLOCK_SKEW_MS in the future.
  for (const check of [checkIssuance(list, new Date(now.getTime() + CLOCK_SKEW_MS)), checkExpiration(list, now)]) {
    if (!check.ok) throw new Error(`the status list is ${check.message}`);
  }
  const subject = list.credentialSubject;
  if (!isObject(subject) || !asList(subject.type).includes('BitstringStatusList')) {
    throw new Error('the status list credential holds no BitstringStatusList');
  }
  if (!asList(subject.statusPurpose).includes(purpose)) {
    throw new Error(`the status list is for ${JSON.stringify(subject.statusPurpose)}, not ${purpose}`);
  }
  return decodeStatusList(subject.encodedList);
};

const readEntry = async (entry: unknown, doc: Json, hooks: VerifierHooks, now: Date): Promise<EntryOutcome> => {
  if (!isObject(entry)) return { purpose: '?', problem: 'a credentialStatus entry is not an object' };
  if (entry.type !== 'BitstringStatusListEntry') {
    return { purpose: String(entry.statusPurpose ?? '?'), unsupported: String(entry.type) };
  }
  const purpose = String(entry.statusPurpose);
  const index = Number(entry.statusListIndex);
  const size = entry.statusSize === undefined ? 1 : Number(entry.statusSize);
  const url = entry.statusListCredential;
  if (!Number.isSafeInteger(index) || index < 0) return { purpose, problem: 'statusListIndex is not an index' };
  if (!Number.isInteger(size) || size < 1 || size > 8) return { purpose, problem: 'statusSize must be 1 to 8' };
  if (typeof url !== 'string' || !url.startsWith('https://')) {
    return { purpose, problem: 'statusListCredential is not an HTTPS URL' };
  }
  if (!hooks.fetchJson) return { purpose, problem: 'no fetcher is configured to read status lists' };
  try {
    const list = await hooks.fetchJson(url);
    const bits = await verifyList(list, issuerIdOf(doc), purpose, hooks, now);
    return { purpose, value: readStatus(bits, index, size) };
  } catch (e) {
    return { purpose, problem: e instanceof Error ? e.message : String(e) };
  }
};

/**
 * Reads every `BitstringStatusListEntry` of `credentialStatus` (revocation, suspension). Fails when the credential
 * is revoked or suspended, and when a list cannot be read or trusted (a verifier that cannot ask must not answer
 * "valid"); warns on status types it does not implement, which it reports as unchecked.
 */
export const checkStatus = async (
  doc: Json,
  hooks: VerifierHooks,
  now: Date,
): Promise<{ check: Check; status?: StatusResult }> => {
  const entries = asList(doc.credentialStatus);
  if (entries.length === 0) return { check: pass('status', 'no status list: the issuer cannot revoke it') };
  const outcomes = await Promise.all(entries.map((e) => readEntry(e, doc, hooks, now)));
  const problems = outcomes.filter((o) => o.problem);
  const status: StatusResult = {};
  for (const o of outcomes) {
    if (o.value === undefined) continue;
    if (o.purpose === 'revocation') status.revoked = (status.revoked ?? false) || o.value !== 0;
    if (o.purpose === 'suspension') status.suspended = (status.suspended ?? false) || o.value !== 0;
  }
  const read = Object.keys(status).length > 0 ? { status } : {};
  if (status.revoked) return { check: fail('status', 'revoked by its issuer'), ...read };
  if (status.suspended) return { check: fail('status', 'suspended by its issuer'), ...read };
  if (problems.length) {
    const why = problems.map((p) => `${p.purpose}: ${p.problem}`).join('; ');
    return { check: fail('status', `the status could not be checked (${why})`), ...read };
  }
  const unsupported = outcomes.filter((o) => o.unsupported);
  if (unsupported.length) {
    const types = [...new Set(unsupported.map((o) => o.unsupported))].join(', ');
    return { check: warn('status', `status type ${types} is not supported: not checked`), ...read };
  }
  return { check: pass('status'), ...read };
};

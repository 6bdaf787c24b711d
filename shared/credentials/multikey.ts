import { createPublicKey, type KeyObject } from 'node:crypto';
import { base58 } from '@scure/base';

/** Multicodec varint for `ed25519-pub` (0xed), as the two bytes it encodes to. */
const ED25519_PUB_PREFIX = Uint8Array.of(0xed, 0x01);

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }. */
const ED25519_SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

const startsWith = (bytes: Uint8Array, prefix: Uint8Array) =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** Ed25519 raw public key (32 bytes) → Multikey `publicKeyMultibase` (`z6Mk…`). */
export const publicKeyMultibaseFromRaw = (raw: Uint8Array): string => {
  if (raw.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes, got ${raw.length}`);
  const bytes = new Uint8Array(34);
  bytes.set(ED25519_PUB_PREFIX, 0);
  bytes.set(raw, 2);
  return `z${base58.encode(bytes)}`;
};

/** Ed25519 SubjectPublicKeyInfo DER (what KMS GetPublicKey returns) → raw 32-byte public key. */
export const rawPublicKeyFromSpki = (der: Uint8Array): Uint8Array => {
  if (der.length !== ED25519_SPKI_PREFIX.length + 32 || !startsWith(der, ED25519_SPKI_PREFIX)) {
    throw new Error('not an Ed25519 SubjectPublicKeyInfo');
  }
  return der.slice(ED25519_SPKI_PREFIX.length);
};

/** Ed25519 SubjectPublicKeyInfo DER → Multikey `publicKeyMultibase`. */
export const publicKeyMultibaseFromSpki = (der: Uint8Array): string =>
  publicKeyMultibaseFromRaw(rawPublicKeyFromSpki(der));

/** A node:crypto Ed25519 key (public or private) → Multikey `publicKeyMultibase` of its public half. */
export const publicKeyMultibaseFromKeyObject = (key: KeyObject): string => {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key: ${pub.asymmetricKeyType}`);
  return publicKeyMultibaseFromSpki(pub.export({ format: 'der', type: 'spki' }));
};

/** Multikey `publicKeyMultibase` → raw 32-byte Ed25519 public key; throws on any other key type or encoding. */
export const rawPublicKeyFromMultibase = (publicKeyMultibase: string): Uint8Array => {
  if (!publicKeyMultibase.startsWith('z')) throw new Error('publicKeyMultibase must be base58btc (start with "z")');
  const bytes = base58.decode(publicKeyMultibase.slice(1));
  if (bytes.length !== 34 || !startsWith(bytes, ED25519_PUB_PREFIX)) {
    throw new Error('publicKeyMultibase is not an Ed25519 public key');
  }
  return bytes.slice(2);
};

/** Multikey `publicKeyMultibase` → node:crypto public KeyObject, ready for `crypto.verify(null, …)`. */
export const publicKeyFromMultibase = (publicKeyMultibase: string): KeyObject => {
  const raw = rawPublicKeyFromMultibase(publicKeyMultibase);
  const der = new Uint8Array(ED25519_SPKI_PREFIX.length + 32);
  der.set(ED25519_SPKI_PREFIX, 0);
  der.set(raw, ED25519_SPKI_PREFIX.length);
  return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
};

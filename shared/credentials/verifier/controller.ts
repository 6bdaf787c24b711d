import { didWebToUrl } from '../did-web.ts';
import type { ResolvedKey } from './keys.ts';
import { fail, pass, warn } from './structure.ts';
import type { Check } from './types.ts';

/** Identifiers that can publish keys at all: a DID or an HTTPS URL. A `urn:uuid:` issuer cannot. */
const canPublishKeys = (id: string) => id.startsWith('did:') || id.startsWith('https://');

/** The HTTPS space an issuer speaks for: its own URL, or where its did:web document lives. */
const authorityOf = (issuer: string): URL | undefined => {
  try {
    if (issuer.startsWith('did:web:'))
      return new URL(didWebToUrl(issuer).replace(/\/(\.well-known\/)?did\.json$/, '/'));
    if (issuer.startsWith('https://')) return new URL(issuer);
  } catch {
    return undefined;
  }
  return undefined;
};

/** True when `keyUrl` is published at or under the issuer's own URL (same origin, same path or below it). */
export const withinAuthority = (issuer: string, keyUrl: string): boolean => {
  const base = authorityOf(issuer);
  const key = URL.parse(keyUrl);
  if (!base || !key || key.protocol !== 'https:' || key.origin !== base.origin) return false;
  const prefix = base.pathname.replace(/\/+$/, '');
  return key.pathname === prefix || key.pathname.startsWith(`${prefix}/`);
};

const judge = (issuer: string, key: ResolvedKey): Check => {
  switch (key.source) {
    case 'did':
    case 'controller-document':
      if (key.controller === issuer) return pass('controller');
      if (!canPublishKeys(issuer)) {
        return warn(
          'controller',
          `the issuer ${issuer} cannot publish keys, so nothing ties it to the signer ${key.controller}`,
        );
      }
      return fail('controller', `issuer ${issuer} does not control the key (its controller is ${key.controller})`);
    case 'jwk-url':
      if (withinAuthority(issuer, key.controller)) return pass('controller');
      if (!canPublishKeys(issuer)) {
        return warn('controller', `the issuer ${issuer} cannot publish keys, so nothing ties it to ${key.controller}`);
      }
      return fail('controller', `the key at ${key.controller} is not published by issuer ${issuer}`);
    case 'self-asserted':
      if (key.controller === '' || key.controller === issuer) {
        return warn(
          'controller',
          `the key was ${key.note ?? 'named by the credential itself'}, so nothing published by ${issuer} confirms it is theirs`,
        );
      }
      return fail('controller', `the key is named under ${key.controller}, not under issuer ${issuer}`);
  }
};

/**
 * Issuer = key controller, for every key that signed. A key proven by the issuer's own DID or controller document
 * passes; a key the credential carries itself passes with a warning (1EdTech's fixture convention, a JWT `jwk`);
 * a key that provably belongs to someone else fails.
 */
export const checkController = (issuer: unknown, keys: ResolvedKey[]): Check => {
  if (typeof issuer !== 'string')
    return fail('controller', 'the credential names no issuer id to compare the key with');
  if (keys.length === 0) return fail('controller', 'no key resolved to compare the issuer with');
  const checks = keys.map((k) => judge(issuer, k));
  const failed = checks.find((c) => !c.ok);
  return failed ?? checks.find((c) => c.warning) ?? pass('controller');
};

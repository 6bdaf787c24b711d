import type { ClaimKey } from './adapters/claim-key.ts';
import { normalizeEmail } from './credentials/open-badge.ts';

/**
 * A learner's key: HMAC(claim key, `learner-key.v1.<normalized email>`), base64url. What pathway progress and the
 * console's credential search are keyed by, so no key, index or log ever holds an email; unlike a bare hash, nobody
 * without the key can test a guessed address against it. (Domain-separated from claim tokens, which MAC
 * `<uuid>.<nonce>`.)
 */
export const learnerKey = async (key: ClaimKey, email: string): Promise<string> =>
  Buffer.from(await key.mac(`learner-key.v1.${normalizeEmail(email)}`)).toString('base64url');

import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ClaimKey } from './claim-key.ts';
import { readOrCreateSecretFile } from './local-key-file.ts';
import { standInCall } from './stand-in-calls.ts';

/**
 * Claim key for local mode: a 32-byte secret in `<dataDir>/keys/claim.key` (created on first use, mode 0600),
 * HMAC-SHA-256 with node:crypto. Same port, same output size as the KMS claim key.
 */
export const createLocalClaimKey = (options: { dataDir: string }): ClaimKey => {
  let secret: Promise<Buffer> | undefined;
  const load = (): Promise<Buffer> => {
    secret ??= readOrCreateSecretFile(join(options.dataDir, 'keys', 'claim.key'), () => randomBytes(32)).then(
      (s) => {
        if (s.length !== 32) throw new Error(`claim.key holds ${s.length} bytes, expected 32`);
        return s;
      },
      (e: unknown) => {
        // Forget a failure (say, a read-only folder) so the next call tries again.
        secret = undefined;
        throw e;
      },
    );
    return secret;
  };
  return {
    async mac(message) {
      standInCall('KMS', 'GenerateMac');
      return new Uint8Array(
        createHmac('sha256', await load())
          .update(message, 'utf8')
          .digest(),
      );
    },
  };
};

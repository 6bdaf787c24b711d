import { HttpError } from '#shared/runtime/errors.ts';
import type { BadgeImageFormat } from '../app/baked-badge.ts';

/** A baked image or a JWT is a few KiB; a body beyond this is refused before it is parsed. */
export const MAX_VERIFY_BODY_BYTES = 2 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface VerifyRequestInput {
  body?: string | undefined;
  isBase64Encoded?: boolean;
  contentType?: string | undefined;
}

const JWT_TYPES = new Set(['application/vc+jwt', 'application/jwt', 'application/vc-ld+jwt']);
const IMAGE_TYPES = new Set(['image/png', 'image/svg+xml']);

/**
 * What `POST /credentials/verify` was asked to verify, by content type:
 * - `application/json` (VC-API): `{"verifiableCredential": {…}}`, the credential itself, an
 *   `EnvelopedVerifiableCredential` holding a VC-JWT, or a compact VC-JWT string;
 * - `application/vc+jwt` / `application/jwt`: the compact JWT as the body;
 * - `image/png` / `image/svg+xml`: a baked badge image.
 */
export const readVerifyRequest = ({ body, isBase64Encoded, contentType }: VerifyRequestInput): unknown => {
  if (!body) throw new HttpError(400, 'REQUEST.EMPTY', 'the request has no body');
  const bytes = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > MAX_VERIFY_BODY_BYTES) {
    throw new HttpError(413, 'REQUEST.TOO_LARGE', `the body is over ${MAX_VERIFY_BODY_BYTES / 1024 / 1024} MiB`);
  }
  const type = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  if (IMAGE_TYPES.has(type)) return new Uint8Array(bytes);
  if (JWT_TYPES.has(type)) return bytes.toString('utf8').trim();
  if (type !== 'application/json' && type !== 'application/ld+json' && type !== 'text/plain') {
    throw new HttpError(
      415,
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      'send application/json, application/vc+jwt, image/png or image/svg+xml',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HttpError(400, 'REQUEST.INVALID_JSON', 'the request body is not JSON');
  }
  const credential = isObject(parsed) && 'verifiableCredential' in parsed ? parsed.verifiableCredential : undefined;
  if (!isObject(credential) && typeof credential !== 'string') {
    throw new HttpError(
      400,
      'REQUEST.INVALID',
      'the body must be {"verifiableCredential": {...}} (a credential, or an EnvelopedVerifiableCredential holding a VC-JWT)',
    );
  }
  return credential;
};

/** `?format=png|svg` on `GET /credentials/{id}`: the badge image with the credential baked in. */
export const readImageFormat = (
  query: Record<string, string | undefined> | undefined,
): BadgeImageFormat | undefined => {
  const format = query?.format;
  if (format === undefined) return undefined;
  if (format === 'png' || format === 'svg') return format;
  if (format === 'jwt') return undefined;
  throw new HttpError(400, 'REQUEST.INVALID_FORMAT', 'format must be png, svg or jwt');
};

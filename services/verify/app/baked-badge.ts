import {
  BakingError,
  bakePng,
  bakeSvg,
  defaultBadgePng,
  defaultBadgeSvg,
  isPng,
} from '#shared/credentials/baking/index.ts';

export type BadgeImageFormat = 'png' | 'svg';

export interface BakedBadge {
  body: Uint8Array;
  contentType: 'image/png' | 'image/svg+xml';
  filename: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A `data:` URL's bytes, when it is of `mediaType`; `undefined` for anything else (https: URLs included). */
const dataUrlBytes = (url: string | undefined, mediaType: string): Uint8Array | undefined => {
  if (!url?.startsWith(`data:${mediaType}`)) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(0, comma);
  const payload = url.slice(comma + 1);
  try {
    return new Uint8Array(
      meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8'),
    );
  } catch {
    return undefined;
  }
};

/**
 * The image to bake into: the achievement's own image when the credential carries it inline (`data:image/png` or
 * `data:image/svg+xml`, which needs no fetch and is covered by the signature), else Laurel's default medallion.
 * An achievement image behind an HTTPS URL is not fetched: see shared/credentials/baking/default-image.ts.
 */
const baseImage = (document: Json, format: BadgeImageFormat): Uint8Array | string => {
  const subject = obj(
    Array.isArray(document.credentialSubject) ? document.credentialSubject[0] : document.credentialSubject,
  );
  const achievement = obj(subject.achievement);
  const image = achievement.image;
  const url = typeof image === 'string' ? image : str(obj(image).id);
  if (format === 'png') {
    const png = dataUrlBytes(url, 'image/png');
    return png && isPng(png) ? png : defaultBadgePng();
  }
  const svg = dataUrlBytes(url, 'image/svg+xml');
  if (svg) return Buffer.from(svg).toString('utf8');
  const issuer = obj(document.issuer);
  return defaultBadgeSvg({
    name: str(achievement.name) ?? str(document.name) ?? 'Achievement',
    ...(str(issuer.name) ? { issuerName: str(issuer.name) } : {}),
  });
};

/**
 * Bakes a signed credential (its JSON, exactly as stored) into a PNG (iTXt `openbadgecredential`) or an SVG
 * (`<openbadges:credential>` with the JSON in CDATA). An achievement image that will not bake falls back to the default.
 */
export const bakeCredential = (document: Json, format: BadgeImageFormat, name: string): BakedBadge => {
  const json = JSON.stringify(document);
  const filename = `${name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'badge'}.${format}`;
  const base = baseImage(document, format);
  if (format === 'png') {
    let body: Uint8Array;
    try {
      body = bakePng(base as Uint8Array, json);
    } catch (e) {
      if (!(e instanceof BakingError)) throw e;
      body = bakePng(defaultBadgePng(), json);
    }
    return { body, contentType: 'image/png', filename };
  }
  let svg: string;
  try {
    svg = bakeSvg(base as string, json);
  } catch (e) {
    if (!(e instanceof BakingError)) throw e;
    svg = bakeSvg(defaultBadgeSvg({ name: 'Achievement' }), json);
  }
  return { body: new Uint8Array(Buffer.from(svg, 'utf8')), contentType: 'image/svg+xml', filename };
};

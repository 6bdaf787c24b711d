import { createHash } from 'node:crypto';
import { HttpError } from '#shared/runtime/errors.ts';
import { IMAGE_TYPES, type ImageExtension } from '#shared/tables/app-table.ts';

/**
 * Badge images: PNG or SVG, at most 256 KB, stored in the table (a DynamoDB item holds 400 KB) and served at a
 * content-addressed URL, `/images/<sha256>.<ext>`: one store for both modes, backed up with the catalog, and a URL
 * that can be cached forever because its bytes never change.
 */
export const MAX_IMAGE_BYTES = 256 * 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const invalid = (message: string) => new HttpError(400, 'IMAGE.INVALID', message);

/** A real PNG: the signature, then an IHDR chunk with sane dimensions. */
const checkPng = (bytes: Buffer) => {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw invalid('not a PNG file');
  if (bytes.subarray(12, 16).toString('latin1') !== 'IHDR') throw invalid('not a PNG file (no IHDR chunk)');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0 || width > 4096 || height > 4096)
    throw invalid(`PNG dimensions ${width}x${height} are outside 1..4096`);
};

/**
 * SVG can carry script. Anything that could run or fetch is refused (script, event handlers, foreignObject,
 * javascript: and external references, DTDs and entities); what passes is still served with a CSP that forbids
 * scripts and a sandbox (shared/runtime image responses), so even a bypass stays inert.
 */
const SVG_FORBIDDEN: [RegExp, string][] = [
  [/<!DOCTYPE|<!ENTITY/i, 'DTDs and entities'],
  [/<script[\s>/]/i, 'script elements'],
  [/\son[a-z]+\s*=/i, 'event handler attributes'],
  [/<foreignObject[\s>/]/i, 'foreignObject'],
  [/<(iframe|embed|object|audio|video|canvas|handler|listener)[\s>/]/i, 'embedded content'],
  [/javascript:|vbscript:/i, 'script URLs'],
  [/(href|src)\s*=\s*["']\s*(?!#|data:image\/(png|jpeg|gif|webp);)/i, 'external references'],
  [/@import|url\(\s*["']?\s*(?!#|data:image\/(png|jpeg|gif|webp);)/i, 'external style references'],
  [/<set[\s>/]|<animate[^>]*attributeName\s*=\s*["']?(href|xlink:href)/i, 'animated links'],
];

const checkSvg = (bytes: Buffer) => {
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').length !== bytes.length || text.includes('\uFFFD')) throw invalid('SVG must be UTF-8');
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*/, '')
    .trimStart();
  for (const [pattern, what] of SVG_FORBIDDEN) {
    if (pattern.test(text)) throw invalid(`SVG badges may not contain ${what}`);
  }
  if (!/^<svg[\s>]/.test(body)) throw invalid('not an SVG file (it must start with <svg>)');
};

export interface ValidImage {
  id: string;
  contentType: (typeof IMAGE_TYPES)[ImageExtension];
  data: Uint8Array<ArrayBuffer>;
  bytes: number;
}

/** Checks an upload against its declared type and names it by its SHA-256. */
export const validateImage = (bytes: Buffer, declaredType: string | undefined): ValidImage => {
  const type = (declaredType ?? '').split(';')[0]?.trim().toLowerCase();
  const ext = (Object.keys(IMAGE_TYPES) as ImageExtension[]).find((e) => IMAGE_TYPES[e] === type);
  if (!ext) throw new HttpError(415, 'IMAGE.UNSUPPORTED', 'upload a PNG (image/png) or an SVG (image/svg+xml)');
  if (bytes.length === 0) throw invalid('the image is empty');
  if (bytes.length > MAX_IMAGE_BYTES)
    throw new HttpError(413, 'IMAGE.TOO_LARGE', `images may be at most ${MAX_IMAGE_BYTES / 1024} KB`);
  if (ext === 'png') checkPng(bytes);
  else checkSvg(bytes);
  const id = `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
  return {
    id,
    contentType: IMAGE_TYPES[ext],
    data: new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer),
    bytes: bytes.length,
  };
};

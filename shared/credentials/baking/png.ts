import { crc32, inflateSync } from 'node:zlib';
import { BakingError } from './errors.ts';

/** The iTXt keyword Open Badges 3.0 bakes a credential under (2.0 used `openbadges`). */
export const PNG_KEYWORD = 'openbadgecredential';

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
/** A baked credential is a few KiB; a compressed iTXt that inflates past this is refused. */
const MAX_TEXT_BYTES = 1024 * 1024;

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

export const isPng = (bytes: Uint8Array): boolean =>
  bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);

/** Splits a PNG into its chunks, checking the signature, every length and CRC, and that it ends with IEND. */
export const readChunks = (png: Uint8Array): PngChunk[] => {
  if (!isPng(png)) throw new BakingError('not a PNG (bad signature)');
  const view = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let at = SIGNATURE.length;
  while (at < view.length) {
    if (at + 12 > view.length) throw new BakingError('truncated PNG chunk');
    const length = view.readUInt32BE(at);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > view.length) throw new BakingError('PNG chunk runs past the end of the file');
    const typeAndData = view.subarray(at + 4, at + 8 + length);
    const type = typeAndData.subarray(0, 4).toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type)) throw new BakingError('invalid PNG chunk type');
    if (crc32(typeAndData) !== view.readUInt32BE(at + 8 + length))
      throw new BakingError(`bad CRC in PNG ${type} chunk`);
    chunks.push({ type, data: new Uint8Array(typeAndData.subarray(4)) });
    at = end;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR' || chunks.at(-1)?.type !== 'IEND')
    throw new BakingError('a PNG runs from IHDR to IEND');
  return chunks;
};

/** Chunks back into a PNG, with fresh lengths and CRCs. */
export const writeChunks = (chunks: readonly PngChunk[]): Uint8Array => {
  const parts: Buffer[] = [Buffer.from(SIGNATURE)];
  for (const { type, data } of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    parts.push(head, Buffer.from(data), crc);
  }
  return new Uint8Array(Buffer.concat(parts));
};

/** An uncompressed iTXt chunk body: keyword, NUL, flag 0, method 0, empty language tag and translated keyword. */
const itxt = (keyword: string, text: string): Uint8Array =>
  new Uint8Array(Buffer.concat([Buffer.from(`${keyword}\0\0\0\0\0`, 'latin1'), Buffer.from(text, 'utf8')]));

/** The keyword of an iTXt chunk (Latin-1, before the first NUL). */
const itxtKeyword = (data: Uint8Array): string => {
  const k = data.indexOf(0);
  return k < 1 ? '' : Buffer.from(data.subarray(0, k)).toString('latin1');
};

/** The text of an iTXt chunk, inflating it (bounded) when its compression flag is set. */
const itxtText = (data: Uint8Array): string => {
  const buf = Buffer.from(data);
  const k = buf.indexOf(0);
  const lang = k < 0 ? -1 : buf.indexOf(0, k + 3);
  const translated = lang < 0 ? -1 : buf.indexOf(0, lang + 1);
  if (translated < 0) throw new BakingError('malformed iTXt chunk');
  const body = buf.subarray(translated + 1);
  if (buf[k + 1] !== 1) return body.toString('utf8');
  try {
    return inflateSync(body, { maxOutputLength: MAX_TEXT_BYTES }).toString('utf8');
  } catch {
    throw new BakingError('the openbadgecredential iTXt chunk does not inflate');
  }
};

/**
 * Bakes `credential` (the JSON text of a credential, or a compact VC-JWT) into `png` as an uncompressed iTXt chunk
 * keyed `openbadgecredential`, just before IEND. An earlier baked credential is replaced, never doubled.
 */
export const bakePng = (png: Uint8Array, credential: string): Uint8Array => {
  const chunks = readChunks(png).filter((c) => !(c.type === 'iTXt' && itxtKeyword(c.data) === PNG_KEYWORD));
  const end = chunks.length - 1;
  return writeChunks([
    ...chunks.slice(0, end),
    { type: 'iTXt', data: itxt(PNG_KEYWORD, credential) },
    ...chunks.slice(end),
  ]);
};

/** The credential text baked into `png`, or `undefined` when there is none; throws on a malformed PNG. */
export const unbakePng = (png: Uint8Array): string | undefined => {
  const chunk = readChunks(png).find((c) => c.type === 'iTXt' && itxtKeyword(c.data) === PNG_KEYWORD);
  return chunk ? itxtText(chunk.data) : undefined;
};

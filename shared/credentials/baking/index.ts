import { BakingError } from './errors.ts';
import { bakePng, isPng, unbakePng } from './png.ts';
import { bakeSvg, isSvg, unbakeSvg } from './svg.ts';

export { defaultBadgePng, defaultBadgeSvg, encodePng } from './default-image.ts';
export { BakingError } from './errors.ts';
export { bakePng, isPng, PNG_KEYWORD, unbakePng } from './png.ts';
export { bakeSvg, isSvg, OB_NAMESPACE, unbakeSvg } from './svg.ts';

/** What a baked image held: the credential text (JSON or a compact VC-JWT) and the kind of image. */
export interface Unbaked {
  image: 'png' | 'svg';
  text: string;
}

/**
 * Reads the credential baked into an image, whichever kind it is. Returns `undefined` for bytes that are not an
 * image; throws `BakingError` for an image that is broken or holds no credential.
 */
export const unbake = (bytes: Uint8Array): Unbaked | undefined => {
  if (isPng(bytes)) {
    const text = unbakePng(bytes);
    if (text === undefined) throw new BakingError('the PNG holds no openbadgecredential iTXt chunk');
    return { image: 'png', text };
  }
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('utf8');
  if (isSvg(head)) {
    const text = unbakeSvg(Buffer.from(bytes).toString('utf8'));
    if (text === undefined) throw new BakingError('the SVG holds no <openbadges:credential> element');
    return { image: 'svg', text };
  }
  return undefined;
};

/** Bakes into a PNG or an SVG, whichever `image` is. */
export const bake = (image: Uint8Array, credential: string): Uint8Array => {
  if (isPng(image)) return bakePng(image, credential);
  const text = Buffer.from(image).toString('utf8');
  if (isSvg(text)) return new Uint8Array(Buffer.from(bakeSvg(text, credential), 'utf8'));
  throw new BakingError('only PNG and SVG images can be baked');
};

import { DOMParser, type Element, onErrorStopParsing, XMLSerializer } from '@xmldom/xmldom';
import { BakingError } from './errors.ts';

/** The namespace of the `<openbadges:credential>` element (Open Badges 3.0 baking). */
export const OB_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';
const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
const XMLNS = 'http://www.w3.org/2000/xmlns/';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Parses SVG text strictly: any XML error stops it. xmldom never fetches the DTD an SVG may name, and expands no
 * entities beyond XML's own, so a baked image cannot make the verifier reach out or blow up.
 */
const parse = (svg: string) => {
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({ onError: onErrorStopParsing }).parseFromString(svg, 'image/svg+xml');
  } catch (e) {
    throw new BakingError(`not well-formed SVG: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const root = doc.documentElement;
  if (root?.localName !== 'svg' || root.namespaceURI !== SVG_NAMESPACE) {
    throw new BakingError('not an SVG document (the root must be <svg> in the SVG namespace)');
  }
  return { doc, root };
};

const bakedElements = (root: Element) => Array.from(root.getElementsByTagNameNS(OB_NAMESPACE, 'credential'));

export const isSvg = (text: string): boolean =>
  /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]/i.test(text);

/**
 * Bakes `credential` into `svg` as the root's first child `<openbadges:credential>`: a compact VC-JWT in its
 * `verify` attribute, JSON in CDATA. An earlier baked credential is replaced.
 */
export const bakeSvg = (svg: string, credential: string): string => {
  const { doc, root } = parse(svg);
  for (const old of bakedElements(root)) old.parentNode?.removeChild(old);
  const prefix = root.lookupPrefix(OB_NAMESPACE) ?? 'openbadges';
  if (!root.lookupPrefix(OB_NAMESPACE)) root.setAttributeNS(XMLNS, `xmlns:${prefix}`, OB_NAMESPACE);
  const element = doc.createElementNS(OB_NAMESPACE, `${prefix}:credential`);
  const text = credential.trim();
  if (COMPACT_JWS.test(text)) {
    element.setAttribute('verify', text);
  } else {
    // `]]>` cannot appear inside CDATA: split there into adjacent sections, which read back as the same text.
    text.split(']]>').forEach((part, i, all) => {
      element.appendChild(doc.createCDATASection(i < all.length - 1 ? `${part}]]` : part));
      if (i < all.length - 1) element.appendChild(doc.createTextNode('>'));
    });
  }
  root.insertBefore(element, root.firstChild);
  return new XMLSerializer().serializeToString(doc);
};

/** The credential baked into `svg` (the `verify` JWT, else the element's text), or `undefined` when there is none. */
export const unbakeSvg = (svg: string): string | undefined => {
  const element = bakedElements(parse(svg).root)[0];
  if (!element) return undefined;
  const jwt = element.getAttribute('verify');
  return jwt ? jwt.trim() : (element.textContent ?? '').trim();
};

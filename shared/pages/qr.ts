// The encoder alone: qrcode's entry also loads its PNG, terminal and canvas renderers (pngjs among them, about 35 KB
// of a Lambda bundle), none of which Laurel uses: it draws the matrix itself. Its `create` is the entry's `create`.
import { create } from 'qrcode/lib/core/qrcode.js';
import { html, type SafeHtml } from '../runtime/html.ts';

/** Modules around the code that must stay light, as the QR specification asks. */
const QUIET_ZONE = 4;

export interface QrMatrix {
  /** Modules per side, quiet zone included. */
  size: number;
  /** An SVG path (unit squares, origin top left) drawing every dark module. */
  path: string;
}

/**
 * A QR code of `text` (error correction M: survives a crease or a smudge on a printed certificate) as one SVG path,
 * which an inline SVG and the PDF certificate both draw. Made on our side: no image service sees the URL.
 */
export const qrMatrix = (text: string): QrMatrix => {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const parts: string[] = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (modules.get(row, col)) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { size: n + 2 * QUIET_ZONE, path: parts.join('') };
};

/** The QR code as inline SVG (no script, no style attribute: the strict CSP allows it), with an accessible name. */
export const qrSvg = (text: string, label: string, sizePx = 192): SafeHtml => {
  const { size, path } = qrMatrix(text);
  return html`<svg class="qr" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${sizePx}" height="${sizePx}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#ffffff"/><path fill="#000000" d="${path}"/></svg>`;
};

import { deflateSync } from 'node:zlib';
import escapeHtml from 'escape-html';
import { writeChunks } from './png.ts';

/**
 * The badge images Laurel bakes into when an achievement has no image it can use offline. An achievement's image is
 * usually an HTTPS URL on someone else's server: fetching it on every download would make a public route reach out
 * to arbitrary hosts (and tests cannot), and the picture could change after issuance. So Laurel draws its own: an SVG
 * medallion that names the achievement, and a PNG medallion (no text: drawing type needs a font renderer, and the
 * credential inside names the achievement anyway).
 */

const ACCENT = '#0b5cad';
const GOLD = '#c9a227';

/** Greedy word wrap into at most `maxLines` lines of about `width` characters; the last line ends in "…" if cut. */
const wrap = (text: string, width: number, maxLines: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= width || !line) {
      line = candidate;
    } else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  const kept = lines.slice(0, maxLines).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
  if (lines.length > maxLines) kept[maxLines - 1] = `${(kept[maxLines - 1] ?? '').slice(0, width - 1)}…`;
  return kept;
};

/** A 512×512 SVG medallion with the achievement's name (escaped) and, smaller, the issuer's. */
export const defaultBadgeSvg = (opts: { name: string; issuerName?: string }): string => {
  const lines = wrap(opts.name || 'Achievement', 16, 4);
  const size = lines.length > 2 ? 34 : 40;
  const top = 256 - ((lines.length - 1) * size * 1.15) / 2;
  const text = lines
    .map((l, i) => `<tspan x="256" y="${(top + i * size * 1.15).toFixed(1)}">${escapeHtml(l)}</tspan>`)
    .join('');
  const issuer = opts.issuerName ? wrap(opts.issuerName, 28, 1)[0] : undefined;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512" role="img" aria-label="${escapeHtml(opts.name)}">
<title>${escapeHtml(opts.name)}</title>
<circle cx="256" cy="256" r="250" fill="${ACCENT}"/>
<circle cx="256" cy="256" r="226" fill="#ffffff"/>
<circle cx="256" cy="256" r="212" fill="none" stroke="${GOLD}" stroke-width="6"/>
<text font-family="Georgia, 'Times New Roman', serif" font-size="${size}" font-weight="bold" fill="#1b1f24" text-anchor="middle" dominant-baseline="middle">${text}</text>
${issuer ? `<text x="256" y="420" font-family="system-ui, sans-serif" font-size="20" fill="#57606a" text-anchor="middle">${escapeHtml(issuer)}</text>` : ''}
</svg>
`;
};

/** An RGBA image as a PNG (8-bit, colour type 6, filter 0 on every row). */
export const encodePng = (width: number, height: number, rgba: Uint8Array): Uint8Array => {
  if (rgba.length !== width * height * 4) throw new Error('rgba must hold width × height × 4 bytes');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  return writeChunks([
    { type: 'IHDR', data: header },
    { type: 'IDAT', data: deflateSync(rows, { level: 9 }) },
    { type: 'IEND', data: new Uint8Array() },
  ]);
};

const rgb = (hex: string): [number, number, number] =>
  [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** Which colour the medallion has at (x, y) in a 1×1 square centred on 0.5: rings, a disc and a five-point star. */
const colourAt = (x: number, y: number): [number, number, number] | undefined => {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  if (r > 0.49) return undefined;
  if (r > 0.44) return rgb(ACCENT);
  if (r > 0.415 && r < 0.425) return rgb(GOLD);
  // A star: inside when the radius is under the star's boundary at this angle.
  const angle = Math.atan2(dx, -dy);
  const sector = Math.PI / 5;
  const t = Math.abs((((angle % (2 * sector)) + 2 * sector) % (2 * sector)) - sector) / sector;
  const outer = 0.3;
  const inner = 0.125;
  if (r < inner + (outer - inner) * t ** 1.6) return rgb(GOLD);
  return [255, 255, 255];
};

let cachedPng: Uint8Array | undefined;

/** A 256×256 PNG medallion, anti-aliased by 3×3 supersampling; drawn once per process. */
export const defaultBadgePng = (): Uint8Array => {
  if (cachedPng) return cachedPng;
  const size = 256;
  const samples = 3;
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) rgba.set([r / a, g / a, b / a, (255 * a) / samples ** 2], o);
    }
  }
  cachedPng = encodePng(size, size, rgba);
  return cachedPng;
};

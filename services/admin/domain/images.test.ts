import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES, validateImage } from './images.ts';

const png = (width = 64, height = 64) => {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'latin1');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
};
const svg = (inner: string, prologue = '') =>
  Buffer.from(`${prologue}<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">${inner}</svg>`);
const reason = (bytes: Buffer, type: string) => {
  try {
    validateImage(bytes, type);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('validateImage', () => {
  it('names a valid PNG by its SHA-256, whatever the declared charset parameters', () => {
    const bytes = png();
    const image = validateImage(bytes, 'image/png; charset=binary');
    expect(image.id).toBe(`${createHash('sha256').update(bytes).digest('hex')}.png`);
    expect(image).toMatchObject({ contentType: 'image/png', bytes: 33 });
  });

  it('refuses a PNG that is not one, or absurdly large, or too many bytes', () => {
    expect(reason(Buffer.from('\x89PNG not really'), 'image/png')).toBe('not a PNG file');
    expect(reason(png(0, 10), 'image/png')).toContain('outside 1..4096');
    expect(reason(png(5000, 10), 'image/png')).toContain('outside 1..4096');
    expect(reason(Buffer.concat([png(), Buffer.alloc(MAX_IMAGE_BYTES)]), 'image/png')).toContain('at most 256 KB');
    expect(reason(Buffer.alloc(0), 'image/png')).toBe('the image is empty');
    expect(reason(png(), 'image/jpeg')).toContain('PNG (image/png) or an SVG');
  });

  it('accepts a plain SVG (with an XML declaration and comments) and inline data images', () => {
    expect(
      reason(svg('<circle r="4" fill="#0b5cad"/>', '<?xml version="1.0"?>\n<!-- badge -->\n'), 'image/svg+xml'),
    ).toBe('accepted');
    expect(reason(svg('<image href="data:image/png;base64,AAAA"/><use href="#a"/>'), 'image/svg+xml')).toBe('accepted');
  });

  it('refuses SVG that could run script or reach out', () => {
    const cases: [string, string][] = [
      ['<script>alert(1)</script>', 'script elements'],
      ['<SCRIPT >alert(1)</SCRIPT>', 'script elements'],
      ['<rect onload="alert(1)"/>', 'event handler attributes'],
      ['<foreignObject><div/></foreignObject>', 'foreignObject'],
      ['<a href="javascript:alert(1)"><rect/></a>', 'script URLs'],
      ['<image href="https://tracker.example/p.png"/>', 'external references'],
      ['<use xlink:href="http://evil.example/s.svg#x"/>', 'external references'],
      ['<style>@import url(https://evil.example/x.css)</style>', 'external style references'],
      ['<rect style="fill:url(https://evil.example/x)"/>', 'external style references'],
      ['<iframe src="x"/>', 'embedded content'],
      ['<set attributeName="href" to="javascript:alert(1)"/>', 'script URLs'],
    ];
    for (const [inner, what] of cases) expect(reason(svg(inner), 'image/svg+xml'), inner).toContain(what);
    expect(reason(svg('', '<!DOCTYPE svg [<!ENTITY x "y">]>'), 'image/svg+xml')).toContain('DTDs and entities');
    expect(reason(Buffer.from('<html><svg/></html>'), 'image/svg+xml')).toContain('must start with <svg>');
    expect(reason(Buffer.from([0x3c, 0x73, 0x76, 0x67, 0x20, 0xff, 0x3e]), 'image/svg+xml')).toBe('SVG must be UTF-8');
  });
});

import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  BakingError,
  bake,
  bakePng,
  bakeSvg,
  defaultBadgePng,
  defaultBadgeSvg,
  OB_NAMESPACE,
  unbake,
  unbakePng,
  unbakeSvg,
} from './index.ts';
import { readChunks } from './png.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../test/fixtures/vectors/ob30-validator/${name}`, import.meta.url)));
const credential = JSON.stringify({ id: 'urn:uuid:1', name: 'Ünïcode ✓ and "quotes" and ]]> inside' });
const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6d2ViOmEifQ.c2lnbmF0dXJl';

describe('PNG baking (iTXt openbadgecredential)', () => {
  it('bakes an uncompressed iTXt chunk just before IEND, in a PNG an independent decoder still reads', () => {
    const baked = bakePng(defaultBadgePng(), credential);
    const chunks = readChunks(baked);
    const itxt = chunks.at(-2);

    expect(chunks.at(-1)?.type).toBe('IEND');
    expect(itxt?.type).toBe('iTXt');
    // keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, text
    expect(
      Buffer.from(itxt?.data ?? [])
        .subarray(0, 24)
        .toString('latin1'),
    ).toBe('openbadgecredential\0\0\0\0\0');
    expect(unbakePng(baked)).toBe(credential);
    const decoded = PNG.sync.read(Buffer.from(baked));
    expect([decoded.width, decoded.height]).toEqual([256, 256]);
  });

  it('replaces an earlier baked credential instead of adding a second', () => {
    const twice = bakePng(bakePng(defaultBadgePng(), 'first'), 'second');

    expect(readChunks(twice).filter((c) => c.type === 'iTXt')).toHaveLength(1);
    expect(unbakePng(twice)).toBe('second');
  });

  it('reads 1EdTech’s baked PNGs (JSON and JWT)', () => {
    expect(JSON.parse(unbakePng(fixture('simple-json.png')) ?? '{}')).toMatchObject({
      id: 'http://example.com/credentials/3527',
    });
    expect(unbakePng(fixture('simple-jwt.png'))).toMatch(/^eyJhbGciOiJSUzI1NiIsImp3ayI6/);
  });

  it('refuses broken PNGs with a reason', () => {
    const png = defaultBadgePng();
    const badCrc = Uint8Array.from(png);
    badCrc[29] = (badCrc[29] ?? 0) ^ 0xff; // inside IHDR's CRC
    const truncated = png.subarray(0, png.length - 12);

    expect(() => unbakePng(new Uint8Array([1, 2, 3]))).toThrow(/bad signature/);
    expect(() => unbakePng(badCrc)).toThrow(/bad CRC in PNG IHDR chunk/);
    expect(() => unbakePng(truncated)).toThrow(BakingError);
    expect(unbakePng(png)).toBeUndefined();
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });
});

describe('SVG baking (<openbadges:credential>)', () => {
  const svg = defaultBadgeSvg({ name: 'Data <Science> & "Ethics"', issuerName: 'Demo University' });

  it('bakes JSON in CDATA, even when the JSON contains "]]>", and reads it back', () => {
    const baked = bakeSvg(svg, credential);
    const doc = new DOMParser().parseFromString(baked, 'image/svg+xml');
    const element = doc.getElementsByTagNameNS(OB_NAMESPACE, 'credential')[0];

    expect(element?.parentNode).toBe(doc.documentElement);
    expect(baked).toContain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
    expect(baked).toContain('<![CDATA[');
    expect(unbakeSvg(baked)).toBe(credential);
  });

  it('bakes a compact JWT into the verify attribute', () => {
    const baked = bakeSvg(svg, JWT);
    expect(baked).toContain(`<openbadges:credential verify="${JWT}"/>`);
    expect(unbakeSvg(baked)).toBe(JWT);
  });

  it('replaces an earlier baked credential, and reads 1EdTech’s baked SVGs', () => {
    expect(unbakeSvg(bakeSvg(bakeSvg(svg, 'first'), JWT))).toBe(JWT);
    expect(bakeSvg(bakeSvg(svg, 'a'), 'b').match(/<openbadges:credential[\s>/]/g)).toHaveLength(1);
    const fromJson = Buffer.from(fixture('simple-json.svg')).toString('utf8');
    const fromJwt = Buffer.from(fixture('simple-jwt.svg')).toString('utf8');
    expect(JSON.parse(unbakeSvg(fromJson) ?? '{}')).toMatchObject({ name: 'Teamwork Badge' });
    expect(unbakeSvg(fromJwt)).toMatch(/^eyJhbGciOiJSUzI1NiIsImp3ayI6/);
  });

  it('refuses what is not well-formed SVG, and never expands an entity bomb', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>';

    expect(() => unbakeSvg('<svg><unclosed></svg>')).toThrow(/not well-formed SVG/);
    expect(() => unbakeSvg('<html xmlns="http://www.w3.org/1999/xhtml"/>')).toThrow(/not an SVG document/);
    expect(() => bakeSvg(bomb, 'x')).toThrow(BakingError);
  });

  it('escapes the achievement name in the default image', () => {
    expect(svg).toContain('Data &lt;Science&gt; &amp; &quot;Ethics&quot;');
    expect(svg).not.toContain('<Science>');
    const long = defaultBadgeSvg({
      name: 'A very long achievement name that goes on and on across many many words indeed',
    });
    expect(long.match(/<tspan/g)).toHaveLength(4);
    expect(long).toContain('…');
  });
});

describe('bake / unbake by sniffing', () => {
  it('handles both image kinds and says when bytes are not an image', () => {
    const png = bake(defaultBadgePng(), credential);
    const svg = bake(new Uint8Array(Buffer.from(defaultBadgeSvg({ name: 'X' }))), JWT);

    expect(unbake(png)).toEqual({ image: 'png', text: credential });
    expect(unbake(svg)).toEqual({ image: 'svg', text: JWT });
    expect(unbake(new Uint8Array(Buffer.from('{"a":1}')))).toBeUndefined();
    expect(() => unbake(defaultBadgePng())).toThrow(/holds no openbadgecredential/);
    expect(() => bake(new Uint8Array([1, 2]), 'x')).toThrow(/only PNG and SVG/);
  });
});

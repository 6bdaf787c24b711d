import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run } from './verify.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../test/fixtures/vectors/ob30-validator/${name}`, import.meta.url)));
const offline = { fetchJson: async (url: string) => Promise.reject(new Error(`offline: ${url}`)) };

const cli = async (args: string[], files: Record<string, Uint8Array> = {}) => {
  const lines: string[] = [];
  const status = await run(args, {
    out: (l) => lines.push(l),
    readFile: (p) => {
      const f = files[p];
      if (!f) throw new Error('ENOENT');
      return f;
    },
    fetchBytes: async (url) => {
      const f = files[url];
      if (!f) throw new Error('404');
      return f;
    },
    hooks: offline,
  });
  return { status, lines };
};

describe('npm run verify', () => {
  it('prints one line per check and exits 0 for a credential that verifies (a baked SVG here)', async () => {
    const { status, lines } = await cli(['badge.svg'], { 'badge.svg': fixture('simple-json.svg') });

    expect(status).toBe(0);
    expect(lines[0]).toBe('✔ format      read from a baked SVG');
    expect(lines).toContain('✔ proof');
    expect(lines.find((l) => l.startsWith('! controller'))).toBeDefined();
    expect(lines.at(-1)).toBe('VERIFIED (valid)');
  });

  it('exits 1 naming the failed check, and prints JSON on request, also for a URL', async () => {
    const url = 'https://issuer.example/credentials/1';
    const text = await cli([url], { [url]: fixture('simple-err-expired.json') });
    const json = await cli([url, '--json', '--now', '2009-06-01T00:00:00Z'], {
      [url]: fixture('simple-err-expired.json'),
    });

    expect(text.status).toBe(1);
    expect(text.lines).toContain('✘ expiration  expired at 2010-01-01T00:00:00Z');
    expect(text.lines.at(-1)).toBe('NOT VERIFIED (expired)');
    expect(JSON.parse(json.lines.join('\n'))).toMatchObject({
      verified: false,
      verdict: 'not-yet-valid',
      format: 'json',
    });
  });

  it('exits 2 for unusable arguments or input', async () => {
    expect((await cli([])).status).toBe(2);
    expect((await cli(['a', 'b'])).status).toBe(2);
    expect((await cli(['missing.json'])).lines[0]).toMatch(/^cannot read missing\.json/);
    expect((await cli(['x.json', '--now', 'yesterday'])).status).toBe(2);
    expect((await cli(['x.json', '--bogus'])).status).toBe(2);
  });
});

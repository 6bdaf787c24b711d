import { describe, expect, it } from 'vitest';
import { HttpsJsonFetcher, isForbiddenAddress } from './json-fetcher.https.ts';

describe('HttpsJsonFetcher', () => {
  it.each([
    'http://issuer.example/list',
    'https://127.0.0.1/list',
    'https://[::1]/list',
    'https://169.254.169.254/latest/meta-data',
    'https://localhost/list',
    'https://user:pass@issuer.example/list',
    'not a url',
  ])('refuses %s before any connection', async (url) => {
    await expect(new HttpsJsonFetcher().fetchJson(url)).rejects.toThrow(
      /only https URLs|IP-literal and loopback|with credentials/,
    );
  });

  it('knows the addresses a hostname must not resolve to', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isForbiddenAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])
      expect(isForbiddenAddress(a), a).toBe(false);
  });
});

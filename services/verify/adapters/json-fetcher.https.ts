import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { RemoteJsonFetcher } from '../app/ports.ts';

/** Addresses a public verifier must never be steered to: loopback, private, link-local (instance metadata), CGNAT. */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv6');
}

export const isForbiddenAddress = (address: string): boolean => {
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isForbiddenAddress(mapped);
  const family = isIP(address);
  return family === 0 || FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

export interface HttpsJsonFetcherOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * Local mode only: the local API's certificate (PEM, read when first needed) and permission to reach it on
   * loopback, so the verifier can read Laurel's own status lists as any outside verifier would.
   */
  local?: { ca: () => string };
}

/**
 * Fetches JSON documents for the verifier (controller documents, JWKs, status lists) over HTTPS only: bounded in
 * time and size, no redirects, and never toward IP-literal hosts or addresses that resolve to loopback, private or
 * link-local networks (checked after DNS resolution, so a hostname cannot smuggle one in). Local mode may reach
 * localhost with the local certificate, and nothing else private.
 */
export class HttpsJsonFetcher implements RemoteJsonFetcher {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(private readonly options: HttpsJsonFetcherOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxBytes = options.maxBytes ?? 1_000_000;
  }

  fetchJson(url: string): Promise<unknown> {
    const target = URL.parse(url);
    if (target?.protocol !== 'https:') return Promise.reject(new Error('only https URLs are fetched'));
    if (target.username || target.password) return Promise.reject(new Error('URLs with credentials are not fetched'));
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const local = this.options.local && host === 'localhost' ? this.options.local : undefined;
    if (!local && (isIP(host) !== 0 || host === 'localhost')) {
      return Promise.reject(new Error('IP-literal and loopback hosts are not fetched'));
    }
    return new Promise((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'GET',
          headers: { accept: 'application/json, application/ld+json, application/did+json, application/jwk+json' },
          timeout: this.timeoutMs,
          ...(local ? { ca: local.ca() } : {}),
          lookup: (hostname, options, callback) =>
            dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
              if (error) return callback(error, '', 0);
              const allowed = addresses.filter((a) => (local ? true : !isForbiddenAddress(a.address)));
              const first = allowed[0];
              if (!first) return callback(new Error(`${hostname} resolves to a forbidden address`), '', 0);
              // Node asks for all addresses when autoSelectFamily is on; answer in the shape it asked for.
              if ((options as { all?: boolean }).all)
                return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
              return callback(null, first.address, first.family);
            }),
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`${target.host} answered ${res.statusCode}`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxBytes) {
              req.destroy(new Error('the document is too large'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            } catch {
              reject(new Error('the document is not JSON'));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

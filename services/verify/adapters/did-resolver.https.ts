import { didWebToUrl } from '#shared/credentials/did-web.ts';
import type { RemoteDidResolver } from '../app/ports.ts';

const MAX_BYTES = 100_000;

/**
 * Resolves did:web on other domains over HTTPS, bounded in time and size, and never toward loopback or
 * IP-literal hosts (this runs inside the institution's account).
 */
export class HttpsDidResolver implements RemoteDidResolver {
  constructor(private readonly timeoutMs = 5000) {}

  async resolve(did: string): Promise<Record<string, unknown>> {
    if (!did.startsWith('did:web:')) throw new Error(`cannot resolve ${did.split(':').slice(0, 2).join(':')} DIDs`);
    const url = new URL(didWebToUrl(did));
    if (url.protocol !== 'https:' || /^(localhost|[\d.]+|\[.*\])$/i.test(url.hostname))
      throw new Error('did:web host not allowed');
    const response = await fetch(url, {
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { accept: 'application/did+json, application/json' },
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`did:web document answered ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_BYTES) throw new Error('did:web document too large');
    return JSON.parse(text) as Record<string, unknown>;
  }
}

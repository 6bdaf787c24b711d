/**
 * Verifies an Open Badges 3.0 credential from any issuer and prints each check:
 *
 *   npm run verify -- badge.json | badge.jwt | badge.png | badge.svg | https://…/credentials/…
 *   npm run verify -- <file|url> --json              (the whole result as JSON)
 *   npm run verify -- <file|url> --now 2030-01-01T00:00:00Z
 *   npm run verify -- https://localhost:3443/credentials/… --local-ca .laurel/tls/localhost.crt
 *
 * DIDs (did:web), controller documents, JWKs and status lists are fetched over HTTPS with time and size limits,
 * never from loopback or private addresses; `--local-ca` allows localhost with that certificate (local mode).
 * Exit status: 0 verified, 1 not verified, 2 unusable arguments or input.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HttpsJsonFetcher } from '#services/verify/adapters/json-fetcher.https.ts';
import { didWebToUrl } from '#shared/credentials/did-web.ts';
import {
  type VerificationResult,
  type VerifyOptions,
  verdictOf,
  verifyCredential,
} from '#shared/credentials/verify.ts';

export interface CliIo {
  out: (line: string) => void;
  /** Reads a file (tests pass their own); defaults to the file system. */
  readFile?: (path: string) => Uint8Array;
  /** Fetches a URL's bytes (tests pass their own); defaults to HTTPS through the verifier's fetch rules. */
  fetchBytes?: (url: string) => Promise<Uint8Array>;
  /** The verifier's hooks (tests pass local resolvers); default: HTTPS as described above. */
  hooks?: VerifyOptions;
}

const USAGE = 'usage: npm run verify -- <file|https URL> [--json] [--now <date-time>] [--local-ca <certificate file>]';

/** One line per check, aligned: `✔ proof       …`, `! controller  …` for a pass with a caveat, `✘` for a failure. */
export const formatReport = (result: VerificationResult): string[] => {
  const width = Math.max(...result.checks.map((c) => c.name.length));
  const lines = result.checks.map((c) => {
    const mark = !c.ok ? '✘' : c.warning ? '!' : '✔';
    return `${mark} ${c.name.padEnd(width)}${c.message ? `  ${c.message}` : ''}`.trimEnd();
  });
  const verdict = verdictOf(result);
  return [...lines, '', result.verified ? `VERIFIED (${verdict})` : `NOT VERIFIED (${verdict})`];
};

const httpsBytes = async (url: string, ca?: string): Promise<Uint8Array> => {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: { accept: 'application/ld+json, application/json;q=0.9, */*;q=0.1' },
        timeout: 10_000,
        ...(ca ? { ca } : {}),
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`${url} answered ${res.statusCode}`));
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
};

/** The CLI, as a function of its arguments: returns the exit status. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  let parsed: ReturnType<
    typeof parseArgs<{ allowPositionals: true; options: Record<string, { type: 'string' | 'boolean' }> }>
  >;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, now: { type: 'string' }, 'local-ca': { type: 'string' } },
    });
  } catch (e) {
    io.out(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [target] = positionals;
  if (!target || positionals.length > 1) {
    io.out(USAGE);
    return 2;
  }
  const now = typeof values.now === 'string' ? new Date(values.now) : undefined;
  if (now && Number.isNaN(now.getTime())) {
    io.out(`--now is not a date-time: ${values.now}`);
    return 2;
  }
  const ca = typeof values['local-ca'] === 'string' ? readFileSync(values['local-ca'], 'utf8') : undefined;
  const fetcher = new HttpsJsonFetcher(ca ? { local: { ca: () => ca } } : {});
  const hooks: VerifyOptions = io.hooks ?? {
    resolveDid: (did) =>
      did.startsWith('did:web:')
        ? fetcher.fetchJson(didWebToUrl(did))
        : Promise.reject(new Error(`cannot resolve ${did}`)),
    fetchJson: (url) => fetcher.fetchJson(url),
  };

  let input: Uint8Array;
  try {
    input = target.startsWith('https://')
      ? await (io.fetchBytes ?? ((url) => httpsBytes(url, ca)))(target)
      : (io.readFile ?? ((p) => new Uint8Array(readFileSync(p))))(target);
  } catch (e) {
    io.out(`cannot read ${target}: ${(e as Error).message}`);
    return 2;
  }
  const result = await verifyCredential(input, { ...hooks, ...(now ? { now } : {}) });
  if (values.json) {
    const { credential: _credential, ...rest } = result;
    io.out(JSON.stringify({ ...rest, verdict: verdictOf(result) }, null, 2));
  } else {
    for (const line of formatReport(result)) io.out(line);
  }
  return result.verified ? 0 : 1;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await run(process.argv.slice(2), { out: (line) => console.log(line) });
}

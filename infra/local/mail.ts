import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { captureOutput, isListening, portOrFree, repoRoot, stopChild, trackChild, waitUntilReady } from './process.ts';

/** An address as MailDev parses it. */
export interface MailAddress {
  address: string;
  name: string;
}

/** The fields of a MailDev 3 email that tests read (`GET /api/email`). */
export interface CaughtMail {
  id: string;
  time: string;
  subject: string;
  from: MailAddress[];
  to: MailAddress[];
  html?: string;
  text?: string;
  headers: Record<string, string | string[]>;
}

/** A small client for MailDev's REST API (v3: `/api/email`, `/api/email/:id`, `DELETE /api/email/all`). */
export interface MailClient {
  /** Every caught email, oldest first; `to` filters on a recipient address. */
  list(filter?: { to?: string }): Promise<CaughtMail[]>;
  get(id: string): Promise<CaughtMail | undefined>;
  clear(): Promise<void>;
}

/** Makes a client for a MailDev web endpoint such as `http://localhost:1080`. */
export function mailClient(webUrl: string): MailClient {
  const base = webUrl.replace(/\/+$/, '');
  const call = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`MailDev ${init?.method ?? 'GET'} ${path}: ${response.status}`);
    return response.json() as Promise<unknown>;
  };
  return {
    async list(filter = {}) {
      const query = filter.to ? `?${new URLSearchParams({ 'to.address': filter.to })}` : '';
      return ((await call(`/api/email${query}`)) ?? []) as CaughtMail[];
    },
    async get(id) {
      // Reading one email marks it read in the web inbox; tests do not care.
      return (await call(`/api/email/${encodeURIComponent(id)}`)) as CaughtMail | undefined;
    },
    async clear() {
      await call('/api/email/all', { method: 'DELETE' });
    },
  };
}

export interface LocalMail {
  smtpPort: number;
  webPort: number;
  /** `http://localhost:<webPort>`: the inbox, and the REST API under `/api`. */
  webUrl: string;
  client: MailClient;
  stop(): Promise<void>;
}

/**
 * Starts MailDev as a child process: an SMTP server that catches every message and a web inbox. A child rather than
 * MailDev's programmatic API keeps its memory (every email stays in its heap) and its signal handlers out of the
 * process that runs the handlers. Both servers bind to loopback only. `mailDirectory` keeps messages across restarts.
 */
export async function startMailDev(
  opts: { smtpPort?: number; webPort?: number; mailDirectory?: string; log?: (line: string) => void } = {},
): Promise<LocalMail> {
  const smtpPort = await portOrFree(opts.smtpPort ?? 1025);
  const webPort = await portOrFree(opts.webPort ?? 1080);
  const mailDirectory = opts.mailDirectory ? resolve(opts.mailDirectory) : undefined;
  if (mailDirectory) await mkdir(mailDirectory, { recursive: true });
  const bin = join(repoRoot, 'node_modules/maildev/dist/bin/maildev.js');
  const args = [
    bin,
    '--smtp',
    String(smtpPort),
    '--web',
    String(webPort),
    '--ip',
    '127.0.0.1',
    '--web-ip',
    '127.0.0.1',
    ...(mailDirectory ? ['--mail-directory', mailDirectory] : []),
    ...(opts.log ? [] : ['--silent']),
  ];
  // MailDev reads MAILDEV_* variables and config files from its working directory; neither should leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAILDEV_')));
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: mailDirectory ?? repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  const output = captureOutput(child, opts.log);
  const webUrl = `http://localhost:${webPort}`;
  try {
    await waitUntilReady({
      what: `MailDev (smtp ${smtpPort}, web ${webPort})`,
      child,
      output,
      probe: async () => {
        const health = await fetch(`http://127.0.0.1:${webPort}/api/healthz`);
        return health.ok && (await isListening(smtpPort));
      },
    });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    smtpPort,
    webPort,
    webUrl,
    // Loopback by address: MailDev binds 127.0.0.1 only, and `localhost` may resolve to ::1 first.
    client: mailClient(`http://127.0.0.1:${webPort}`),
    stop: () => stopChild(child),
  };
}

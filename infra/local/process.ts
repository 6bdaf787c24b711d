import type { ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, so child processes and handler entries resolve the same wherever the runner is started from. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Asks the OS for a free TCP port on loopback. Children that cannot report the port they bound (DynamoDB Local,
 * MailDev) get one picked here; the short window before they bind is acceptable for a development runner.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves `0` to a free port and keeps any other value. */
export async function portOrFree(port: number): Promise<number> {
  return port === 0 ? freePort() : port;
}

/** True when something accepts TCP connections on the port. */
export async function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/**
 * Polls `probe` until it returns true, the child dies, or the deadline passes. The child's exit is checked so a
 * process that failed at start (port taken, no Java) fails fast with its own output instead of a timeout.
 */
export async function waitUntilReady(opts: {
  what: string;
  probe: () => Promise<boolean>;
  child?: ChildProcess;
  output?: () => string;
  timeoutMs?: number;
}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (opts.child && opts.child.exitCode !== null) {
      throw new Error(
        `${opts.what} exited with code ${opts.child.exitCode} before it was ready\n${opts.output?.() ?? ''}`,
      );
    }
    if (opts.child?.signalCode) {
      throw new Error(`${opts.what} was killed (${opts.child.signalCode}) before it was ready`);
    }
    if (await opts.probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${opts.what} was not ready in time\n${opts.output?.() ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Keeps the last lines a child printed, for error messages, without holding its whole output. */
export function captureOutput(child: ChildProcess, echo?: (line: string) => void, keep = 40): () => string {
  const lines: string[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > keep) lines.shift();
      echo?.(line);
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => lines.join('\n');
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Records a child so that, should this process exit without a clean stop (an uncaught error, `process.exit`), the
 * child is killed rather than left behind holding its port.
 */
export function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops keeping data but lets the rest drain, so the
 * caller's error response is not cut off by a destroyed socket, and resolves `undefined` at once.
 */
export function readBody(req: NodeJS.ReadableStream, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * Typed errors. A `PermanentError` (bad input, unknown rule, unknown source) is recorded with its reason and never
 * retried; anything else is transient and is rethrown so the queue retries it, then dead-letters it.
 * HTTP mapping lives in `http.ts`: only errors with `expose: true` reach a client, with their status and message.
 */
export class PermanentError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;

  constructor(code: string, message: string, opts: { status?: number; expose?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'PermanentError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.expose = opts.expose ?? true;
  }
}

export const isPermanent = (e: unknown): e is PermanentError => e instanceof PermanentError;

/** A client-facing HTTP error. */
export class HttpError extends PermanentError {
  constructor(status: number, code: string, message: string) {
    super(code, message, { status, expose: true });
    this.name = 'HttpError';
  }
}

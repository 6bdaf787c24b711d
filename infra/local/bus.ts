import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { EventBridgeEnvelope, EventPattern } from '#shared/events/define-event.ts';
import { assertSupported, matches, type Pattern } from './event-pattern.ts';
import type { LocalFunction } from './lambda.ts';
import { readBody } from './process.ts';
import { DEFAULT_QUEUE_SETTINGS, LocalQueue, type QueueSettings } from './queue.ts';

/**
 * A `PutEvents` request entry as it arrives on the wire (AWS JSON 1.1: `Time` in epoch seconds), or as an in-process
 * caller holds it (an SDK `PutEventsRequestEntry`, with `Time` as a Date).
 */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number | string | Date;
  TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** A consumer subscribed to the bus: its rules' patterns and the function behind its one queue. */
export interface BusConsumer {
  /** Queue name (the manifest function name). */
  name: string;
  /** One per rule, as in AWS: an event that more than one matches is delivered once per matching rule. */
  patterns: readonly (EventPattern | Pattern)[];
  fn: LocalFunction;
  settings?: Partial<QueueSettings>;
  /** `default`: the rule sits on the account's default bus, where AWS services (SES) publish. @default 'laurel' */
  bus?: 'laurel' | 'default';
}

export interface LocalBusOptions {
  /** 0 picks a free port. */
  port: number;
  /** Holds `queues/<name>.jsonl` and `dead-letters.jsonl`. */
  dataDir: string;
  consumers: readonly BusConsumer[];
  /** Bus whose rules route to the consumers (EVENT_BUS_NAME); entries for another bus are accepted, not routed. */
  busName: string;
  /** Defaults applied to every queue before each consumer's own settings. */
  queueDefaults?: Partial<QueueSettings>;
  region?: string;
  account?: string;
  /** Progress: what each event was routed to, messages restored at start. */
  log?: (line: string) => void;
  /** Problems: failed invocations, retries, dead letters, events put where no rule listens. */
  warn?: (line: string) => void;
}

export interface LocalBus {
  url: string;
  port: number;
  queues: ReadonlyMap<string, LocalQueue>;
  /** The same processing as the HTTP endpoint, in process (benchmarks, tests). Throws a `BusValidationError`. */
  putEvents(entries: PutEventsEntry[]): PutEventsResult;
  /**
   * What an AWS service (SES, with an `aws.*` source no producer may use) puts on the default bus: routed to the
   * consumers whose rule sits there. For local mode and tests, e.g. a synthetic bounce.
   */
  deliverAwsEvent(event: { source: string; detailType: string; detail: object }): {
    EventId: string;
    routedTo: string[];
  };
  /** Resolves once every queue is empty and no invocation runs (retries waiting count as work). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** A request EventBridge would reject as a whole (HTTP 400), rather than per entry. */
export class BusValidationError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'BusValidationError';
  }
}

/** EventBridge limits: entries per request, and bytes per entry as EventBridge counts them. */
export const MAX_ENTRIES = 10;
export const MAX_ENTRY_BYTES = 256 * 1024;
/** Bigger than any valid request once JSON-escaped; anything beyond is refused before parsing. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Entry size as EventBridge computes it: Time counts 14 bytes; Source, DetailType, Detail and Resources their UTF-8 bytes. */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const s of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (typeof s === 'string') size += Buffer.byteLength(s, 'utf8');
  }
  return size;
}

/** EventBridge prints times to the second. */
const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

function eventTime(time: PutEventsEntry['Time']): Date {
  if (time instanceof Date && !Number.isNaN(time.getTime())) return time;
  if (typeof time === 'number') return new Date(time * 1000);
  if (typeof time === 'string') {
    const parsed = new Date(Number.isNaN(Number(time)) ? time : Number(time) * 1000);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  return new Date();
}

function entryError(ErrorCode: string, ErrorMessage: string): PutEventsResultEntry {
  return { ErrorCode, ErrorMessage };
}

const required = (name: string) =>
  entryError('InvalidArgument', `Parameter ${name} is not valid. Reason: ${name} is a required argument.`);

/**
 * The local event bus: an HTTP endpoint speaking EventBridge's `PutEvents` (AWS JSON 1.1, as the AWS SDK v3 and the
 * AWS CLI send it; signatures are not checked), which wraps each entry in the envelope EventBridge delivers and
 * routes it, by the same patterns the CDK rules use, into one queue per consumer.
 */
export async function startBus(opts: LocalBusOptions): Promise<LocalBus> {
  const region = opts.region ?? 'us-east-1';
  const account = opts.account ?? '000000000000';
  const log = opts.log;
  const warn = opts.warn ?? opts.log;
  const journalDir = join(opts.dataDir, 'queues');
  mkdirSync(journalDir, { recursive: true });

  let waiters: (() => void)[] = [];
  const queues = new Map<string, LocalQueue>();
  const routes: { pattern: Pattern; queue: LocalQueue; bus: 'laurel' | 'default' }[] = [];
  const allIdle = () => [...queues.values()].every((q) => q.idle);
  const onChange = () => {
    if (waiters.length > 0 && allIdle()) {
      const ready = waiters;
      waiters = [];
      for (const w of ready) w();
    }
  };

  for (const consumer of opts.consumers) {
    const patterns = consumer.patterns.map((pattern) => {
      assertSupported(pattern);
      return pattern;
    });
    const settings = { ...DEFAULT_QUEUE_SETTINGS, ...opts.queueDefaults, ...consumer.settings };
    const queue = new LocalQueue(consumer.name, consumer.fn, settings, {
      journalDir,
      deadLetterFile: join(opts.dataDir, 'dead-letters.jsonl'),
      region,
      account,
      onChange,
      ...(warn ? { log: warn } : {}),
    });
    queues.set(consumer.name, queue);
    for (const pattern of patterns) routes.push({ pattern, queue, bus: consumer.bus ?? 'laurel' });
    if (queue.depth > 0) log?.(`bus: ${queue.depth} message(s) restored for ${consumer.name}`);
  }

  const isOurBus = (name: string | undefined) =>
    name === opts.busName || (name?.startsWith('arn:') === true && name.endsWith(`:event-bus/${opts.busName}`));

  function putEvents(entries: PutEventsEntry[]): PutEventsResult {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new BusValidationError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    if (entries.length > MAX_ENTRIES) {
      throw new BusValidationError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    if (entries.some((e) => entrySize(e) > MAX_ENTRY_BYTES)) {
      throw new BusValidationError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const results: PutEventsResultEntry[] = [];
    const outbox = new Map<LocalQueue, string[]>();
    for (const entry of entries) {
      if (!entry || typeof entry !== 'object') {
        results.push(entryError('InvalidArgument', 'Entry is not valid.'));
        continue;
      }
      if (!entry.Source) {
        results.push(required('Source'));
        continue;
      }
      if (!entry.DetailType) {
        results.push(required('DetailType'));
        continue;
      }
      if (!entry.Detail) {
        results.push(required('Detail'));
        continue;
      }
      if (entry.Source.startsWith('aws.')) {
        results.push(entryError('NotAuthorizedForSourceException', 'Not authorized for the source.'));
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        detail = undefined;
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
        results.push(entryError('MalformedDetail', 'Detail is malformed.'));
        continue;
      }
      const envelope: EventBridgeEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account,
        time: isoSeconds(eventTime(entry.Time)),
        region,
        resources: Array.isArray(entry.Resources) ? entry.Resources : [],
        detail,
      };
      results.push({ EventId: envelope.id });
      if (entry.EventBusName !== undefined && !isOurBus(entry.EventBusName)) {
        warn?.(
          `bus: ${entry.DetailType} from ${entry.Source} was put on bus '${entry.EventBusName}'; Laurel listens on '${opts.busName}'`,
        );
        continue;
      }
      if (entry.EventBusName === undefined) {
        // The default bus exists on AWS too, and Laurel's rules are not on it: accept, route nowhere, say why.
        warn?.(
          `bus: ${entry.DetailType} from ${entry.Source} went to the default bus; set EventBusName '${opts.busName}'`,
        );
        continue;
      }
      const body = JSON.stringify(envelope);
      const targets = routes.filter((r) => r.bus === 'laurel' && matches(r.pattern, envelope));
      for (const { queue } of targets) {
        const bodies = outbox.get(queue) ?? [];
        bodies.push(body);
        outbox.set(queue, bodies);
      }
      log?.(
        `bus: ${entry.DetailType} from ${entry.Source} -> ${targets.map((t) => t.queue.name).join(', ') || '(no rule matched)'}`,
      );
    }
    for (const [queue, bodies] of outbox) queue.send(bodies);
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  function deliverAwsEvent(event: { source: string; detailType: string; detail: object }) {
    const envelope: EventBridgeEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': event.detailType,
      source: event.source,
      account,
      time: isoSeconds(new Date()),
      region,
      resources: [],
      detail: event.detail,
    };
    const targets = routes.filter((r) => r.bus === 'default' && matches(r.pattern, envelope));
    for (const { queue } of targets) queue.send([JSON.stringify(envelope)]);
    log?.(
      `bus: ${event.detailType} from ${event.source} (default bus) -> ${targets.map((t) => t.queue.name).join(', ') || '(no rule matched)'}`,
    );
    return { EventId: envelope.id, routedTo: targets.map((t) => t.queue.name) };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      warn?.(`bus: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 500, { __type: 'InternalException', message: 'Internal error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      // The only operation producers and Laurel's publisher call; anything else is not emulated.
      return send(res, 400, {
        __type: 'UnknownOperationException',
        message: `local bus supports only AWSEvents.PutEvents, got ${String(target ?? req.method)}`,
      });
    }
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (!body) {
      res.setHeader('connection', 'close');
      return send(res, 413, { __type: 'ValidationException', message: 'Request is too large.' });
    }
    let input: { Entries?: PutEventsEntry[] };
    try {
      input = JSON.parse(body.toString('utf8')) as { Entries?: PutEventsEntry[] };
    } catch {
      return send(res, 400, { __type: 'SerializationException', message: 'Request body is not valid JSON.' });
    }
    try {
      return send(res, 200, putEvents(input?.Entries ?? []));
    } catch (error) {
      if (error instanceof BusValidationError) return send(res, 400, { __type: error.type, message: error.message });
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  for (const q of queues.values()) q.start();

  return {
    url: `http://localhost:${port}`,
    port,
    queues,
    putEvents,
    deliverAwsEvent,
    idle() {
      if (allIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([...queues.values()].map((q) => q.stop()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(status >= 400 && typeof body === 'object' && body && '__type' in body
      ? { 'x-amzn-errortype': String((body as { __type: unknown }).__type) }
      : {}),
  });
  res.end(text);
}

/** Queue settings from a manifest function spec (`batchSize`, `maxConcurrency`). */
export function settingsFromSpec(spec: { batchSize?: number; maxConcurrency?: number }): Partial<QueueSettings> {
  return {
    ...(spec.batchSize ? { batchSize: spec.batchSize } : {}),
    ...(spec.maxConcurrency ? { maxConcurrency: spec.maxConcurrency } : {}),
  };
}

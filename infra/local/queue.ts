import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { invoke, type LocalFunction } from './lambda.ts';

/** Tuning of one queue and its event source mapping; defaults mirror what the CDK subscription sets on AWS. */
export interface QueueSettings {
  /** Messages per invocation (the mapping's `batchSize`). */
  batchSize: number;
  /** Invocations running at once (the mapping's `maxConcurrency`). */
  maxConcurrency: number;
  /** How long a partial batch may wait for more messages (the mapping's batching window). */
  batchWindowMs: number;
  /** Delay before a failed message is delivered again (SQS visibility timeout). */
  visibilityTimeoutMs: number;
  /** Deliveries before a message moves to the dead letters (the redrive policy's `maxReceiveCount`). */
  maxReceiveCount: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  batchSize: 10,
  maxConcurrency: 5,
  batchWindowMs: 20,
  visibilityTimeoutMs: 2_000,
  maxReceiveCount: 5,
};

interface Message {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  firstReceivedAt?: number;
  /** Deliveries so far; SQS reports it as `ApproximateReceiveCount`. */
  receiveCount: number;
  /** When the message became visible, for the batching window. */
  visibleAt: number;
}

/** One line of a queue journal. Replaying the lines in order gives the messages still owed to the consumer. */
type JournalLine =
  | { op: 'put'; id: string; body: string; t: number; n: number }
  | { op: 'del'; id: string }
  | { op: 'recv'; id: string; n: number };

/** A dead-lettered message, one JSON line of `dead-letters.jsonl`. */
export interface DeadLetter {
  queue: string;
  message: { messageId: string; receiveCount: number; sentTimestamp: string; body: unknown };
  error: string;
  deadLetteredAt: string;
}

/** First-in first-out buffer with O(1) take from the front. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(...values: T[]) {
    this.items.push(...values);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
  clear() {
    this.items = [];
    this.head = 0;
  }
}

/**
 * An append-only journal of a queue's messages. Every change is one line written synchronously before the change
 * is acknowledged, so a crash or restart loses nothing that was accepted. Replaying it is linear; it is rewritten
 * with only the live messages on start, emptied whenever the queue drains, and rewritten when dead lines dominate,
 * so its size stays proportional to the backlog.
 */
class Journal {
  private fd: number;
  private lines = 0;
  /** Messages found on disk at start, in arrival order. */
  readonly loaded: Map<string, Message>;

  constructor(private readonly file: string) {
    this.loaded = Journal.replay(file);
    this.rewrite(this.loaded.values());
    this.fd = openSync(file, 'a');
  }

  private static replay(file: string): Map<string, Message> {
    const live = new Map<string, Message>();
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const now = Date.now();
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
      } catch {
        continue; // a line cut short by a crash: the change it described was never acknowledged
      }
      if (line.op === 'put') {
        live.set(line.id, {
          id: line.id,
          body: line.body,
          md5: md5(line.body),
          sentAt: line.t,
          receiveCount: line.n,
          visibleAt: now,
        });
      } else if (line.op === 'del') {
        live.delete(line.id);
      } else if (line.op === 'recv') {
        const m = live.get(line.id);
        if (m) m.receiveCount = line.n;
      }
    }
    return live;
  }

  private rewrite(messages: Iterable<Message>) {
    const tmp = `${this.file}.tmp`;
    let text = '';
    let count = 0;
    for (const m of messages) {
      text += `${JSON.stringify({ op: 'put', id: m.id, body: m.body, t: m.sentAt, n: m.receiveCount } satisfies JournalLine)}\n`;
      count++;
    }
    writeFileSync(tmp, text);
    renameSync(tmp, this.file);
    this.lines = count;
  }

  append(lines: JournalLine[]) {
    if (lines.length === 0) return;
    writeSync(this.fd, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    this.lines += lines.length;
  }

  /** Keeps the file proportional to the live messages; called after deletions. */
  compact(live: Map<string, Message>) {
    if (live.size === 0) {
      if (this.lines > 0) {
        ftruncateSync(this.fd, 0);
        this.lines = 0;
      }
    } else if (this.lines > 10_000 && this.lines > live.size * 4) {
      closeSync(this.fd);
      this.rewrite(live.values());
      this.fd = openSync(this.file, 'a');
    }
  }

  close() {
    closeSync(this.fd);
  }
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * An SQS queue and its Lambda event source mapping, in one object: messages are delivered in batches of up to
 * `batchSize` (waiting at most `batchWindowMs` to fill one), with at most `maxConcurrency` invocations at once.
 * Failures reported in `batchItemFailures`, or every message of a batch whose invocation threw or timed out, come
 * back after `visibilityTimeoutMs` with `ApproximateReceiveCount` incremented; after `maxReceiveCount` deliveries a
 * message is appended to the dead-letter file instead.
 */
export class LocalQueue {
  readonly arn: string;
  private readonly ready = new Fifo<Message>();
  /** Every message not yet deleted: visible, in flight or waiting to be retried. */
  private readonly live = new Map<string, Message>();
  private readonly journal: Journal | undefined;
  private inFlight = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private started = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { enqueued: 0, invocations: 0, deleted: 0, retried: 0, deadLettered: 0, invocationMs: 0 };

  constructor(
    readonly name: string,
    private readonly fn: LocalFunction,
    private readonly settings: QueueSettings,
    private readonly opts: {
      /** Folder of the journals; without it the queue lives in memory only. */
      journalDir?: string;
      /** JSON-lines file that receives dead letters; without it they are only logged. */
      deadLetterFile?: string;
      region: string;
      account: string;
      /** Called whenever the queue's state may have changed (for `idle()`). */
      onChange: () => void;
      log?: (line: string) => void;
    },
  ) {
    this.arn = `arn:aws:sqs:${opts.region}:${opts.account}:laurel-${name}`;
    if (opts.journalDir) {
      this.journal = new Journal(join(opts.journalDir, `${name}.jsonl`));
      for (const m of this.journal.loaded.values()) {
        this.live.set(m.id, m);
        this.ready.push(m);
      }
    }
  }

  /** Messages not yet deleted (visible, in flight, or waiting for a retry). */
  get depth(): number {
    return this.live.size;
  }

  get idle(): boolean {
    return this.live.size === 0 && this.inFlight === 0;
  }

  /** Begins delivering (messages restored from the journal included). */
  start() {
    this.started = true;
    this.pump();
  }

  /** Accepts message bodies (the EventBridge envelopes as JSON); they are journaled before this returns. */
  send(bodies: string[]): string[] {
    if (this.stopped) throw new Error(`queue ${this.name} is stopped`);
    const now = Date.now();
    const messages = bodies.map((body) => ({
      id: randomUUID(),
      body,
      md5: md5(body),
      sentAt: now,
      receiveCount: 0,
      visibleAt: now,
    }));
    this.journal?.append(messages.map((m) => ({ op: 'put', id: m.id, body: m.body, t: m.sentAt, n: 0 })));
    for (const m of messages) this.live.set(m.id, m);
    this.ready.push(...messages);
    this.stats.enqueued += messages.length;
    this.pump();
    return messages.map((m) => m.id);
  }

  private pump() {
    if (this.stopped || !this.started) return;
    while (this.inFlight < this.settings.maxConcurrency && this.ready.length > 0) {
      const oldest = this.ready.peek();
      const waited = oldest ? Date.now() - oldest.visibleAt : 0;
      if (this.ready.length < this.settings.batchSize && waited < this.settings.batchWindowMs) {
        if (!this.pumpTimer) {
          this.pumpTimer = setTimeout(() => {
            this.pumpTimer = undefined;
            this.pump();
          }, this.settings.batchWindowMs - waited);
        }
        return;
      }
      const run = this.deliver(this.ready.take(this.settings.batchSize)).catch((error: unknown) => {
        // Only the journal or dead-letter file can fail here (a full disk); the messages stay owed and come back on restart.
        this.opts.log?.(`${this.name}: could not record a batch outcome: ${String(error)}`);
      });
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
  }

  private record(m: Message): SQSRecord {
    return {
      messageId: m.id,
      receiptHandle: randomBytes(24).toString('base64'),
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'AIDAEVENTBRIDGELOCAL',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: m.md5,
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.opts.region,
    };
  }

  private async deliver(batch: Message[]): Promise<void> {
    this.inFlight++;
    this.stats.invocations++;
    const now = Date.now();
    for (const m of batch) {
      m.receiveCount++;
      m.firstReceivedAt ??= now;
    }
    const event: SQSEvent = { Records: batch.map((m) => this.record(m)) };
    let failed: Set<string>;
    let reason: string;
    const started = performance.now();
    try {
      const result = await invoke(this.fn, event);
      ({ failed, reason } = failuresOf(result, batch));
    } catch (error) {
      failed = new Set(batch.map((m) => m.id));
      reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.opts.log?.(`${this.name}: invocation of ${batch.length} message(s) failed: ${reason}`);
    }
    this.inFlight--;
    this.stats.invocationMs += performance.now() - started;
    if (!this.stopped) this.settle(batch, failed, reason);
    this.opts.onChange();
    this.pump();
  }

  private settle(batch: Message[], failed: Set<string>, reason: string) {
    const lines: JournalLine[] = [];
    const retry: Message[] = [];
    const dead: DeadLetter[] = [];
    for (const m of batch) {
      if (!failed.has(m.id)) {
        lines.push({ op: 'del', id: m.id });
        this.live.delete(m.id);
        this.stats.deleted++;
      } else if (m.receiveCount >= this.settings.maxReceiveCount) {
        dead.push(this.deadLetter(m, reason));
        lines.push({ op: 'del', id: m.id });
        this.live.delete(m.id);
        this.stats.deadLettered++;
      } else {
        lines.push({ op: 'recv', id: m.id, n: m.receiveCount });
        retry.push(m);
        this.stats.retried++;
      }
    }
    // Dead letters are written before the queue forgets the message, so a crash in between duplicates, never loses.
    if (dead.length > 0 && this.opts.deadLetterFile) {
      appendFileSync(this.opts.deadLetterFile, dead.map((d) => `${JSON.stringify(d)}\n`).join(''));
      this.opts.log?.(
        `${this.name}: ${dead.length} message(s) dead-lettered after ${this.settings.maxReceiveCount} receives`,
      );
    }
    this.journal?.append(lines);
    this.journal?.compact(this.live);
    if (retry.length > 0) {
      this.opts.log?.(
        `${this.name}: ${retry.length} message(s) failed (${reason}); retry in ${this.settings.visibilityTimeoutMs} ms`,
      );
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        const visibleAt = Date.now();
        for (const m of retry) m.visibleAt = visibleAt;
        this.ready.push(...retry);
        this.pump();
      }, this.settings.visibilityTimeoutMs);
      this.retryTimers.add(timer);
    }
  }

  private deadLetter(m: Message, error: string): DeadLetter {
    let body: unknown = m.body;
    try {
      body = JSON.parse(m.body);
    } catch {
      // keep the raw text
    }
    return {
      queue: this.name,
      message: { messageId: m.id, receiveCount: m.receiveCount, sentTimestamp: String(m.sentAt), body },
      error,
      deadLetteredAt: new Date().toISOString(),
    };
  }

  /**
   * Stops delivering, waits for running invocations (up to `graceMs`), and closes the journal. Messages in flight
   * or waiting for a retry stay in the journal and are delivered again on the next start, as SQS would after their
   * visibility timeout.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.pumpTimer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.ready.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.journal?.close();
  }
}

/**
 * Reads a partial batch response as Lambda does: nothing (or an empty list) means all succeeded; an identifier that
 * is empty or not in the batch makes the whole batch fail.
 */
function failuresOf(result: unknown, batch: Message[]): { failed: Set<string>; reason: string } {
  const reason = 'reported in batchItemFailures';
  const ids = new Set(batch.map((m) => m.id));
  const failures = (result as Partial<SQSBatchResponse> | null | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return { failed: new Set(), reason };
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) {
      return { failed: ids, reason: `invalid batchItemFailures entry ${JSON.stringify(f)}; the whole batch failed` };
    }
    failed.add(id);
  }
  return { failed, reason };
}

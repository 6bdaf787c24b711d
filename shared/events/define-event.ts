import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The subset of an EventBridge event pattern Laurel's contracts use (exact values per field). */
export interface EventPattern {
  source?: string[];
  'detail-type': string[];
}

/** An EventBridge event as delivered to a target (the SQS message body). */
export interface EventBridgeEnvelope<T = unknown> {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: T;
}

/** A `PutEvents` entry, as the publisher adapters send it. */
export interface BusEntry {
  Source: string;
  DetailType: string;
  Detail: string;
}

export interface EventDefinition<S extends z.ZodType> {
  /** Fixed source for events Laurel itself publishes; undefined when any producer may emit it. */
  readonly source: string | undefined;
  readonly detailType: string;
  readonly version: number;
  /** Schema of `detail`. */
  readonly detail: S;
  /** The EventBridge pattern every consumer's rule uses (CDK and the local bus alike). */
  readonly pattern: EventPattern;
  /** Schema of the whole EventBridge envelope with a parsed `detail`. */
  readonly envelope: z.ZodType<EventBridgeEnvelope<z.output<S>>>;
  /** Validates a detail and turns it into a `PutEvents` entry; throws a ZodError on invalid input. */
  toEntry(detail: z.input<S>, source?: string): BusEntry;
  /** Wraps a detail in an envelope the way EventBridge delivers it (tests, the local bus). */
  wrap(detail: unknown, source?: string): EventBridgeEnvelope<unknown>;
}

const baseEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
});

/**
 * Defines an event contract once: the CDK rule pattern, the consumer's envelope schema and the publisher's entry
 * builder all derive from it, so no event string is typed twice.
 */
export function defineEvent<S extends z.ZodType>(def: {
  source?: string;
  detailType: string;
  version: number;
  detail: S;
}): EventDefinition<S> {
  const pattern: EventPattern = def.source
    ? { source: [def.source], 'detail-type': [def.detailType] }
    : { 'detail-type': [def.detailType] };
  const envelope = baseEnvelope.extend({ detail: def.detail }) as unknown as z.ZodType<
    EventBridgeEnvelope<z.output<S>>
  >;
  return {
    source: def.source,
    detailType: def.detailType,
    version: def.version,
    detail: def.detail,
    pattern,
    envelope,
    toEntry(detail, source) {
      const parsed = def.detail.parse(detail);
      const entrySource = def.source ?? source;
      if (!entrySource) throw new Error(`${def.detailType} needs a source`);
      return { Source: entrySource, DetailType: def.detailType, Detail: JSON.stringify(parsed) };
    },
    wrap(detail, source) {
      return {
        version: '0',
        id: randomUUID(),
        'detail-type': def.detailType,
        source: def.source ?? source ?? 'test.producer',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'us-east-1',
        resources: [],
        detail,
      };
    },
  };
}

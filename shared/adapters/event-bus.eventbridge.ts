import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { z } from 'zod';
import type { EventDefinition } from '../events/define-event.ts';

/**
 * Publishes contract-checked events. A rejected entry is an error, never a silent success: the caller's message is
 * then retried by its queue.
 */
export class EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish<S extends z.ZodType>(
    definition: EventDefinition<S>,
    detail: z.input<S>,
    source?: string,
  ): Promise<void> {
    const entry = definition.toEntry(detail, source);
    const out = await this.client.send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: this.busName }] }));
    if ((out.FailedEntryCount ?? 0) > 0) {
      const failed = out.Entries?.[0];
      throw new Error(
        `event bus rejected ${definition.detailType}: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }

  /** Publishes many events of one contract, ten to a `PutEvents` call; throws if any entry was rejected. */
  async publishAll<S extends z.ZodType>(
    definition: EventDefinition<S>,
    details: readonly z.input<S>[],
    source?: string,
  ): Promise<void> {
    const entries = details.map((d) => ({ ...definition.toEntry(d, source), EventBusName: this.busName }));
    for (let i = 0; i < entries.length; i += 10) {
      const out = await this.client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failed = out.Entries?.find((e) => e.ErrorCode);
        throw new Error(
          `event bus rejected ${out.FailedEntryCount} ${definition.detailType}: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim(),
        );
      }
    }
  }
}

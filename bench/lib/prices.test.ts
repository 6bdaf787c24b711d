import { describe, expect, it } from 'vitest';
import { costPerThousand, idleMonthly, PRICES } from './prices.ts';

describe('costPerThousand', () => {
  it('prices each line from the published unit prices', () => {
    // Prepare: one invocation of 100 ms at 1024 MB, 10 WRU and 4 RRU, one Sign, two MACs, one event, 3 SQS requests, one email
    const { lines, total } = costPerThousand({
      lambda: [{ fn: 'award', invocations: 1, msPerInvocation: 99.2, memoryMb: 1024 }],
      dynamodb: { writeUnits: 10, readUnits: 4 },
      kms: { asymmetricRequests: 1, symmetricRequests: 2 },
      eventbridgeEvents: 1,
      sqsRequests: 3,
      emails: 1,
    });

    const by = Object.fromEntries(lines.map((l) => [l.service, l.dollarsPerThousand]));
    // 1,000 × (0.1 GB-s × $0.0000133334 + $0.0000002): billed duration rounds up to 100 ms
    expect(by.Lambda).toBeCloseTo(1000 * (0.1 * 0.000_013_333_4 + 0.000_000_2), 10);
    expect(by.DynamoDB).toBeCloseTo((1000 * (10 * 0.625 + 4 * 0.125)) / 1e6, 10);
    expect(by.KMS).toBeCloseTo((1000 * (0.15 + 2 * 0.03)) / 1e4, 10);
    expect(by.EventBridge).toBeCloseTo(0.001, 10);
    expect(by.SQS).toBeCloseTo(0.0012, 10);
    expect(by.SES).toBeCloseTo(0.1, 10);
    expect(total).toBeCloseTo(
      lines.reduce((s, l) => s + l.dollarsPerThousand, 0),
      12,
    );
  });
});

describe('idleMonthly', () => {
  it('counts keys, alarms and billable dashboards, and polling beyond the free tier', () => {
    const idle = idleMonthly({ kmsKeys: 3, alarms: 8, dashboards: 1, polledQueues: 4 }, { otherDashboards: 3 });

    const polls = 4 * 5 * 3 * 30 * 24 * 60;
    expect(idle.total).toBeCloseTo(3 + 0.8 + 3 + ((polls - 1e6) * 0.4) / 1e6, 6);
  });

  it('leaves a dashboard free while the account has fewer than three', () => {
    const idle = idleMonthly({ kmsKeys: 1, alarms: 0, dashboards: 1, polledQueues: 0 });

    expect(idle.total).toBe(PRICES.kms.perKeyMonth);
  });
});

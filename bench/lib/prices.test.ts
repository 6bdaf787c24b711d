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
  const idle = { kmsKeys: 3, alarms: 3, alarmMetrics: 3, dashboards: 1, dashboardMetrics: 40, polledQueues: 4 };
  const polls = 4 * 5 * 3 * 30 * 24 * 60;

  it('leaves alarm metrics, dashboards and requests within the free allowances free, and polling beyond them billed', () => {
    const { lines, total } = idleMonthly(idle);

    expect(lines.map((l) => l.dollars)).toEqual([3, 0, 0, ((polls - 1e6) * 0.4) / 1e6]);
    expect(total).toBeCloseTo(3 + ((polls - 1e6) * 0.4) / 1e6, 6);
  });

  it('bills everything on an account whose allowances other resources already use', () => {
    const crowded = idleMonthly(idle, { otherAlarmMetrics: 10, otherDashboards: 3 });
    const { totalPastFreeTier } = idleMonthly(idle);

    const expected = 3 + 3 * 0.1 + 3 + (polls * 0.4) / 1e6;
    expect(totalPastFreeTier).toBeCloseTo(expected, 6);
    // The CloudWatch allowances spent elsewhere; SQS's free million still applies.
    expect(crowded.total).toBeCloseTo(3 + 3 * 0.1 + 3 + ((polls - 1e6) * 0.4) / 1e6, 6);
  });

  it('bills alarm metrics past the free ten, counting each metric, not each alarm', () => {
    const { lines } = idleMonthly({ ...idle, alarms: 2, alarmMetrics: 12, polledQueues: 0 }, { otherAlarmMetrics: 1 });

    expect(lines[1]?.dollars).toBeCloseTo(3 * PRICES.cloudwatch.perAlarmMetricMonth, 10);
  });

  it('does not count a dashboard of more than 50 metrics as free', () => {
    const { lines } = idleMonthly({ ...idle, dashboardMetrics: 51 });

    expect(lines[2]?.dollars).toBe(PRICES.cloudwatch.perDashboardMonth);
  });
});

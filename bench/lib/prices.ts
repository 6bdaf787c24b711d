/**
 * Published AWS list prices, us-east-1, as the cost model uses them. Written from the providers' public price pages
 * as known on the date below; they were NOT fetched when the benchmark ran (it has no network). Check them before
 * quoting a figure: prices change.
 */
export const PRICES = {
  asOf: '2025-06 (us-east-1 list prices; not fetched live)',
  lambda: {
    /** Arm (Graviton), what the functions run on. */
    perGbSecondArm: 0.000_013_333_4,
    perMillionRequests: 0.2,
  },
  dynamodb: {
    /** On-demand, Standard table class (prices after the November 2024 reduction). */
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
    perGbMonthStorage: 0.25,
    perGbMonthPitr: 0.2,
  },
  kms: {
    perKeyMonth: 1,
    /** Symmetric and HMAC requests (GenerateMac). */
    perTenThousandSymmetricRequests: 0.03,
    /** Asymmetric requests other than RSA 2048 (Ed25519 Sign). */
    perTenThousandAsymmetricRequests: 0.15,
  },
  eventbridge: { perMillionCustomEvents: 1 },
  sqs: {
    perMillionRequests: 0.4,
    /** Always free, per account: 1 million requests a month (aws.amazon.com/sqs/pricing/). */
    freeRequestsPerMonth: 1_000_000,
    /**
     * Idle Lambda event source mappings: with no messages, a standard queue's mapping keeps five concurrent long
     * polls and "can optimize to as few as 2", except when a maximum concurrency is set (every Laurel mapping sets
     * one) (AWS Lambda Developer Guide, "Configuring scaling behavior for SQS event source mappings",
     * docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html, read 2026-11). The guide does not give the
     * wait time; 20 s, SQS's longest, is assumed: three empty receives a minute per poller.
     */
    idlePollersWithMaxConcurrency: 5,
    longPollsPerPollerMinute: 3,
  },
  ses: { perThousandEmails: 0.1 },
  /**
   * aws.amazon.com/cloudwatch/pricing/ (free tier table, read 2026-11): alarms are billed per alarm metric, $0.10 a
   * month at standard resolution. "Your costs are based on your alarm's resolution setting and the number of metrics
   * that your alarm references" (CloudWatch User Guide, "Optimizing and reducing costs of CloudWatch alarms"), so a
   * metric-math alarm over N metrics costs N; a Metrics Insights query alarm is outside the free tier. Laurel's alarms
   * read one metric each.
   */
  cloudwatch: {
    perAlarmMetricMonth: 0.1,
    /** Always free, per account: 10 alarm metrics ("Standard resolution alarms that list metrics directly"). */
    freeAlarmMetrics: 10,
    perDashboardMonth: 3,
    /** Always free, per account: 3 dashboards "for up to 50 metrics" each. */
    freeDashboards: 3,
    freeDashboardMetrics: 50,
  },
} as const;

/** The AWS work one credential costs, as measured (counts per issued-and-emailed credential). */
export interface CredentialWork {
  /** Per function: invocations per credential, billed milliseconds per invocation, configured memory. */
  lambda: { fn: string; invocations: number; msPerInvocation: number; memoryMb: number }[];
  dynamodb: { writeUnits: number; readUnits: number };
  kms: { asymmetricRequests: number; symmetricRequests: number };
  eventbridgeEvents: number;
  sqsRequests: number;
  emails: number;
}

export interface CostLine {
  service: string;
  what: string;
  dollarsPerThousand: number;
}

/** Dollars per 1,000 credentials, line by line, at list prices (free tiers ignored: the figure holds at scale). */
export function costPerThousand(work: CredentialWork, prices = PRICES): { lines: CostLine[]; total: number } {
  const k = 1000;
  const lines: CostLine[] = [];
  for (const f of work.lambda) {
    // Lambda bills each invocation's duration rounded up to the millisecond.
    const gbSeconds = f.invocations * (Math.ceil(f.msPerInvocation) / 1000) * (f.memoryMb / 1024);
    lines.push({
      service: 'Lambda',
      what: `${f.fn}: ${f.invocations} invocation(s) × ${Math.ceil(f.msPerInvocation)} ms at ${f.memoryMb} MB`,
      dollarsPerThousand:
        k * (gbSeconds * prices.lambda.perGbSecondArm + (f.invocations * prices.lambda.perMillionRequests) / 1e6),
    });
  }
  lines.push(
    {
      service: 'DynamoDB',
      what: `${round2(work.dynamodb.writeUnits)} WRU + ${round2(work.dynamodb.readUnits)} RRU (on-demand)`,
      dollarsPerThousand:
        (k *
          (work.dynamodb.writeUnits * prices.dynamodb.perMillionWriteRequestUnits +
            work.dynamodb.readUnits * prices.dynamodb.perMillionReadRequestUnits)) /
        1e6,
    },
    {
      service: 'KMS',
      what: `${work.kms.asymmetricRequests} Sign (Ed25519) + ${work.kms.symmetricRequests} HMAC request(s)`,
      dollarsPerThousand:
        (k *
          (work.kms.asymmetricRequests * prices.kms.perTenThousandAsymmetricRequests +
            work.kms.symmetricRequests * prices.kms.perTenThousandSymmetricRequests)) /
        1e4,
    },
    {
      service: 'EventBridge',
      what: `${work.eventbridgeEvents} custom event(s)`,
      dollarsPerThousand: (k * work.eventbridgeEvents * prices.eventbridge.perMillionCustomEvents) / 1e6,
    },
    {
      service: 'SQS',
      what: `${work.sqsRequests} request(s)`,
      dollarsPerThousand: (k * work.sqsRequests * prices.sqs.perMillionRequests) / 1e6,
    },
    {
      service: 'SES',
      what: `${work.emails} email(s)`,
      dollarsPerThousand: (k * work.emails * prices.ses.perThousandEmails) / 1e3,
    },
  );
  const total = lines.reduce((s, l) => s + l.dollarsPerThousand, 0);
  return { lines, total };
}

/** What an idle deployment holds that is billed by the month. */
export interface IdleResources {
  kmsKeys: number;
  alarms: number;
  /** What alarms are billed by: the metrics they read (one for a single-metric alarm). */
  alarmMetrics: number;
  dashboards: number;
  /** Metrics on the largest dashboard: the free tier covers dashboards of up to 50. */
  dashboardMetrics: number;
  /** SQS queues that a Lambda event source mapping polls (long polling). */
  polledQueues: number;
}

export interface IdleLine {
  what: string;
  /** With the account's always-free allowances (alarm metrics, dashboards, SQS requests) not used elsewhere. */
  dollars: number;
  /** On an account whose other resources already use those allowances. */
  dollarsPastFreeTier: number;
}

/**
 * Fixed monthly cost of an idle deployment. Lambda, API Gateway, EventBridge, SES and on-demand DynamoDB cost
 * nothing without traffic (an empty table's storage rounds to zero). The free allowances are per account, so each
 * line also says what it costs when other resources already use them. Polling is an estimate (see
 * `PRICES.sqs.idlePollersWithMaxConcurrency`).
 */
export function idleMonthly(
  r: IdleResources,
  opts: {
    pollersPerQueue?: number;
    /** Dashboards and alarm metrics the account has besides Laurel's. */
    otherDashboards?: number;
    otherAlarmMetrics?: number;
  } = {},
  prices = PRICES,
): { lines: IdleLine[]; total: number; totalPastFreeTier: number } {
  const cw = prices.cloudwatch;
  const minutes = 30 * 24 * 60;
  const pollers = opts.pollersPerQueue ?? prices.sqs.idlePollersWithMaxConcurrency;
  const pollRequests = r.polledQueues * pollers * prices.sqs.longPollsPerPollerMinute * minutes;
  const freeAlarmMetrics = Math.max(0, cw.freeAlarmMetrics - (opts.otherAlarmMetrics ?? 0));
  const dashboardsFit = r.dashboardMetrics <= cw.freeDashboardMetrics;
  const freeDashboards = dashboardsFit ? Math.max(0, cw.freeDashboards - (opts.otherDashboards ?? 0)) : 0;
  const sqsDollars = (requests: number) => (Math.max(0, requests) * prices.sqs.perMillionRequests) / 1e6;
  const lines: IdleLine[] = [
    {
      what: `${r.kmsKeys} KMS key(s)`,
      dollars: r.kmsKeys * prices.kms.perKeyMonth,
      dollarsPastFreeTier: r.kmsKeys * prices.kms.perKeyMonth,
    },
    {
      what: `${r.alarms} CloudWatch alarm(s) on ${r.alarmMetrics} metric(s) (an account's first ${cw.freeAlarmMetrics} alarm metrics are free)`,
      dollars: Math.max(0, r.alarmMetrics - freeAlarmMetrics) * cw.perAlarmMetricMonth,
      dollarsPastFreeTier: r.alarmMetrics * cw.perAlarmMetricMonth,
    },
    {
      what: `${r.dashboards} dashboard(s), ${r.dashboardMetrics} metrics on the largest (an account's first ${cw.freeDashboards} are free while each charts at most ${cw.freeDashboardMetrics})`,
      dollars: Math.max(0, r.dashboards - freeDashboards) * cw.perDashboardMonth,
      dollarsPastFreeTier: r.dashboards * cw.perDashboardMonth,
    },
    {
      what: `SQS long polling: ~${(pollRequests / 1e6).toFixed(2)} M requests (${r.polledQueues} queues × ${pollers} pollers × ${prices.sqs.longPollsPerPollerMinute} a minute; an account's first 1 M are free)`,
      dollars: sqsDollars(pollRequests - prices.sqs.freeRequestsPerMonth),
      dollarsPastFreeTier: sqsDollars(pollRequests),
    },
  ];
  return {
    lines,
    total: lines.reduce((s, l) => s + l.dollars, 0),
    totalPastFreeTier: lines.reduce((s, l) => s + l.dollarsPastFreeTier, 0),
  };
}

/** A unit count as the report prints it: sums of fractional counts carry float noise (21.009999999999998). */
const round2 = (n: number) => Math.round(n * 100) / 100;

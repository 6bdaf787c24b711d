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
  sqs: { perMillionRequests: 0.4, freeRequestsPerMonth: 1_000_000 },
  ses: { perThousandEmails: 0.1 },
  cloudwatch: { perAlarmMonth: 0.1, perDashboardMonth: 3, freeDashboards: 3 },
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
      what: `${work.dynamodb.writeUnits} WRU + ${work.dynamodb.readUnits} RRU (on-demand)`,
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
  dashboards: number;
  /** SQS queues that a Lambda event source mapping polls (long polling, 20 s). */
  polledQueues: number;
}

/**
 * Fixed monthly cost of an idle deployment. Lambda, API Gateway, EventBridge, SES and on-demand DynamoDB cost
 * nothing without traffic (an empty table's storage rounds to zero). Polling is an estimate: each event source
 * mapping keeps `pollersPerQueue` long polls open (3 requests a minute each), within SQS's monthly free tier here.
 */
export function idleMonthly(
  r: IdleResources,
  opts: { pollersPerQueue?: number; otherDashboards?: number } = {},
  prices = PRICES,
) {
  const minutes = 30 * 24 * 60;
  const pollers = opts.pollersPerQueue ?? 5;
  const pollRequests = r.polledQueues * pollers * 3 * minutes;
  const billableDashboards = Math.max(
    0,
    r.dashboards - Math.max(0, prices.cloudwatch.freeDashboards - (opts.otherDashboards ?? 0)),
  );
  const lines = [
    { what: `${r.kmsKeys} KMS key(s)`, dollars: r.kmsKeys * prices.kms.perKeyMonth },
    { what: `${r.alarms} CloudWatch alarm(s)`, dollars: r.alarms * prices.cloudwatch.perAlarmMonth },
    {
      what: `${r.dashboards} dashboard(s) (the first ${prices.cloudwatch.freeDashboards} of an account are free)`,
      dollars: billableDashboards * prices.cloudwatch.perDashboardMonth,
    },
    {
      what: `SQS long polling: ~${(pollRequests / 1e6).toFixed(2)} M requests (${r.polledQueues} queues × ${pollers} pollers), after the 1 M free`,
      dollars: (Math.max(0, pollRequests - prices.sqs.freeRequestsPerMonth) * prices.sqs.perMillionRequests) / 1e6,
    },
  ];
  return { lines, total: lines.reduce((s, l) => s + l.dollars, 0) };
}

import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../runtime/http.ts';

/** An API Gateway HTTP API (payload 2.0) event for handler tests. */
export const httpEvent = (
  routeKey: string,
  opts: {
    pathParameters?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
    query?: Record<string, string>;
  } = {},
): HttpEvent => {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const rawPath = path.replace(/\{(\w+)\}/g, (_, name: string) => opts.pathParameters?.[name] ?? '');
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(opts.query ?? {}).toString(),
    ...(opts.query && { queryStringParameters: opts.query }),
    headers: opts.headers ?? {},
    pathParameters: opts.pathParameters,
    body: opts.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'badges.example.edu',
      domainPrefix: 'badges',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r-1',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
};

export const lambdaContext = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

import { Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route } from '#shared/routes/manifest.ts';
import { pascalCase } from './ids.ts';

/** A custom domain for the API: the public host the credentials and did:web identifiers name. */
export interface ApiDomain {
  /** e.g. `badges.example.edu`. */
  name: string;
  /** ACM certificate for `name`, in the API's region. */
  certificateArn: string;
}

export interface LaurelHttpApiProps {
  /** The function behind each manifest function name; each gets one integration, shared by its routes. */
  functions: Readonly<Record<string, lambda.IFunction>>;
  /** The manifest's routes: one API route each. */
  routes: readonly Route[];
  /** The authorizer (and the scopes it demands) for routes whose manifest entry names an `auth`. */
  authorizers?: Partial<
    Record<NonNullable<Route['auth']>, { authorizer: apigw.IHttpRouteAuthorizer; scopes: readonly string[] }>
  >;
  /** Maps the API to this domain; without it only the execute-api URL exists. */
  domain?: ApiDomain;
  /** Steady-state requests per second across the stage. @default 100 */
  rateLimit?: number;
  /** Burst allowance. @default 200 */
  burstLimit?: number;
  /** @default RetentionDays.THREE_MONTHS */
  accessLogRetention?: logs.RetentionDays;
}

/**
 * The single HTTP API (payload format 2.0) serving every manifest route from its `$default` stage, with JSON access
 * logs and stage-wide throttling.
 */
export class LaurelHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly domainName?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: LaurelHttpApiProps) {
    super(scope, id);

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Laurel: claim pages, credentials, issuer profiles and DID documents, verification',
      // Our own $default stage below, so it can carry access logs and throttling.
      createDefaultStage: false,
    });

    if (props.domain) {
      this.domainName = new apigw.DomainName(this, 'DomainName', {
        domainName: props.domain.name,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
      });
    }

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.THREE_MONTHS,
    });

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 100, burstLimit: props.burstLimit ?? 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        // The route key (`GET /claim/{token}`), never the raw path: a claim path carries a bearer token.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            time: AccessLogField.contextRequestTime(),
            routeKey: '$context.routeKey',
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            ip: AccessLogField.contextIdentitySourceIp(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
          }),
        ),
      },
      ...(this.domainName ? { domainMapping: { domainName: this.domainName } } : {}),
    });

    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (name: string): HttpLambdaIntegration => {
      const existing = integrations.get(name);
      if (existing) return existing;
      const fn = props.functions[name];
      if (!fn) throw new Error(`a route names function "${name}", which the stack did not create`);
      const integration = new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn);
      integrations.set(name, integration);
      return integration;
    };

    for (const route of props.routes) {
      // Every manifest route today is public by design. Admin and ingest routes (a later issue) attach the JWT
      // authorizer here (`authorizer:` on addRoutes) and must not receive the suppression below.
      const auth = route.auth ? props.authorizers?.[route.auth] : undefined;
      if (route.auth && !auth)
        throw new Error(`route ${route.method} ${route.path} needs the "${route.auth}" authorizer`);
      const created = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: integrationFor(route.fn),
        ...(auth ? { authorizer: auth.authorizer, authorizationScopes: [...auth.scopes] } : {}),
      });
      if (auth) continue;
      for (const r of created) {
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design: claim links carry their own bearer token, and credentials, issuer profiles, DID documents and verification must be readable by anyone, forever.`,
        });
      }
    }
  }
}

import { type App, ReferenceStrength, Tags } from 'aws-cdk-lib';
import { DEFAULT_CROSS_STACK_REFERENCES } from 'aws-cdk-lib/cx-api';
import type { LaurelConfig } from './config.ts';
import { ObservabilityStack } from './observability-stack.ts';
import { ServicesStack } from './services-stack.ts';
import { StatefulStack } from './stateful-stack.ts';

export interface LaurelStacks {
  stateful: StatefulStack;
  services: ServicesStack;
  observability: ObservabilityStack;
}

/** Adds Laurel's three stacks to an app; `bin/app.ts` and the infra tests build the same thing. */
export function addLaurelStacks(app: App, config: LaurelConfig): LaurelStacks {
  // Strong references (Export/ImportValue) unless cdk.json or -c says otherwise: CloudFormation then refuses to
  // delete a table, key or bus that deployed functions still use.
  if (app.node.tryGetContext(DEFAULT_CROSS_STACK_REFERENCES) === undefined) {
    app.node.setContext(DEFAULT_CROSS_STACK_REFERENCES, ReferenceStrength.STRONG);
  }
  const env = config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const common = env ? { env } : {};

  const stateful = new StatefulStack(app, 'LaurelStateful', {
    ...common,
    description: 'Laurel: tables, event bus, signing and claim keys, SES identity',
    // Holds the issued credentials and the keys they were signed with.
    terminationProtection: true,
    senderAddress: config.senderAddress,
    keyGenerations: config.keyGenerations,
    vcApiClients: config.vcApiClients,
    domain: config.domain,
    consoleMembers: { admin: config.adminEmails, reviewer: config.reviewerEmails, viewer: config.viewerEmails },
    ...(config.authDomainPrefix ? { authDomainPrefix: config.authDomainPrefix } : {}),
  });

  const services = new ServicesStack(app, 'LaurelServices', {
    ...common,
    description: 'Laurel: functions, queues, rules and the HTTP API',
    domain: config.domain,
    ...(config.certificateArn ? { certificateArn: config.certificateArn } : {}),
    vcApi: { tokenIssuer: stateful.vcApi.tokenIssuer, clients: stateful.vcApi.clients },
    console: { tokenIssuer: stateful.vcApi.tokenIssuer, client: stateful.console.client },
    resources: {
      appTable: stateful.appTable,
      idempotencyTable: stateful.idempotencyTable,
      bus: stateful.bus,
      signingKey: stateful.signingKey,
      signingKeys: stateful.signingKeys,
      jwtSigningKeys: stateful.jwtSigningKeys,
      vcApiTokenIssuer: stateful.vcApi.tokenIssuer,
      consoleAuth: {
        clientId: stateful.console.client.userPoolClientId,
        tokenIssuer: stateful.vcApi.tokenIssuer,
        hostedUiBaseUrl: stateful.vcApi.hostedUiBaseUrl,
      },
      claimKey: stateful.claimKey,
      mail: stateful.mail,
    },
  });

  const observability = new ObservabilityStack(app, 'LaurelObservability', {
    ...common,
    description: 'Laurel: dashboard and alarms',
    functions: Object.values(services.functions).map((f) => ({ name: f.name, fn: f.fn })),
    deadLetterQueues: services.deadLetterQueues,
    queues: services.queues,
    api: services.api.api,
    alarmEmails: config.adminEmails,
  });

  Tags.of(app).add('app', 'laurel');
  return { stateful, services, observability };
}

import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { appTable, idempotencyTable } from '#shared/tables/app-table.ts';
import { type CONSOLE_GROUPS, ConsoleUsers } from '../constructs/console-users.ts';
import type { MailResources } from '../constructs/service-function.ts';
import { tableFromDefinition } from '../constructs/table.ts';
import { VcApiClients } from '../constructs/vc-api-clients.ts';
import { DEFAULT_DOMAIN, emailDomain } from './config.ts';

/** Name of the custom bus producers put `AchievementEarned` on; documented to institutions, so it is fixed. */
export const EVENT_BUS_NAME = 'laurel';

export interface StatefulStackProps extends StackProps {
  /** `From` address of claim emails; its domain is registered as the SES identity. */
  senderAddress: string;
  /**
   * How many generations of signing keys exist (Ed25519 for proofs, RSA for VC-JWT). KMS asymmetric keys cannot
   * rotate themselves: rotating means adding a generation here (deploy), then moving each issuer onto it with
   * `laurel issuer rotate-key`. Old generations are kept (RETAIN) and stay usable, so nothing they signed breaks.
   * @default 1
   */
  keyGenerations?: number;
  /** The public host (the console's sign-in callback lives there). @default badges.example.edu */
  domain?: string;
  /** Console users to create, by group (Cognito emails each a temporary password). */
  consoleMembers?: Partial<Record<(typeof CONSOLE_GROUPS)[number], readonly string[]>>;
  /** VC-API client names: one Cognito app client each. @default ['default'] */
  vcApiClients?: readonly string[];
  /** Cognito domain prefix for the VC-API token endpoint. @default `laurel-<account>` */
  authDomainPrefix?: string;
}

/**
 * Everything that holds state or identity and must survive a redeploy of the functions: the tables, the bus, the
 * credential-signing and claim-token keys, and the SES identity. Kept apart so the stateless stack can be destroyed
 * and recreated freely.
 */
export class StatefulStack extends Stack {
  readonly appTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly bus: events.EventBus;
  /** The newest Ed25519 signing key; `signingKeys` holds every generation. */
  readonly signingKey: kms.Key;
  readonly signingKeys: readonly kms.Key[];
  /** RSA 2048 keys for the VC-JWT form, every generation, oldest first. */
  readonly jwtSigningKeys: readonly kms.Key[];
  /** The institution's user pool: VC-API clients (client credentials) and the console's administrators. */
  readonly userPool: cognito.UserPool;
  readonly vcApi: VcApiClients;
  /** The console's groups, users and app client, in the same pool. */
  readonly console: ConsoleUsers;
  readonly claimKey: kms.Key;
  readonly mail: MailResources;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.appTable = tableFromDefinition(this, appTable, {
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    // Idempotency records live for hours; losing them on stack deletion loses nothing worth keeping.
    this.idempotencyTable = tableFromDefinition(this, idempotencyTable, { removalPolicy: RemovalPolicy.DESTROY });

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: EVENT_BUS_NAME });

    // Every credential ever issued is verified against these keys' public halves (published in the issuer's DID
    // document and JWKS), so they are never deleted with the stack. Asymmetric keys cannot rotate; a new key means a
    // new generation here and a new verification method on each issuer (`laurel issuer rotate-key`). Generation 1
    // keeps its original construct id, so adding generations never replaces a key.
    const generations = props.keyGenerations ?? 1;
    if (!Number.isInteger(generations) || generations < 1 || generations > 20) {
      throw new Error('keyGenerations must be a whole number from 1 to 20');
    }
    const generation = (n: number) => (n === 1 ? '' : String(n));
    this.signingKeys = Array.from(
      { length: generations },
      (_, i) =>
        new kms.Key(this, `SigningKey${generation(i + 1)}`, {
          description: `Laurel: signs Open Badges credentials (eddsa-rdfc-2022), generation ${i + 1}`,
          keySpec: kms.KeySpec.ECC_NIST_EDWARDS25519,
          keyUsage: kms.KeyUsage.SIGN_VERIFY,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
    this.signingKey = this.signingKeys[generations - 1] as kms.Key;
    // The VC-JWT form (RS256): RSA 2048 with RSASSA_PKCS1_V1_5_SHA_256, the minimum 1EdTech requires.
    this.jwtSigningKeys = Array.from(
      { length: generations },
      (_, i) =>
        new kms.Key(this, `JwtSigningKey${generation(i + 1)}`, {
          description: `Laurel: signs the VC-JWT form of credentials (RS256), generation ${i + 1}`,
          keySpec: kms.KeySpec.RSA_2048,
          keyUsage: kms.KeyUsage.SIGN_VERIFY,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );

    // One pool for the institution: machine clients of the VC-API now, the console's administrators too.
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The pool holds machine clients (client credentials, no sign-in) and a few invited administrators with TOTP MFA required and no self sign-up; the Plus plan bills threat protection per user for sign-in risks this pool does not face.',
    });
    this.console = new ConsoleUsers(this, 'Console', {
      userPool: this.userPool,
      domain: props.domain ?? DEFAULT_DOMAIN,
      members: {
        admin: props.consoleMembers?.admin ?? [],
        reviewer: props.consoleMembers?.reviewer ?? [],
        viewer: props.consoleMembers?.viewer ?? [],
      },
    });
    this.vcApi = new VcApiClients(this, 'VcApi', {
      userPool: this.userPool,
      clientNames: props.vcApiClients ?? ['default'],
      ...(props.authDomainPrefix ? { domainPrefix: props.authDomainPrefix } : {}),
    });

    // Claim tokens are HMACs under this key; deleting it would invalidate every unclaimed link.
    this.claimKey = new kms.Key(this, 'ClaimKey', {
      description: 'Laurel: derives claim-link tokens (HMAC)',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const configurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      // Claim links are bearer secrets: refuse to hand them to a receiving server without TLS.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Bounces and complaints come back as events on the default bus (the only bus SES publishes to), where the
    // emailEvents subscription marks the credential; our message tags (credentialId) ride along.
    configurationSet.addEventDestination('BouncesToEventBridge', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    const identityDomain = emailDomain(props.senderAddress);
    const identity = new ses.EmailIdentity(this, 'MailIdentity', {
      identity: ses.Identity.domain(identityDomain),
      configurationSet,
    });
    this.mail = { identity, configurationSet, senderAddress: props.senderAddress };

    new CfnOutput(this, 'AppTableName', { value: this.appTable.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'SigningKeyArn', {
      value: this.signingKey.keyArn,
      description: 'The newest Ed25519 key: `laurel issuer add --key` or `issuer rotate-key --key` it',
    });
    new CfnOutput(this, 'JwtSigningKeyArn', {
      value: (this.jwtSigningKeys.at(-1) as kms.Key).keyArn,
      description: 'The newest RSA key for VC-JWT: `laurel issuer add --jwt-key` or `issuer rotate-key --key` it',
    });
    identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `DNS record that verifies ${identityDomain} for SES (Easy DKIM)`,
      });
    });
  }
}

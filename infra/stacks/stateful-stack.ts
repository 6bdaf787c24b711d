import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { appTable, idempotencyTable } from '#shared/tables/app-table.ts';
import type { MailResources } from '../constructs/service-function.ts';
import { tableFromDefinition } from '../constructs/table.ts';
import { emailDomain } from './config.ts';

/** Name of the custom bus producers put `AchievementEarned` on; documented to institutions, so it is fixed. */
export const EVENT_BUS_NAME = 'laurel';

export interface StatefulStackProps extends StackProps {
  /** `From` address of claim emails; its domain is registered as the SES identity. */
  senderAddress: string;
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
  readonly signingKey: kms.Key;
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

    // Every credential ever issued is verified against this key's public half (published in the issuer's DID
    // document), so it is never deleted with the stack. Asymmetric keys cannot rotate; a new key means a new
    // verification method on the issuer.
    this.signingKey = new kms.Key(this, 'SigningKey', {
      description: 'Laurel: signs Open Badges credentials (eddsa-rdfc-2022)',
      keySpec: kms.KeySpec.ECC_NIST_EDWARDS25519,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
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
      description: 'Seed each issuer with this key (keyRef) and its public key (kms get-public-key)',
    });
    identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `DNS record that verifies ${identityDomain} for SES (Easy DKIM)`,
      });
    });
  }
}

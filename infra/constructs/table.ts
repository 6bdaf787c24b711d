import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableDefinition } from '#shared/tables/app-table.ts';

/** Everything about a table that is a deployment choice rather than part of its shared definition. */
export interface DefinedTableProps {
  /**
   * What CloudFormation does with the table when it leaves the stack. The application table holds issued
   * credentials, which must outlive any deployment, so it is RETAIN there.
   */
  removalPolicy: RemovalPolicy;
  /** Blocks `DeleteTable` through the API too; on for tables whose loss cannot be recovered by replay. */
  deletionProtection?: boolean;
}

const attribute = (a: { name: string; type: 'S' }): dynamodb.Attribute => ({
  name: a.name,
  type: dynamodb.AttributeType.STRING,
});

/**
 * Builds a DynamoDB table from its definition in `#shared/tables`, the same object the adapters and the local runner
 * read, so keys, indexes and TTL cannot drift between them. On-demand, point-in-time recovery, AWS-managed encryption.
 */
export function tableFromDefinition(scope: Construct, def: TableDefinition, props: DefinedTableProps): dynamodb.Table {
  const table = new dynamodb.Table(scope, def.id, {
    partitionKey: attribute(def.partitionKey),
    ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // The AWS-managed key encrypts at rest and keeps the IAM story to table grants alone (no kms:Decrypt to hand out).
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
    removalPolicy: props.removalPolicy,
    deletionProtection: props.deletionProtection ?? false,
  });
  for (const index of def.indexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}

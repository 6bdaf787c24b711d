import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '#infra/stacks/config.ts';
import { StatefulStack } from '#infra/stacks/stateful-stack.ts';

const logicalId = (construct: IConstruct): string => {
  const child = construct.node.defaultChild as CfnElement;
  return (child.stack as Stack).getLogicalId(child);
};

const statefulWith = (context: Record<string, string>) => {
  const app = new App({ context: { domain: 'badges.test.example', ...context } });
  const config = readConfig(app);
  const stack = new StatefulStack(app, 'LaurelStateful', {
    senderAddress: config.senderAddress,
    keyGenerations: config.keyGenerations,
    vcApiClients: config.vcApiClients,
  });
  return { stack, template: Template.fromStack(stack) };
};

describe('key generations (rotation in AWS)', () => {
  it('adds a new Ed25519 and RSA key per generation and keeps the first ones under their original ids', () => {
    // Prepare
    const one = statefulWith({});

    // Act
    const two = statefulWith({ keyGenerations: '2' });

    // Assess
    expect(one.stack.signingKeys.map(logicalId)).toEqual([logicalId(one.stack.signingKey)]);
    expect(two.stack.signingKeys).toHaveLength(2);
    expect(two.stack.jwtSigningKeys).toHaveLength(2);
    expect(logicalId(two.stack.signingKeys[0] as IConstruct)).toBe(logicalId(one.stack.signingKey));
    expect(logicalId(two.stack.jwtSigningKeys[0] as IConstruct)).toBe(
      logicalId(one.stack.jwtSigningKeys[0] as IConstruct),
    );
    expect(two.stack.signingKey).toBe(two.stack.signingKeys[1]);
    const keys = Object.values(two.template.findResources('AWS::KMS::Key')) as {
      Properties: { KeySpec: string };
      DeletionPolicy: string;
    }[];
    expect(keys.filter((k) => k.Properties.KeySpec === 'ECC_NIST_EDWARDS25519')).toHaveLength(2);
    expect(keys.filter((k) => k.Properties.KeySpec === 'RSA_2048')).toHaveLength(2);
    expect(keys.every((k) => k.DeletionPolicy === 'Retain')).toBe(true);
  });

  it('gives each named VC-API client its own app client, and refuses bad context', () => {
    const { template } = statefulWith({ vcApiClients: 'lms,sis' });
    // Two VC-API clients, plus the console's.
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 3);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { ClientName: 'laurel-vc-api-sis' });
    expect(() => statefulWith({ keyGenerations: '0' })).toThrow(/keyGenerations/);
    expect(() => statefulWith({ vcApiClients: 'Bad Name' })).toThrow(/vcApiClients/);
  });
});

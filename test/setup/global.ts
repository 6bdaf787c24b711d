import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#infra/local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the in-memory DynamoDB Local shared by the whole run (`test/support/dynamo.ts` uses it). */
    dynamoEndpoint: string;
  }
}

/**
 * One in-memory DynamoDB Local for the whole test run, on a free port: starting Java costs seconds, so test files
 * share it and isolate themselves with uniquely named tables instead.
 */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

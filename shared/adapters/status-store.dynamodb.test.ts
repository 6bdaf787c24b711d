import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyEncodedList, readStatusBit } from '../credentials/status-list.ts';
import type { StatusChangeRecord } from '../tables/app-table.ts';
import { StatusStore } from './status-store.dynamodb.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = 'app';
const LIST = '2f1c7a52-8a8b-4d0e-9a8e-0d6f3f0f6a11';
const head = {
  pk: 'STATUSHEAD#demo#revocation',
  sk: 'HEAD',
  issuerSlug: 'demo',
  purpose: 'revocation',
  listId: LIST,
  allocated: 4,
};

const change = (credentialId: string, index: number): StatusChangeRecord => ({
  credentialId,
  action: 'revoke',
  at: '2026-06-01T09:00:00.000Z',
  actor: 'cli:ops',
  reason: 'error',
  purpose: 'revocation',
  listId: LIST,
  index,
});

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('StatusStore commands', () => {
  afterEach(() => dynamo.reset());

  it('allocates with a consistent head read, a slot reserved on the head, then a conditional index put', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: head });
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    const store = new StatusStore(new DynamoDBClient({}), TABLE, { random: () => 94_567 });
    // Act
    const entry = await store.allocateStatusIndex({
      issuerSlug: 'demo',
      purpose: 'revocation',
      credentialId: 'c-1',
      achievementId: 'intro-to-cs',
      at: '2026-05-14T16:20:05Z',
    });
    // Assess
    expect(entry).toEqual({ purpose: 'revocation', listId: LIST, index: 94_567 });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { pk: 'STATUSHEAD#demo#revocation', sk: 'HEAD' },
      ConsistentRead: true,
    });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: {
        pk: `STATUSIDX#${LIST}#94567`,
        sk: 'STATUSIDX',
        gsi1pk: 'ACHIEVEMENTCREDENTIALS#intro-to-cs',
        gsi1sk: 'c-1',
        listId: LIST,
        index: 94_567,
        credentialId: 'c-1',
        purpose: 'revocation',
        achievementId: 'intro-to-cs',
        allocatedAt: '2026-05-14T16:20:05Z',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: 'STATUSHEAD#demo#revocation', sk: 'HEAD' },
      UpdateExpression: 'ADD allocated :one',
      ConditionExpression: 'listId = :list AND allocated < :capacity',
      ExpressionAttributeValues: { ':one': 1, ':list': LIST, ':capacity': 65_536 },
    });
  });

  it('draws again on a taken index, and reuses the head it has seen for the next allocation', async () => {
    dynamo.on(GetCommand).resolves({ Item: head });
    dynamo
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }))
      .resolves({});
    dynamo.on(UpdateCommand).resolves({ Attributes: { allocated: 6 } });
    const draws = [7, 8, 9];
    const store = new StatusStore(new DynamoDBClient({}), TABLE, { random: () => draws.shift() as number });
    const request = { issuerSlug: 'demo', purpose: 'revocation' as const, credentialId: 'c', at: 'now' };
    expect((await store.allocateStatusIndex(request)).index).toBe(8);
    expect((await store.allocateStatusIndex(request)).index).toBe(9);
    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 3);
  });

  it('commits bits, credential and audit record in one transaction conditioned on the bits version', async () => {
    const encodedList = await emptyEncodedList();
    dynamo.on(GetCommand).resolves({
      Item: { pk: `STATUSLIST#${LIST}`, sk: 'BITS', listId: LIST, encodedList, version: 2, updatedAt: 'x' },
    });
    dynamo.on(TransactWriteCommand).resolves({});
    const store = new StatusStore(new DynamoDBClient({}), TABLE);
    // Act
    const result = await store.commitStatusChange({ listId: LIST, action: 'revoke', changes: [change('c-1', 42)] });
    // Assess
    expect(result).toEqual({ committed: true });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(3);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: `STATUSLIST#${LIST}`, sk: 'BITS' },
      ConditionExpression: 'version = :current',
      ExpressionAttributeValues: { ':next': 3, ':current': 2 },
    });
    const written = items[0]?.Update?.ExpressionAttributeValues?.[':list'] as string;
    expect(await readStatusBit(written, 42)).toBe(true);
    expect(await readStatusBit(written, 41)).toBe(false);
    expect(items[1]?.Update).toEqual({
      TableName: TABLE,
      Key: { pk: 'CREDENTIAL#c-1', sk: 'CREDENTIAL' },
      UpdateExpression: 'SET revokedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':at': '2026-06-01T09:00:00.000Z' },
    });
    expect(items[2]?.Put).toMatchObject({
      Item: {
        pk: 'CREDENTIAL#c-1',
        sk: 'STATUSCHANGE#2026-06-01T09:00:00.000Z#revoke',
        gsi1pk: 'STATUSCHANGES#2026-06-01',
        actor: 'cli:ops',
        reason: 'error',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('retries when the bits changed underneath, and reports credentials whose status changed instead', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { listId: LIST, encodedList: await emptyEncodedList(), version: 0, updatedAt: 'x' } });
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None']))
      .rejectsOnce(cancelled(['None', 'None', 'None', 'ConditionalCheckFailed', 'None']));
    const store = new StatusStore(new DynamoDBClient({}), TABLE);
    const result = await store.commitStatusChange({
      listId: LIST,
      action: 'revoke',
      changes: [change('c-1', 1), change('c-2', 2)],
    });
    expect(result).toEqual({ committed: false, conflicts: ['c-2'] });
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });
});

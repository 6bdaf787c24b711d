import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimRecord, CredentialRecord } from '../tables/app-table.ts';
import { credentialItems } from '../tables/credential-items.ts';
import { AppStore } from './app-store.dynamodb.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = 'app';
const store = () => new AppStore(new DynamoDBClient({}), TABLE);

const credential: CredentialRecord = {
  id: 'c-1',
  issuerSlug: 'demo',
  achievementId: 'intro-to-cs',
  ruleId: 'cs101-completed',
  sourceEventId: 'evt-1',
  recipientEmail: 'ada@example.edu',
  document: { id: 'https://badges.example/credentials/c-1', proof: { proofValue: 'z3abc' } },
  issuedAt: '2026-05-14T16:20:05Z',
  claimNonce: 'nonce',
  emailStatus: 'pending',
  learnerKey: 'LK',
};
const claim: ClaimRecord = { tokenHash: 'th', credentialId: 'c-1', expiresAt: '2026-06-13T16:20:05.000Z' };
const items = credentialItems(credential);
const documentKey = { pk: 'CREDENTIAL#c-1', sk: 'DOCUMENT' };

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('AppStore credential writes and reads', () => {
  afterEach(() => dynamo.reset());

  it('puts the document once, on its own, then creates the credential in the issuance transaction', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    // Act
    const result = await store().saveIssuance(credential, claim);
    // Assess
    expect(result).toEqual({ created: true });
    const calls = dynamo.calls().map((c) => c.args[0].constructor.name);
    expect(calls).toEqual(['PutCommand', 'TransactWriteCommand']);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: { ...documentKey, credentialId: 'c-1', documentGzip: expect.any(Uint8Array) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const transaction = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(transaction.map((t) => t.Put?.Item?.sk)).toEqual([
      'ISSUANCE',
      'CREDENTIAL',
      'CLAIM',
      'CREDENTIAL#2026-05-14T16:20:05Z#c-1',
    ]);
    expect(transaction[1]?.Put).toEqual({
      TableName: TABLE,
      Item: items.state,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(transaction[1]?.Put?.Item).not.toHaveProperty('document');
  });

  it('deletes the document of a cancelled issuance and answers with the earlier credential', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None']));
    dynamo.on(DeleteCommand).resolves({});
    dynamo
      .on(GetCommand)
      .resolves({ Item: { pk: 'ISSUANCE#evt-1#cs101-completed', sk: 'ISSUANCE', credentialId: 'c-0' } });
    // Act
    const result = await store().saveIssuance(credential, claim);
    // Assess
    expect(result).toEqual({ created: false, existingCredentialId: 'c-0' });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, { TableName: TABLE, Key: documentKey });
  });

  it('keeps the document when the transaction’s outcome is unknown (no cancellation), and fails', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).rejects(new Error('socket hang up'));
    await expect(store().saveIssuance(credential, claim)).rejects.toThrow('socket hang up');
    expect(dynamo).toHaveReceivedCommandTimes(DeleteCommand, 0);
  });

  it('reads state and document with one Query, and again consistently when an eventual read saw the state alone', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [items.state] })
      .resolves({ Items: [items.state, items.document] });
    // Act
    const read = await store().getCredential('c-1');
    // Assess
    expect(read).toEqual(credential);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :state AND :document',
      ExpressionAttributeValues: { ':pk': 'CREDENTIAL#c-1', ':state': 'CREDENTIAL', ':document': 'DOCUMENT' },
    });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).not.toHaveProperty('ConsistentRead');
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ConsistentRead: true });
  });

  it('marks the email sent with two plain writes, the reminder first, and no transaction', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    const reminder = { credentialId: 'c-1', step: 0, dueAt: '2026-05-17T16:20:06.000Z' };
    await store().markEmailSent('c-1', '2026-05-14T16:20:06.000Z', reminder);
    expect(dynamo.calls().map((c) => c.args[0].constructor.name)).toEqual(['PutCommand', 'UpdateCommand']);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: {
        pk: 'CREDENTIAL#c-1',
        sk: 'REMINDER',
        gsi1pk: 'REMINDERS#2026-05-17',
        gsi1sk: '2026-05-17T16:20:06.000Z#c-1',
        ...reminder,
      },
    });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: 'CREDENTIAL#c-1', sk: 'CREDENTIAL' },
      UpdateExpression: 'SET emailStatus = :sent, emailSentAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
    });
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
  });
});

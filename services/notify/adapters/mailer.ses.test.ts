import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from './mailer.ses.ts';

const ses = mockClient(SESv2Client);
const email = {
  to: 'ada@example.edu',
  subject: 'Demo University awarded you “Intro”',
  html: '<p>hi</p>',
  text: 'hi',
  tags: { credentialId: 'a1b2-c3', issuer: 'demo' },
};

describe('SesMailer', () => {
  afterEach(() => ses.reset());

  it('sends HTML and text from the sender with the configuration set and tags', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    // Act
    const out = await new SesMailer(new SESv2Client({}), 'badges@example.edu', 'laurel').send(email);
    // Assess
    expect(out).toEqual({ messageId: 'm-1' });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'badges@example.edu',
      Destination: { ToAddresses: ['ada@example.edu'] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>hi</p>', Charset: 'UTF-8' }, Text: { Data: 'hi', Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: 'laurel',
      EmailTags: [
        { Name: 'credentialId', Value: 'a1b2-c3' },
        { Name: 'issuer', Value: 'demo' },
      ],
    });
  });

  it('adds the unsubscribe headers a reminder carries', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    const headers = {
      'List-Unsubscribe': '<https://badges.example.edu/unsubscribe/x>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
    await new SesMailer(new SESv2Client({}), 'badges@example.edu', 'laurel').send({ ...email, headers });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      Content: {
        Simple: expect.objectContaining({
          Headers: [
            { Name: 'List-Unsubscribe', Value: headers['List-Unsubscribe'] },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        }),
      },
    });
  });

  it('fails when SES fails, so the queue retries', async () => {
    ses.on(SendEmailCommand).rejects(new Error('Throttling'));
    await expect(new SesMailer(new SESv2Client({}), 'badges@example.edu').send(email)).rejects.toThrow('Throttling');
  });
});

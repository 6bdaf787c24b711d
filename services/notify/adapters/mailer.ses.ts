import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../app/ports.ts';

/** SES tag values allow only letters, digits, `_`, `-`, `.`, `@`. */
const tagValue = (v: string) => v.replace(/[^\w.@-]/g, '_').slice(0, 256);

/** Sends through SES v2 from the configured sender, with the configuration set that reports deliveries and bounces. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(email: OutgoingEmail) {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [email.to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
            ...(email.headers && {
              Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })),
            }),
          },
        },
        ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
        EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value: tagValue(Value) })),
      }),
    );
    if (!out.MessageId) throw new Error('SES accepted the email without a message id');
    return { messageId: out.MessageId };
  }
}

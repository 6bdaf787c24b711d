import nodemailer, { type Transporter } from 'nodemailer';
import { standInCall } from '#shared/adapters/stand-in-calls.ts';
import type { Mailer, OutgoingEmail } from '../app/ports.ts';

/** Local mode: the same messages over SMTP (MailDev shows them in its inbox). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    options: { host: string; port: number },
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: false,
      ignoreTLS: true,
    });
  }

  async send(email: OutgoingEmail) {
    standInCall('SESv2', 'SendEmail');
    const info = await this.transport.sendMail({
      from: this.from,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: {
        ...Object.fromEntries(Object.entries(email.tags).map(([k, v]) => [`X-Laurel-${k}`, v])),
        ...email.headers,
      },
    });
    return { messageId: info.messageId };
  }
}

import type { Transporter } from 'nodemailer';
import { standInCall } from '#shared/adapters/stand-in-calls.ts';
import type { Mailer, OutgoingEmail } from '../app/ports.ts';

/**
 * Local mode: the same messages over SMTP (MailDev shows them in its inbox). nodemailer is imported on the first send,
 * not with this module: the functions that import the wiring load it only when they run in local mode, and their
 * Lambda bundles replace it with a stub (infra/constructs/bundle-stubs/no-smtp.js).
 */
export class SmtpMailer implements Mailer {
  private transport?: Promise<Transporter>;

  constructor(
    private readonly options: { host: string; port: number },
    private readonly from: string,
  ) {}

  async send(email: OutgoingEmail) {
    standInCall('SESv2', 'SendEmail');
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ host: this.options.host, port: this.options.port, secure: false, ignoreTLS: true }),
    );
    const info = await (await this.transport).sendMail({
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

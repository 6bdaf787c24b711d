// Stands in for nodemailer in Lambda bundles. Only the SMTP mailer uses it (services/notify/adapters/mailer.smtp.ts),
// and only in local mode (LAUREL_MODE=local, run from the sources by infra/local, never from a bundle); in AWS the
// notify, remind and admin functions send through SES. Without the stub each of them carries about 240 KB of SMTP
// client that nothing calls.
const refuse = () => {
  throw new Error('SMTP is local mode only; Lambda functions send email through SES');
};
export default { createTransport: refuse };
export const createTransport = refuse;

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalMail, startMailDev } from './mail.ts';
import { isListening } from './process.ts';

const dir = await mkdtemp(join(tmpdir(), 'laurel-mail-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const send = (mail: LocalMail, to: string, subject: string) =>
  createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true }).sendMail({
    from: 'badges@localhost',
    to,
    subject,
    text: 'Your badge is ready.',
    html: '<p>Your badge is <b>ready</b>.</p>',
  });

describe('startMailDev', () => {
  it('catches SMTP mail, lists it through the REST API, and keeps it across a restart', async () => {
    // Prepare
    const first = await startMailDev({ smtpPort: 0, webPort: 0, mailDirectory: dir });

    // Act
    await send(first, 'ada@example.edu', 'Claim your badge');
    await send(first, 'grace@example.edu', 'Another badge');
    const all = await first.client.list();
    const forAda = await first.client.list({ to: 'ada@example.edu' });
    await first.stop();
    const second = await startMailDev({ smtpPort: 0, webPort: 0, mailDirectory: dir });
    const afterRestart = await second.client.list();

    try {
      // Assess
      expect(all.map((m) => m.subject)).toEqual(['Claim your badge', 'Another badge']);
      expect(forAda).toHaveLength(1);
      expect(forAda[0]).toMatchObject({ subject: 'Claim your badge', to: [{ address: 'ada@example.edu' }] });
      expect(forAda[0]?.html).toContain('ready');
      const one = await second.client.get(forAda[0]?.id ?? '');
      expect(one?.text).toContain('Your badge is ready.');
      expect(afterRestart.map((m) => m.subject).sort()).toEqual(['Another badge', 'Claim your badge']);
      await second.client.clear();
      expect(await second.client.list()).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('stops its process: both ports are free afterwards', async () => {
    const mail = await startMailDev({ smtpPort: 0, webPort: 0 });
    expect(await isListening(mail.smtpPort)).toBe(true);
    await mail.stop();
    expect(await isListening(mail.smtpPort)).toBe(false);
    expect(await isListening(mail.webPort)).toBe(false);
  });
});

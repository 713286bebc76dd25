import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.js';

export type Mail = { to: string; subject: string; text: string };
export type Mailer = { configured: boolean; send(mail: Mail): Promise<void> };

/** SMTP when configured. Messages carry links only, never personal data about people at risk (DOMAIN.md §6). */
export function createMailer(config: Config): Mailer {
  if (!config.mail.smtpUrl) {
    return {
      configured: false,
      async send() {
        throw new Error('E-mail is not configured: set SMTP_URL');
      },
    };
  }
  const transport: Transporter = nodemailer.createTransport(config.mail.smtpUrl);
  return {
    configured: true,
    async send(mail) {
      await transport.sendMail({ from: config.mail.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

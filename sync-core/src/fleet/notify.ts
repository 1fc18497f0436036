/**
 * E-mail when the fleet pauses a connection: the agency learns of a broken shop from its inbox,
 * not from a customer's accountant weeks later. One message per pause (the pause that changed the
 * connection sends it; another worker pausing it again sends nothing), through any SMTP server
 * (nodemailer). The message carries the connection's name, the reason and what to do; never its
 * configuration or secrets.
 */
import nodemailer from 'nodemailer';
import { ShopbooksError } from '../model/errors';

export interface PauseNotice {
  connectionId: string;
  reason: string;
}

export type PauseNotifier = (notice: PauseNotice) => Promise<void>;

export interface SmtpNotifierOptions {
  /** smtp://user:password@host:port or smtps://… (nodemailer's connection URL). */
  smtpUrl: string;
  from: string;
  to: string;
  /** Link to the status page (`shopbooks fleet serve`), shown in the message. */
  statusUrl?: string;
}

export function pauseMessage(notice: PauseNotice, statusUrl?: string): { subject: string; text: string } {
  const where = statusUrl ? `the status page (${statusUrl})` : 'the status page (shopbooks fleet serve)';
  return {
    subject: `Shopbooks: connection ${notice.connectionId} is paused`,
    text: [
      `The fleet paused the connection "${notice.connectionId}". Its orders are not booked until it is resumed.`,
      '',
      `Reason: ${notice.reason}`,
      '',
      `Fix the cause (credentials, the shop being reachable, the mapping), then press Resume on ${where}`,
      `or run: shopbooks fleet resume ${notice.connectionId}`,
      'Orders that arrived in the meantime are booked on the next run, each once.',
    ].join('\n'),
  };
}

export function smtpPauseNotifier(o: SmtpNotifierOptions): PauseNotifier {
  const transport = nodemailer.createTransport(o.smtpUrl);
  return async (notice) => {
    const m = pauseMessage(notice, o.statusUrl);
    await transport.sendMail({ from: o.from, to: o.to, subject: m.subject, text: m.text });
  };
}

/**
 * SHOPBOOKS_SMTP_URL, SHOPBOOKS_NOTIFY_TO (and optionally SHOPBOOKS_NOTIFY_FROM,
 * SHOPBOOKS_FLEET_STATUS_URL); none set = no e-mail. Half a setting is a configuration error.
 */
export function pauseNotifierFromEnv(env: NodeJS.ProcessEnv = process.env): PauseNotifier | undefined {
  const smtpUrl = env.SHOPBOOKS_SMTP_URL;
  const to = env.SHOPBOOKS_NOTIFY_TO;
  if (!smtpUrl && !to) return undefined;
  if (!smtpUrl || !to)
    throw new ShopbooksError(
      'ConfigInvalid',
      'E-mail about paused connections needs both SHOPBOOKS_SMTP_URL (smtp://user:password@host:port) and SHOPBOOKS_NOTIFY_TO (the address to write to).',
    );
  if (!/^smtps?:\/\//.test(smtpUrl))
    throw new ShopbooksError('ConfigInvalid', 'SHOPBOOKS_SMTP_URL must start with smtp:// or smtps://.');
  return smtpPauseNotifier({
    smtpUrl,
    to,
    from: env.SHOPBOOKS_NOTIFY_FROM ?? to,
    statusUrl: env.SHOPBOOKS_FLEET_STATUS_URL,
  });
}

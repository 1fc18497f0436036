/**
 * A connection the fleet pauses sends one e-mail (to a loopback SMTP sink), with its name, the
 * reason and what to do, and nothing of its secrets; two workers pausing it send one message.
 */
import { randomBytes } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { startShopSource, type SandboxShop } from '../sandbox/shops';
import { startSandbox, type Sandbox } from '../sandbox';
import { startTestPostgres, type TestPostgres } from './test-postgres';
import { startFleetWorker, type FleetWorker } from './worker';
import { Connections } from './connections';
import { pauseNotifierFromEnv, smtpPauseNotifier } from './notify';
import { openPostgresStore, type PostgresStore } from '../store/postgres-store';

jest.setTimeout(120_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('e-mail when a connection is paused', () => {
  let pg: TestPostgres;
  let smtp: SMTPServer;
  let port = 0;
  const mails: { to: string[]; raw: string }[] = [];
  let sb: Sandbox | undefined;
  let shop: SandboxShop | undefined;
  let admin: PostgresStore | undefined;
  const workers: FleetWorker[] = [];
  beforeAll(async () => {
    pg = await startTestPostgres();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await shop?.close();
    await sb?.close();
    await admin?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    await pg?.stop();
  });

  it('a revoked shop key: paused once, one message with the reason, no secret in it', async () => {
    sb = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: 3, seed: 31 });
    shop = await startShopSource('woocommerce', { seed: 32, orders: 3, port: 0 });
    const schema = 'fleet_notify';
    const key = randomBytes(32);
    admin = await openPostgresStore({ url: pg.url, schema });
    const conns = new Connections(admin.pool, schema, key);
    const secret = 'cs_revoked_0123456789abcdef';
    await conns.add(
      'broken-shop',
      {
        ...sb.config,
        source: { ...(shop.sourceConfig as object), consumerSecret: secret, shopId: 'broken' },
        store: { kind: 'memory' },
      },
      { intervalSeconds: 1 },
    );
    const notifyPaused = smtpPauseNotifier({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'fleet@agency.test',
      to: 'ops@agency.test',
      statusUrl: 'http://127.0.0.1:8790/',
    });
    const opts = {
      url: pg.url,
      schema,
      key,
      concurrency: 2,
      stopTimeoutMs: 2000,
      retryLimit: 0,
      pauseAfterFailures: 2,
      schedulerIntervalMs: 300,
      pollingIntervalSeconds: 0.5,
      notifyPaused,
    };
    workers.push(await startFleetWorker(opts), await startFleetWorker(opts));

    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await conns.list()).find((r) => r.id === 'broken-shop')?.paused)
      await sleep(300);
    const row = (await conns.list()).find((r) => r.id === 'broken-shop')!;
    expect(row.paused).toBe(true);
    // further runs and the other worker add nothing
    await sleep(3000);
    expect(mails).toHaveLength(1);
    const m = mails[0];
    expect(m.to).toEqual(['ops@agency.test']);
    expect(m.raw).toMatch(/Subject: Shopbooks: connection broken-shop is paused/);
    expect(m.raw.replace(/=\r?\n/g, '')).toContain(row.pauseReason!.slice(0, 40));
    expect(m.raw).toContain('shopbooks fleet resume broken-shop');
    expect(m.raw).not.toContain(secret);
  });

  it('the settings come from the environment; half a setting is a plain configuration error', () => {
    expect(pauseNotifierFromEnv({})).toBeUndefined();
    expect(
      typeof pauseNotifierFromEnv({
        SHOPBOOKS_SMTP_URL: 'smtp://127.0.0.1:25',
        SHOPBOOKS_NOTIFY_TO: 'ops@agency.test',
      }),
    ).toBe('function');
    expect(() => pauseNotifierFromEnv({ SHOPBOOKS_NOTIFY_TO: 'ops@agency.test' })).toThrow(
      /SHOPBOOKS_SMTP_URL/,
    );
    expect(() =>
      pauseNotifierFromEnv({ SHOPBOOKS_SMTP_URL: 'mail.agency.test', SHOPBOOKS_NOTIFY_TO: 'x@y.z' }),
    ).toThrow(/smtp:\/\//);
  });
});

/** The `shopbooks` command as a user runs it: a real process, its output and exit code. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../e2e/harness';
import { startSandbox, type Sandbox } from '../sandbox';
import { parseConfig, resolveEnvRefs } from '../config';
import { startCcvShopSimulator } from '../sandbox/ccvshop';

jest.setTimeout(120_000);

describe('shopbooks CLI', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sb-cli-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('preview on the sandbox shows every seeded order reconciled to the cent, or refused with a reason', async () => {
    const r = await spawnCli(['--sandbox', 'preview', '--json'], dir).done;
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { orders: Array<{ ok: boolean; reconciled?: boolean | null; reason?: string; code?: string; disposition?: string }>; reconciled: number };
    expect(out.orders.length).toBeGreaterThan(40);
    for (const o of out.orders) {
      if (o.ok) expect(o.reconciled === true || o.reconciled === null).toBe(true);
      else expect(o.reason!.length).toBeGreaterThan(30);
    }
    expect(out.orders.filter((o) => o.ok && o.reconciled === true).length).toBeGreaterThan(35);
  });

  it('a missing configuration is a plain error with exit code 2', async () => {
    const r = await spawnCli(['--config', join(dir, 'nope.json'), 'sync'], dir).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No configuration found: .*nope\.json does not exist/);
  });

  it('an invalid configuration names the setting, never the secret value', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ source: { platform: 'woocommerce', url: 'not a url', consumerKey: 'ck_SUPERSECRET1', consumerSecret: 'cs_SUPERSECRET2' }, target: 'exact', exact: { clientId: 'x', clientSecret: 'EXACTSECRET3', redirectUri: 'http://x', division: 'abc', glAccounts: { revenue: '8000' } } }));
    const r = await spawnCli(['--config', path, 'sync'], dir).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/source\.url/);
    expect(r.stderr + r.stdout).not.toMatch(/SUPERSECRET|EXACTSECRET/);
  });

  it('$env: references resolve secrets from the environment and a missing one is named', () => {
    expect(resolveEnvRefs({ a: { b: '$env:SB_TEST_SECRET' } }, { SB_TEST_SECRET: 's3cret' })).toEqual({ a: { b: 's3cret' } });
    expect(() => parseConfig({ source: { platform: 'woocommerce', consumerKey: '$env:SB_MISSING' }, target: 'exact', exact: {} }, {})).toThrow('The setting source.consumerKey refers to the environment variable SB_MISSING, which is not set.');
  });

  describe('against a running sandbox with a file store', () => {
    let sb: Sandbox;
    let config: string;
    beforeAll(async () => {
      sb = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: 15, seed: 5, fastLimits: true });
      config = join(dir, 'shop.json');
      writeFileSync(config, JSON.stringify({ ...sb.config, store: { kind: 'file', dir: join(dir, 'state') } }));
    });
    afterAll(() => sb.close());

    it('sync --dry-run writes nothing; sync books; status reports; a second sync is a no-op', async () => {
      const before = sb.booksStats().writes; // the sandbox's own setup (its generic item)
      const dry = await spawnCli(['--config', config, 'sync', '--dry-run'], dir).done;
      expect([dry.code, dry.stderr]).toEqual([0, '']);
      expect(dry.stdout).toMatch(/^\[dry run\] sync:/);
      expect(sb.booksStats().writes).toBe(before);

      const run = await spawnCli(['--config', config, 'sync'], dir).done;
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(/booked \d+ order\(s\)/);
      const status = JSON.parse((await spawnCli(['--config', config, 'status', '--json'], dir).done).stdout);
      expect(status.booked).toBeGreaterThan(8);
      expect(status.lastRuns[0]).toMatchObject({ command: 'sync' });
      for (const f of status.failures) expect(f.reason.length).toBeGreaterThan(20);

      const writes = sb.booksStats().writes;
      const again = JSON.parse((await spawnCli(['--config', config, 'sync', '--json'], dir).done).stdout);
      expect(again.booked).toEqual({ order: 0, refund: 0, cancellation: 0 });
      expect(sb.booksStats().writes).toBe(writes);
    });

    it('a wrong client secret fails the run plainly, with exit code 1 and no secret in the output', async () => {
      const bad = join(dir, 'bad-secret.json');
      writeFileSync(bad, JSON.stringify({ ...sb.config, exact: { ...(sb.config.exact as object), clientSecret: 'WRONG-SECRET-123', refreshToken: 'RT-SECRET-456' }, store: { kind: 'file', dir: join(dir, 'state2') } }));
      const r = await spawnCli(['--config', bad, 'sync'], dir).done;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/shopbooks: /);
      expect(r.stdout + r.stderr).not.toMatch(/WRONG-SECRET-123|RT-SECRET-456|sandbox-secret/);
    });
  });
});

describe('shopbooks status: orders waiting for their payment', () => {
  it('a completed but unpaid order with paidOnly is listed as not paid yet, and leaves the list once paid and booked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cli-paid-'));
    const sb = await startSandbox({ target: 'moneybird', platform: 'ccvshop', orders: 1, seed: 3, fastLimits: true });
    const ccv = await startCcvShopSimulator();
    try {
      const id = [...ccv.shop.orders.keys()][0];
      ccv.shop.setStatus(id, 7);
      ccv.shop.setPaid(id, false);
      const number = String(ccv.shop.orders.get(id)!.order.ordernumber_full ?? ccv.shop.orders.get(id)!.order.ordernumber);
      const config = join(dir, 'ccv.json');
      writeFileSync(config, JSON.stringify({ ...sb.config, source: { platform: 'ccvshop', baseUrl: ccv.url, publicKey: ccv.publicKey, secretKey: ccv.secretKey, shopId: 'ccv-cli' }, rules: { startDate: '2000-01-01', paidOnly: true }, store: { kind: 'file', dir: join(dir, 'state') } }));
      const run = await spawnCli(['--config', config, 'sync'], dir).done;
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(new RegExp(`Not paid yet .*${number}`));
      const status = JSON.parse((await spawnCli(['--config', config, 'status', '--json'], dir).done).stdout) as { notPaidYet: Array<{ orderId: string; state: string }> };
      expect(status.notPaidYet).toEqual([expect.objectContaining({ orderId: String(id), state: 'completed' })]);
      ccv.shop.setPaid(id, true);
      expect((await spawnCli(['--config', config, 'sync'], dir).done).code).toBe(0);
      const after = JSON.parse((await spawnCli(['--config', config, 'status', '--json'], dir).done).stdout) as { notPaidYet: unknown[] };
      expect(after.notPaidYet).toEqual([]);
    } finally {
      await ccv.close();
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

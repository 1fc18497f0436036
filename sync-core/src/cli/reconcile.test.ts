/** `shopbooks reconcile` as a user runs it: a real process against a synced sandbox, its output and exit codes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../e2e/harness';
import { startSandbox, type Sandbox } from '../sandbox';
import type { PeriodReconciliation } from '../period/reconcile-period';

jest.setTimeout(120_000);

describe('shopbooks reconcile', () => {
  let dir: string;
  let sb: Sandbox;
  let config: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-rec-'));
    sb = await startSandbox({
      target: 'exact',
      platform: 'woocommerce',
      orders: 15,
      seed: 5,
      fastLimits: true,
    });
    config = join(dir, 'shop.json');
    writeFileSync(config, JSON.stringify({ ...sb.config, store: { kind: 'file', dir: join(dir, 'state') } }));
    const run = await spawnCli(['--config', config, 'sync'], dir).done;
    expect([run.code, run.stderr]).toEqual([0, '']);
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--format json: boxes, documents behind the differences and the API calls used', async () => {
    const r = await spawnCli(
      ['--config', config, 'reconcile', '--from', '2020-01-01', '--to', '2030-12-31', '--format', 'json'],
      dir,
    ).done;
    expect([r.code, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(r.stdout) as PeriodReconciliation;
    expect(out.period).toEqual({ label: '2020-01-01..2030-12-31', from: '2020-01-01', to: '2030-12-31' });
    expect(out.rows.length).toBeGreaterThan(1);
    expect(out.documents.books).toBeGreaterThan(5);
    expect(out.calls.books).toBeGreaterThan(0);
    expect(out.calls.books).toBeLessThanOrEqual(3);
    for (const i of out.items) expect(i.reason).toMatch(/^(failed|refused|not booked yet)/);
  });

  it('table: one line per box, the calls printed; csv: box rows then documents', async () => {
    const t = await spawnCli(
      ['--config', config, 'reconcile', '--from', '2020-01-01', '--to', '2030-12-31'],
      dir,
    ).done;
    expect([t.code, t.stderr]).toEqual([0, '']);
    expect(t.stdout).toMatch(/Reconciliation 2020-01-01\.\.2030-12-31/);
    expect(t.stdout).toMatch(/│ EUR\s+│ 1a\s+│/);
    expect(t.stdout).toMatch(/API calls: shop \d+; books \d+\./);
    const c = await spawnCli(
      ['--config', config, 'reconcile', '--from', '2020-01-01', '--to', '2030-12-31', '--format', 'csv'],
      dir,
    ).done;
    expect(c.code).toBe(0);
    const lines = c.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'section,currency,box,reference,order,shop_turnover,shop_vat,books_turnover,books_vat,difference_turnover,difference_vat,reason',
    );
    expect(lines.filter((l) => l.startsWith('box,EUR,1a,')).length).toBe(1);
  });

  it('a month or a quarter: only documents dated in it; a bad period is a usage error (exit 2)', async () => {
    const q = JSON.parse(
      (await spawnCli(['--config', config, 'reconcile', '--period', '1999-Q4', '--json'], dir).done).stdout,
    ) as PeriodReconciliation;
    expect(q.period).toMatchObject({ from: '1999-10-01', to: '1999-12-31' });
    expect(q.documents).toEqual({ shop: 0, books: 0, matched: 0 });
    const bad = await spawnCli(['--config', config, 'reconcile', '--period', '2026-13'], dir).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"2026-13" is not a period/);
  });
});

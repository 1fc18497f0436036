/** The `shopbooks` command as a user runs it: a real process, its output and exit code. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../e2e/harness';
import { startSandbox, type Sandbox } from '../sandbox';
import { parseConfig, resolveEnvRefs } from '../config';
import { startCcvShopSimulator } from '../sandbox/ccvshop';
import { FileStore } from '../store/file-store';
import { tokenName } from '../targets/exact/transport';

jest.setTimeout(120_000);

describe('shopbooks CLI', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sb-cli-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('preview on the sandbox gives every seeded order a verdict, and the counts add up', async () => {
    const r = await spawnCli(['--sandbox', 'preview', '--json'], dir).done;
    expect([r.code, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(r.stdout) as PreviewJson;
    expect(out.orders.length).toBeGreaterThan(40);
    expect(Object.values(out.counts).reduce((a, b) => a + b, 0)).toBe(out.orders.length);
    for (const o of out.orders) {
      if (o.verdict === 'would-book') expect(o.plan).not.toBeNull();
      else expect(o.reason!.length).toBeGreaterThan(10);
    }
    expect(out.counts['would-book']).toBeGreaterThan(35);
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
      expect(dry.stdout).toMatch(/^\[dry run\] sync: \d+ order\(s\) read; would book [1-9]\d* \(/);
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

interface PreviewJson {
  counts: Record<'would-book' | 'already-booked' | 'not-sold-yet' | 'would-fail' | 'not-booked' | 'busy', number>;
  wouldBook: { order: number; refund: number; cancellation: number };
  orders: Array<{ orderId: string; order: string; status: string | null; verdict: string; text: string; ok: boolean; reason: string | null; code: string | null; plan: { reference: string } | null; documents: Array<{ kind: string; verdict: string; gross: string | null }> }>;
}

describe('shopbooks preview: exactly what the next sync would do (issue 13 item 4)', () => {
  let dir: string;
  let sb: Sandbox;
  let config: string;
  let unmapped: string;
  let state: string;
  const preview = async (cfg: string, ...args: string[]): Promise<PreviewJson> => {
    const r = await spawnCli(['--config', cfg, 'preview', '--json', ...args], dir).done;
    expect([r.code, r.stderr]).toEqual([0, '']);
    return JSON.parse(r.stdout) as PreviewJson;
  };
  const ledger = async () => {
    const s = new FileStore(state);
    try {
      return { entries: (await s.listEntries()).length, cursor: await s.getCursor('woocommerce:' + String((sb.config.source as { shopId?: string }).shopId ?? '') + ':orders-modified'), runs: (await s.listRuns(10)).length, all: JSON.stringify(await s.listEntries()) };
    } finally {
      await s.close();
    }
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-preview-'));
    state = join(dir, 'state');
    sb = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: 30, seed: 2026, fastLimits: true });
    config = join(dir, 'shop.json');
    writeFileSync(config, JSON.stringify({ ...sb.config, store: { kind: 'file', dir: state } }));
    // the same shop and books with the 21 % VAT code left unmapped (no default code)
    const exact = sb.config.exact as { vatCodeMap: Record<string, string> };
    const { 'domestic:21': _dropped, ...vatCodeMap } = exact.vatCodeMap;
    unmapped = join(dir, 'unmapped.json');
    writeFileSync(unmapped, JSON.stringify({ ...sb.config, exact: { ...exact, vatCodeMap }, store: { kind: 'file', dir: state } }));
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says per order would book / not sold yet / not booked / would fail, writes nothing but the rotated token, and the sync then books exactly that', async () => {
    const docsBefore = sb.books().size;
    const writesBefore = sb.booksStats().writes;
    const refreshToken = (sb.config.exact as { refreshToken: string }).refreshToken;

    const first = await preview(config);
    // (b) a pending order is not sold yet, with its status
    const pending = first.orders.filter((o) => o.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    for (const o of pending) expect([o.verdict, o.text]).toEqual(['not-sold-yet', 'not sold yet (status pending)']);
    // (c) a cancelled order that was never booked gets no credit note
    const cancelled = first.orders.filter((o) => o.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const o of cancelled) {
      expect(o.verdict).toBe('not-booked');
      expect(o.documents.filter((d) => d.verdict === 'would-book')).toEqual([]);
    }
    expect(first.wouldBook.cancellation).toBe(0);
    expect(first.counts['would-book']).toBeGreaterThan(10);
    for (const o of first.orders.filter((x) => x.verdict === 'would-book')) expect(o.text).toMatch(/^would book order [A-Z]{3} -?\d+\.\d\d/);

    // (f) nothing in the books, nothing in the ledger, no cursor, no run; the rotated Exact token is kept
    expect([sb.books().size, sb.booksStats().writes]).toEqual([docsBefore, writesBefore]);
    expect(await ledger()).toMatchObject({ entries: 0, cursor: null, runs: 0 });
    const s = new FileStore(state);
    const token = await s.getToken(tokenName('5a4db0c5-0000-4000-8000-000000000001', Number((sb.config.exact as { division: number }).division)));
    await s.close();
    expect(token?.version).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(token?.value)).not.toContain(refreshToken);

    // sync --dry-run says the same number
    const w = first.wouldBook;
    const dry = await spawnCli(['--config', config, 'sync', '--dry-run'], dir).done;
    expect([dry.code, dry.stderr]).toEqual([0, '']);
    expect(dry.stdout).toContain(`would book ${w.order + w.refund + w.cancellation} (${w.order} order(s), ${w.refund} refund(s), ${w.cancellation} cancellation(s))`);
    expect([sb.books().size, sb.booksStats().writes]).toEqual([docsBefore, writesBefore]);
    expect(await ledger()).toMatchObject({ entries: 0, cursor: null, runs: 0 });

    // (a) an unmapped VAT code: would fail with the reason, never "would book"
    const bad = await preview(unmapped);
    const refused = bad.orders.filter((o) => o.code === 'VatCodeNotMapped');
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) {
      expect(o.verdict).toBe('would-fail');
      expect(o.text).toBe('would fail: No Exact VAT code is set for domestic:21: map it in the VAT settings (or set a default VAT code).');
    }
    expect(bad.counts['would-book']).toBe(first.counts['would-book'] - refused.length);
    expect(await ledger()).toMatchObject({ entries: 0, cursor: null, runs: 0 });

    // (e) the real sync (which needs the rotated token: the simulator's first refresh token is spent) books exactly what the preview said
    const run = await spawnCli(['--config', config, 'sync', '--json'], dir).done;
    expect([run.code, run.stderr]).toEqual([0, '']);
    const summary = JSON.parse(run.stdout) as { booked: PreviewJson['wouldBook']; failed: number };
    expect(summary.booked).toEqual(first.wouldBook);
    expect(summary.failed).toBe(first.counts['would-fail']);
    expect(sb.books().size).toBe(docsBefore + w.order + w.refund + w.cancellation);

    // (d) afterwards nothing would be booked again, and those orders, named, are already booked
    const after = await preview(config);
    expect(after.counts['would-book']).toBe(0);
    expect(after.wouldBook).toEqual({ order: 0, refund: 0, cancellation: 0 });
    // (nine: ten or more ids fail the WooCommerce simulator's signature check, a separate defect)
    const wouldBookBefore = first.orders.filter((o) => o.verdict === 'would-book').map((o) => o.orderId).slice(0, 9);
    const named = await preview(config, '--order', ...wouldBookBefore);
    expect(named.orders.map((o) => [o.orderId, o.verdict, o.text]).sort()).toEqual(wouldBookBefore.map((id) => [id, 'already-booked', 'already booked']).sort());

    // status --order: a booked order lists its documents; one that is not booked says why (issue 13 item 8)
    const onHold = first.orders.find((o) => o.status === 'on-hold') ?? pending[0];
    const st = await spawnCli(['--config', config, 'status', '--json', '--order', wouldBookBefore[0], onHold.orderId], dir).done;
    expect([st.code, st.stderr]).toEqual([0, '']);
    const rows = (JSON.parse(st.stdout) as { orders: Array<{ orderId: string; state: string; reason: string | null; documents: Array<{ kind: string; status: string; documentNumber: string | null }> }> }).orders;
    expect(rows[0]).toMatchObject({ orderId: wouldBookBefore[0], state: 'booked', reason: null });
    expect(rows[0].documents[0]).toMatchObject({ kind: 'order', status: 'booked', documentNumber: expect.stringMatching(/\d/) });
    expect(rows[1]).toEqual(expect.objectContaining({ orderId: onHold.orderId, state: 'not yet', reason: `not sold yet (status ${onHold.status})`, documents: [] }));
  }, 300_000);
});

describe('shopbooks preview on Moneybird: a VAT mapping the books do not have', () => {
  it('a tax rate id that is not in the administration is "would fail", never "would book"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cli-preview-mb-'));
    const sb = await startSandbox({ target: 'moneybird', platform: 'woocommerce', orders: 12, seed: 2026, fastLimits: true });
    try {
      const mb = sb.config.moneybird as { taxRateMap: Record<string, string> };
      const config = join(dir, 'mb.json');
      writeFileSync(config, JSON.stringify({ ...sb.config, moneybird: { ...mb, taxRateMap: { ...mb.taxRateMap, 'domestic:21': '999999999999999999' } } }));
      const r = await spawnCli(['--config', config, 'preview', '--json'], dir).done;
      expect([r.code, r.stderr]).toEqual([0, '']);
      const out = JSON.parse(r.stdout) as PreviewJson;
      const failing = out.orders.filter((o) => o.verdict === 'would-fail' && o.text.includes('999999999999999999'));
      expect(failing.length).toBeGreaterThan(0);
      for (const o of failing) expect(o.text).toMatch(/^would fail: /);
      expect(out.orders.filter((o) => o.verdict === 'would-book' && o.plan && JSON.stringify(o.plan).includes('"domestic:21"'))).toEqual([]);
      expect(sb.books().size).toBe(0);
    } finally {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    }
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

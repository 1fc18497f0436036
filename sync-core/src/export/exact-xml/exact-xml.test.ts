/**
 * The Exact XML export: the sandbox shop's file validates against the eExact schema (xmllint),
 * reads back to the plans to the cent per VAT code, and agrees document by document with what the
 * API path books into the Exact simulator (same YourRef, same VAT codes, same amounts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ShopbooksConfig } from '../../config';
import { runSync } from '../../engine/sync';
import { SyncRules } from '../../engine/rules';
import { ShopbooksError } from '../../model/errors';
import { D, dec, fixed } from '../../model/money';
import { PlanSettings } from '../../plan/settings';
import type { BookingPlan } from '../../plan/types';
import { startSandbox, type Sandbox } from '../../sandbox';
import { MemoryStore } from '../../store/memory-store';
import { createExactTarget } from '../../targets/exact';
import { ExactTargetConfig } from '../../targets/exact/config';
import { makePlan, planLine } from '../../targets/exact/test-plans';
import { createSource, createTarget } from '../../app/wiring';
import { spawnCli } from '../../e2e/harness';
import { buildExactXml } from './build';
import { DebtorList, debtorCodeFor, debtorFor } from './debtors';
import { readExactXml, reconcileExactXml } from './read';
import { parseExportWindow } from './select';
import { exportExactXml } from './index';

jest.setTimeout(180_000);

const SCHEMA = join(__dirname, 'schema', 'eExact-sales-entries.xsd');

function xmllint(file: string): { ok: boolean; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint could not run (${r.error.message}): install it with bin/install-system-deps.sh (Debian package libxml2-utils).`);
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** The test's own sum: base and VAT per Exact VAT code, from the plan's VAT per rate and the VAT code map. */
function planByCode(plans: BookingPlan[], exact: ExactTargetConfig): Record<string, string> {
  const m = new Map<string, InstanceType<typeof D>>();
  for (const p of plans) {
    for (const r of p.vatByRate) {
      const code = exact.vatCodeMap[r.key] ?? exact.defaultVatCode;
      if (!code) throw new Error(`test: ${r.key} has no VAT code`);
      m.set(`${code} base`, (m.get(`${code} base`) ?? new D(0)).plus(r.base));
      m.set(`${code} vat`, (m.get(`${code} vat`) ?? new D(0)).plus(r.vat));
    }
  }
  return nonZero(m);
}

/** Zero totals are equal to the cent whether a code appears or not (a line of 0.00 + 0.00 books nothing). */
function nonZero(m: Map<string, InstanceType<typeof D>>): Record<string, string> {
  return Object.fromEntries([...m].filter(([, v]) => !v.isZero()).map(([k, v]) => [k, fixed(v)]));
}

function fileByCode(lines: Array<{ vatCode: string; net: string; vat: string }>): Record<string, string> {
  const m = new Map<string, InstanceType<typeof D>>();
  for (const l of lines) {
    m.set(`${l.vatCode} base`, (m.get(`${l.vatCode} base`) ?? new D(0)).plus(l.net));
    m.set(`${l.vatCode} vat`, (m.get(`${l.vatCode} vat`) ?? new D(0)).plus(l.vat));
  }
  return nonZero(m);
}

describe('Exact XML export of the sandbox shop', () => {
  let sb: Sandbox;
  let config: ShopbooksConfig;
  let exact: ExactTargetConfig;
  let dir: string;
  let xml: string;
  let file: string;
  const apiPlans = new Map<string, BookingPlan>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-xml-'));
    sb = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: 40, seed: 2026, fastLimits: true });
    config = parseConfig(sb.config);
    exact = ExactTargetConfig.parse(config.exact);
    // The API path books the same shop into the Exact simulator.
    const summary = await runSync(
      { source: createSource(config), target: createTarget(config), store: new MemoryStore(), plan: config.plan, rules: config.rules },
      { mode: 'backfill', since: '2000-01-01', onOutcome: (o) => o.outcomes.forEach((x) => x.status === 'booked' && apiPlans.set(x.plan.reference, x.plan)) },
    );
    expect(summary.booked.order).toBeGreaterThan(20);
    const r = await exportExactXml({ source: createSource(config), exact, plan: PlanSettings.parse(config.plan), rules: SyncRules.parse(config.rules) }, { since: '2000-01-01', until: null });
    xml = r.xml;
    file = join(dir, 'export.xml');
    writeFileSync(file, xml);
  });
  afterAll(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates against the eExact schema (xmllint)', () => {
    const r = xmllint(file);
    expect(r.output).toMatch(/validates/);
    expect(r.ok).toBe(true);
  });

  it('a file that breaks the schema is rejected by the same check (the validation can fail)', () => {
    const bad = join(dir, 'bad.xml');
    // a line without its GL account, and a date that is not a date
    writeFileSync(bad, xml.replace(/<GLAccount code="[^"]*"\/>/, '').replace(/<Date>(\d{4})-(\d{2})-(\d{2})<\/Date>/, '<Date>$3-$2-$1</Date>'));
    const r = xmllint(bad);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/GLAccount|Date/);
  });

  it('holds exactly the documents the API path booked, with the same YourRef', () => {
    const read = readExactXml(xml);
    expect(read.transactions.map((t) => t.yourRef).sort()).toEqual([...apiPlans.keys()].sort());
    for (const t of read.transactions) for (const l of t.lines) expect(l.yourRef).toBe(t.yourRef);
  });

  it('round trip: export → parse → totals per VAT code equal the plans to the cent (per document and in total)', () => {
    const read = readExactXml(xml);
    const plans = [...apiPlans.values()];
    expect(fileByCode(read.transactions.flatMap((t) => t.lines))).toEqual(planByCode(plans, exact));
    for (const t of read.transactions) {
      const plan = apiPlans.get(t.yourRef)!;
      expect({ ref: t.yourRef, byCode: fileByCode(t.lines) }).toEqual({ ref: t.yourRef, byCode: planByCode([plan], exact) });
      const gross = t.lines.reduce((a, l) => a.plus(l.net).plus(l.vat), new D(0));
      expect(fixed(gross)).toBe(fixed(plan.totals.gross));
      expect(t.type).toBe(plan.kind === 'order' ? '20' : '21');
      expect(t.date).toBe(plan.date);
    }
    expect(reconcileExactXml(read, plans, exact)).toEqual([]);
  });

  it('line by line equal to the sales entries the API path booked (GL account, VAT code, net, VAT)', () => {
    const glCode = new Map(sb.exact!.state.glAccounts.map((g) => [String(g.ID), String(g.Code)]));
    const read = readExactXml(xml);
    for (const t of read.transactions) {
      const entry = sb.exact!.state.salesEntries.find((e) => e.YourRef === t.yourRef)!;
      expect(entry).toBeDefined();
      const api = ((entry.SalesEntryLines as Array<Record<string, unknown>>) ?? []).map((l) => ({ gl: glCode.get(String(l.GLAccount)), vatCode: String(l.VATCode).trim(), net: fixed(dec(String(l.AmountFC))), vat: fixed(dec(String(l.VATAmountFC))) }));
      expect(t.lines.map((l) => ({ gl: l.glAccount, vatCode: l.vatCode, net: l.net, vat: l.vat }))).toEqual(api);
      expect(t.journal).toBe(String(entry.Journal ?? exact.journalCode).trim());
    }
  });

  it('names every debtor it books on: exported accounts, or the collective debtor that exists in Exact', () => {
    const read = readExactXml(xml);
    const codes = new Set(read.accounts.map((a) => a.code));
    for (const t of read.transactions) expect(codes.has(t.accountCode) || t.accountCode === exact.collectiveAccountCode).toBe(true);
    expect(read.accounts.length).toBeGreaterThan(5);
    expect(new Set(read.accounts.map((a) => a.email)).size).toBe(read.accounts.length);
  });

  it('a window selects by booking date: two halves hold the same documents as the whole', async () => {
    const dates = [...apiPlans.values()].map((p) => p.date).sort();
    const mid = dates[Math.floor(dates.length / 2)];
    const deps = { source: createSource(config), exact, plan: PlanSettings.parse(config.plan), rules: SyncRules.parse(config.rules) };
    const a = readExactXml((await exportExactXml(deps, { since: '2000-01-01', until: mid })).xml);
    const b = readExactXml((await exportExactXml(deps, { since: mid, until: null })).xml);
    for (const t of a.transactions) expect(t.date < mid).toBe(true);
    for (const t of b.transactions) expect(t.date >= mid).toBe(true);
    expect([...a.transactions, ...b.transactions].map((t) => t.yourRef).sort()).toEqual([...apiPlans.keys()].sort());
  });
});

describe('Exact XML export, pure parts', () => {
  const exact = ExactTargetConfig.parse({ clientId: 'c', clientSecret: 's', redirectUri: 'http://x/cb', division: 1, journalCode: '70', glAccounts: { revenue: '8000', shipping: '8090' }, vatCodeMap: { 'domestic:21': '2', 'domestic:9': '1' } });
  const plan = makePlan({ reference: 'WC-1001', lines: [planLine({ net: '10.00', vat: '2.10' }), planLine({ role: 'shipping', net: '4.13', vat: '0.87' }), planLine({ net: '5.00', vat: '0.45', percent: '9' })] });

  it('bad dates are configuration errors', () => {
    for (const [s, u] of [['2026-02-30', undefined], ['03/01/2026', undefined], ['', undefined], ['2026-03-01', '2026-03-01'], ['2026-03-01', 'tomorrow']] as Array<[string, string | undefined]>) {
      let err: unknown = null;
      try {
        parseExportWindow(s, u);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ShopbooksError);
      expect((err as ShopbooksError).code).toBe('ConfigInvalid');
    }
    expect(parseExportWindow('2026-03-01', '2026-04-01')).toEqual({ since: '2026-03-01', until: '2026-04-01' });
  });

  it('the CLI exits 2 on a bad date, with the reason', async () => {
    const r = await spawnCli(['--sandbox', 'export', '--format', 'exact-xml', '--since', '2026-02-30'], tmpdir()).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since "2026-02-30" is not a date/);
  });

  it('writes the GL account per role, the mapped VAT code, the reference and the amounts with credit negative', () => {
    const read = readExactXml(buildExactXml([plan], exact).xml);
    expect(read.transactions).toHaveLength(1);
    const t = read.transactions[0];
    expect(t).toMatchObject({ type: '20', journal: '70', date: '2026-03-01', yourRef: 'WC-1001', accountCode: debtorCodeFor('jan@example.nl') });
    expect(t.lines.map((l) => [l.glAccount, l.vatCode, l.net, l.vat])).toEqual([['8000', '2', '10.00', '2.10'], ['8090', '2', '4.13', '0.87'], ['8000', '1', '5.00', '0.45']]);
    expect(buildExactXml([plan], exact).xml).toMatch(/<Value>-10\.00<\/Value>/);
    expect(read.accounts).toEqual([{ code: debtorCodeFor('jan@example.nl'), name: 'Jan Jansen', email: 'jan@example.nl' }]);
  });

  it('refuses what the API path refuses, with the same error (unmapped VAT code, reference too long)', async () => {
    const target = createExactTarget(exact);
    const unmapped = makePlan({ reference: 'WC-1002', lines: [planLine({ net: '10.00', vat: '1.90', treatment: 'oss', percent: '19', country: 'DE' })] });
    const long = makePlan({ reference: 'WC-12345678901234567890123456789', lines: [planLine({ net: '1.00', vat: '0.21' })] });
    const file = buildExactXml([plan, unmapped, long], exact);
    expect(file.entries.map((e) => e.plan.reference)).toEqual(['WC-1001']);
    for (const p of [unmapped, long]) {
      const api = await target.validate(p);
      const refused = file.refused.find((r) => r.plan.reference === p.reference)!;
      expect(api.ok).toBe(false);
      expect(refused.error.code).toBe(!api.ok && api.error.code);
      expect(refused.error.message).toBe(!api.ok && api.error.message);
    }
  });

  it('the round-trip check catches a cent changed in the file', () => {
    const file = buildExactXml([plan], exact);
    expect(reconcileExactXml(readExactXml(file.xml), [plan], exact)).toEqual([]);
    const tampered = file.xml.replace('<VATAmount>-0.87</VATAmount>', '<VATAmount>-0.88</VATAmount>');
    expect(reconcileExactXml(readExactXml(tampered), [plan], exact).join('\n')).toMatch(/WC-1001: .*VAT/);
  });

  it('shop text that XML cannot carry (control characters) is dropped, and names with markup are escaped', () => {
    const odd = makePlan({ reference: 'WC-1003', lines: [planLine({ net: '10.00', vat: '2.10', description: 'Mok\u0007 <blauw> & "wit"' })] });
    odd.customer = { ...odd.customer, company: 'De Bakker & Zn.\u0001' };
    const xml = buildExactXml([odd], exact).xml;
    const read = readExactXml(xml);
    expect(read.transactions[0].lines).toHaveLength(1);
    expect(read.accounts[0].name).toBe('De Bakker & Zn.');
    expect(xml).toContain('Mok &lt;blauw&gt; &amp; &quot;wit&quot;');
    expect([...xml].some((ch) => ch.charCodeAt(0) < 9)).toBe(false);
  });

  it('credit notes are type 21 and debit revenue', () => {
    const refund = makePlan({ reference: 'WC-1001-R7', kind: 'refund', refundId: '7', lines: [planLine({ net: '-10.00', vat: '-2.10', quantity: '-1' })] });
    const xml = buildExactXml([refund], exact).xml;
    const t = readExactXml(xml).transactions[0];
    expect(t).toMatchObject({ type: '21', yourRef: 'WC-1001-R7' });
    expect(t.lines.map((l) => [l.net, l.vat])).toEqual([['-10.00', '-2.10']]);
    expect(xml).toMatch(/<Value>10\.00<\/Value>/);
  });

  it('collective debtor: no account exported; two customers sharing a derived code are refused, not merged', () => {
    const coll = ExactTargetConfig.parse({ ...exact, customerMode: 'collective', collectiveAccountCode: '9999' });
    expect(debtorFor(coll, plan)).toEqual({ code: '9999', account: null, email: null });
    expect(buildExactXml([plan], coll).accounts).toBe(0);
    const list = new DebtorList();
    const a = debtorFor(exact, plan);
    list.add(a, 'WC-1');
    expect(() => list.add({ ...a, email: 'other@example.nl' }, 'WC-2')).toThrow(/would get debtor code/);
  });
});

/**
 * Soak scenarios of the sync state (issue 11, items 5 and 6), run by `npm run soak` after the
 * target soaks:
 *
 * - "a claim outliving its lease": a booking whose write is held back by a 429 for longer than
 *   the claim's lease (10 s) while a second, overlapping run (as from another host: the run lock
 *   does not hold it back) works the same shop. With the heartbeat the slow run keeps its claim
 *   and the other run leaves the entry alone; with renewals cut off the slow run loses the claim,
 *   the other run takes it over and books it, and the slow run's delayed write is never sent.
 * - "compaction under load": real `shopbooks sync` processes (FileStore, faulted writes) and a
 *   process appending to the journal as fast as it can, while another process compacts the
 *   journal in a loop. No write may be lost.
 *
 * Each ends with the same check as the target soaks: 0 duplicates, 0 missing, 0 cent differences.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sync-core/src/sandbox';
import { seededRandom } from '../sync-core/src/sandbox/woocommerce/generate';
import { FileStore } from '../sync-core/src/store/file-store';
import type { Store } from '../sync-core/src/store/port';
import { ShopbooksError } from '../sync-core/src/model/errors';
import { parseConfig } from '../sync-core/src/config';
import { runSync, type SyncSummary } from '../sync-core/src/engine/sync';
import { createSource, createTarget } from '../sync-core/src/app/wiring';
import { reconcile } from '../sync-core/src/e2e/harness';
import { bundleCli, spawnBundled } from './lib/cli-bundle';
import { FaultProxy } from './lib/fault-proxy';
import { HoldProxy } from './lib/hold-proxy';
import { sleep } from './lib/args';

export interface StoreScenarioResult {
  name: string;
  wallSeconds: number;
  facts: Array<[string, string | number]>;
  duplicates: string[];
  missing: string[];
  orphans: string[];
  centDifferences: number;
  /** Scenario-specific failures (e.g. a lost journal write, an expectation about the runs). */
  problems: string[];
  ok: boolean;
}

const LEASE_SECONDS = 10;
const RULES = { startDate: '2000-01-01', retryBaseSeconds: 1, claimLeaseSeconds: LEASE_SECONDS };

/** A handle on the store without the run lock: the overlap of two runs on different hosts, or after an expired lock. */
function withoutRunLock(s: Store): Store {
  return new Proxy(s, {
    get(t, p) {
      if (p === 'withLock') return <T>(name: string, fn: () => Promise<T>, o?: { timeoutMs?: number }) => (name.startsWith('run:') ? fn() : t.withLock(name, fn, o));
      const v = Reflect.get(t, p, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

/** A handle whose claim renewals never reach the store (the sync state unreachable for that run). */
function withoutRenewals(s: Store): Store {
  return new Proxy(s, {
    get(t, p) {
      if (p === 'renewClaim') return async () => Promise.reject(new ShopbooksError('RemoteUnavailable', 'The sync state could not be reached.', { retryable: true }));
      const v = Reflect.get(t, p, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

async function settle(sb: Sandbox, store: Store): Promise<SyncSummary> {
  let last: SyncSummary | null = null;
  for (let i = 0; i < 6; i++) {
    const config = parseConfig({ ...sb.config, rules: RULES });
    last = await runSync({ source: createSource(config, store), target: createTarget(config), store, plan: config.plan, rules: config.rules }, { mode: 'sync' });
    const open = (await store.listEntries()).filter((e) => e.status === 'failed' || e.status === 'claimed');
    if (!open.filter((e) => e.lastError?.code !== 'CurrencyMismatch').length) break;
    await sleep(1100);
  }
  return last!;
}

async function check(name: string, t0: number, sb: Sandbox, store: Store, facts: StoreScenarioResult['facts'], problems: string[]): Promise<StoreScenarioResult> {
  const rec = await reconcile(sb, store);
  const books = sb.books();
  const most = Math.max(0, ...[...books.values()].map((d) => d.count));
  if (most > 1) problems.push(`${most} documents for one reference`);
  const r: StoreScenarioResult = {
    name,
    wallSeconds: Math.round((Date.now() - t0) / 100) / 10,
    facts,
    duplicates: rec.duplicates,
    missing: rec.missing,
    orphans: rec.orphans,
    centDifferences: rec.centDifferences.length,
    problems,
    ok: false,
  };
  r.ok = !r.duplicates.length && !r.missing.length && !r.orphans.length && !r.centDifferences && !problems.length && rec.grossShop === rec.grossBooks;
  return r;
}

/** One overlap: run A's first write held by a 429 for 15 s (> the 10 s lease); run B starts 11 s in. */
async function overlap(sb: Sandbox, dir: string, cutRenewals: boolean) {
  const hold = new HoldProxy({
    upstream: sb.exact!.url,
    holdWrites: 1,
    passThrough: (p) => p.includes('oauth'),
    tooManyHeaders: () => ({ 'X-RateLimit-Minutely-Limit': '300', 'X-RateLimit-Minutely-Remaining': '0', 'X-RateLimit-Minutely-Reset': String(Date.now() + 15_000) }),
  });
  await hold.start();
  try {
    const cfgA = parseConfig({ ...sb.config, exact: { ...(sb.config.exact as Record<string, unknown>), baseUrl: hold.url }, rules: RULES });
    const cfgB = parseConfig({ ...sb.config, rules: RULES });
    const base = new FileStore(dir);
    const storeA = cutRenewals ? withoutRenewals(base) : base;
    const storeB = withoutRunLock(new FileStore(dir));
    const a = runSync({ source: createSource(cfgA, storeA), target: createTarget(cfgA), store: storeA, plan: cfgA.plan, rules: cfgA.rules }, { mode: 'sync' });
    for (let i = 0; i < 400 && hold.held === 0; i++) await sleep(25);
    const heldAt = Date.now();
    const heldKey = (await base.listEntries({ status: 'claimed' })).find((e) => e.writeStartedAt)?.key ?? null;
    await sleep(LEASE_SECONDS * 1000 + 1000 - (Date.now() - heldAt));
    const b = await runSync({ source: createSource(cfgB, storeB), target: createTarget(cfgB), store: storeB, plan: cfgB.plan, rules: cfgB.rules }, { mode: 'sync' });
    const sa = await a;
    return { a: sa, b, heldKey, heldWrites: hold.held, forwardedAfterHold: hold.forwardedWrites };
  } finally {
    await hold.close();
  }
}

export async function soakClaimOutlivingLease(o: { orders: number; seed: number; log: (s: string) => void }): Promise<StoreScenarioResult> {
  const t0 = Date.now();
  const one = await leasePhase(o, false);
  o.log('  claim outliving its lease: now with the slow run\'s renewals cut off');
  const two = await leasePhase(o, true);
  const r: StoreScenarioResult = {
    name: 'a claim outliving its lease',
    wallSeconds: Math.round((Date.now() - t0) / 100) / 10,
    facts: [...one.facts, ...two.facts],
    duplicates: [...one.duplicates, ...two.duplicates],
    missing: [...one.missing, ...two.missing],
    orphans: [...one.orphans, ...two.orphans],
    centDifferences: one.centDifferences + two.centDifferences,
    problems: [...one.problems, ...two.problems],
    ok: one.ok && two.ok,
  };
  return r;
}

/**
 * With the heartbeat (cutRenewals false) the slow run keeps its claim past the lease and the
 * overlapping run leaves the entry alone; with its renewals cut off the claim lapses, the other
 * run takes it over and books it, and the slow run's delayed write is never sent.
 */
async function leasePhase(o: { orders: number; seed: number }, cutRenewals: boolean): Promise<StoreScenarioResult> {
  const t0 = Date.now();
  const tag = cutRenewals ? 'renewals cut off' : 'heartbeat';
  const facts: StoreScenarioResult['facts'] = [];
  const problems: string[] = [];
  const sb = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: o.orders, seed: o.seed + (cutRenewals ? 1 : 0), fastLimits: true });
  const dir = mkdtempSync(join(tmpdir(), 'sb-soak-lease-'));
  try {
    const store = new FileStore(dir);
    const r = await overlap(sb, dir, cutRenewals);
    facts.push([`${tag}: writes held back past the lease`, r.heldWrites]);
    facts.push([`${tag}: slow run booked / lost (busy)`, `${r.a.booked.order + r.a.booked.refund + r.a.booked.cancellation} / ${r.a.claimedElsewhere}`]);
    facts.push([`${tag}: other run booked / left (busy)`, `${r.b.booked.order + r.b.booked.refund + r.b.booked.cancellation} / ${r.b.claimedElsewhere}`]);
    if (!r.heldKey || !r.heldWrites) problems.push(`${tag}: no write was held back under a claim`);
    else {
      const e = await store.getEntry(r.heldKey);
      if (!cutRenewals && r.b.claimedElsewhere < 1) problems.push('heartbeat: the overlapping run took over a claim that was being renewed');
      if (!cutRenewals && e?.status !== 'booked') problems.push(`heartbeat: the held entry ended ${e?.status ?? 'absent'}, not booked`);
      if (cutRenewals && r.a.claimedElsewhere < 1) problems.push('renewals cut off: the slow run did not notice it lost its claim');
    }
    const settled = await settle(sb, store);
    facts.push([`${tag}: booked by a settling run`, settled.booked.order + settled.booked.refund + settled.booked.cancellation]);
    return await check(tag, t0, sb, store, facts, problems);
  } finally {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function soakCompactionUnderLoad(o: { orders: number; seed: number; log: (s: string) => void }): Promise<StoreScenarioResult> {
  const t0 = Date.now();
  const facts: StoreScenarioResult['facts'] = [];
  const problems: string[] = [];
  const sb = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: o.orders, seed: o.seed + 11, fastLimits: true });
  const proxy = new FaultProxy({ upstream: sb.exact!.url, writeFailRate: 0.1, rng: seededRandom(o.seed * 13), passThrough: (p) => p.includes('oauth'), tooManyHeaders: () => ({}) });
  await proxy.start();
  const dir = mkdtempSync(join(tmpdir(), 'sb-soak-compact-'));
  const state = join(dir, 'state');
  const path = join(dir, 'shopbooks.config.json');
  writeFileSync(path, JSON.stringify({ ...sb.config, exact: { ...(sb.config.exact as Record<string, unknown>), baseUrl: proxy.url }, rules: { startDate: '2000-01-01', retryBaseSeconds: 1 }, store: { kind: 'file', dir: state } }));
  const stopFlag = join(dir, 'stop');
  const storeModule = JSON.stringify(join(__dirname, '..', 'sync-core', 'src', 'store', 'file-store.ts'));
  const child = (script: string) => {
    const p = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, state, stopFlag], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    return new Promise<string>((resolve, reject) => p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child failed: ${err.trim().split('\n').slice(-3).join(' | ')}`)))));
  };
  try {
    new FileStore(state); // create the directory before the children open it
    const compactor = child(`
      const { FileStore } = require(${storeModule});
      const { existsSync } = require('node:fs');
      (async () => {
        const s = new FileStore(process.argv[1]);
        let n = 0;
        while (!existsSync(process.argv[2])) { await s.compact(); n++; await new Promise((r) => setTimeout(r, 5)); }
        process.stdout.write(String(n));
      })().catch((e) => { console.error(e); process.exit(1); });`);
    const appender = child(`
      const { FileStore } = require(${storeModule});
      const { existsSync } = require('node:fs');
      (async () => {
        const s = new FileStore(process.argv[1]);
        let n = 0;
        while (!existsSync(process.argv[2]) || n < 200) { await s.setMapping('soak-load', String(n), 'v' + n); n++; }
        process.stdout.write(String(n));
      })().catch((e) => { console.error(e); process.exit(1); });`);
    const bundle = bundleCli();
    let syncs = 0;
    let finished = 0;
    let busy = 0;
    for (let round = 0; round < 12; round++) {
      const runs = [spawnBundled(bundle, ['--config', path, 'sync', '--json'], dir), spawnBundled(bundle, ['--config', path, 'sync', '--json'], dir)];
      syncs += runs.length;
      let bookedNow = 0;
      for (const r of runs) {
        const res = await r.done;
        if (res.code !== 0) {
          problems.push(`a sync process ended with ${res.code ?? res.signal}: ${res.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
          continue;
        }
        const sum = JSON.parse(res.stdout) as { runBusy?: boolean; booked: Record<string, number> };
        if (sum.runBusy) busy++;
        else finished++;
        bookedNow += Object.values(sum.booked).reduce((a, b) => a + b, 0);
      }
      const open = (await new FileStore(state).listEntries()).filter((e) => (e.status === 'failed' || e.status === 'claimed') && e.lastError?.code !== 'CurrencyMismatch');
      if (round >= 2 && !bookedNow && !open.length) break;
      await sleep(1100);
    }
    writeFileSync(stopFlag, '');
    const compactions = Number(await compactor);
    const appended = Number(await appender);
    proxy.enabled = false;
    const store = new FileStore(state);
    let lostMappings = 0;
    for (let i = 0; i < appended; i++) if ((await store.getMapping('soak-load', String(i))) !== `v${i}`) lostMappings++;
    const runsRecorded = (await store.listRuns(1000)).filter((r) => r.finishedAt).length;
    facts.push(['sync processes (finished / waited out as busy)', `${syncs} (${finished} / ${busy})`]);
    facts.push(['compactions while they ran', compactions]);
    facts.push(['extra journal appends (another process)', appended]);
    facts.push(['  of them lost', lostMappings]);
    facts.push(['finished runs recorded (expected)', `${runsRecorded} (${finished})`]);
    facts.push(['writes faulted (503 / lost response)', `${proxy.stats.failedBeforeCommit} / ${proxy.stats.lostAfterCommit}`]);
    if (compactions < 1) problems.push('no compaction ran during the load');
    if (lostMappings) problems.push(`${lostMappings} journal appends lost`);
    if (runsRecorded < finished) problems.push(`${finished - runsRecorded} finished runs missing from the run log`);
    await settle(sb, store);
    return await check('compaction under load', t0, sb, store, facts, problems);
  } finally {
    if (!existsSync(stopFlag)) writeFileSync(stopFlag, '');
    await proxy.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runStoreScenarios(o: { orders: number; seed: number; log: (s: string) => void }): Promise<StoreScenarioResult[]> {
  o.log('\nSync state scenarios: a claim outliving its lease; compaction under load');
  const lease = await soakClaimOutlivingLease({ ...o, orders: Math.min(o.orders, 30) });
  printStoreScenario(lease, o.log);
  const compaction = await soakCompactionUnderLoad({ ...o, orders: Math.min(o.orders, 60) });
  printStoreScenario(compaction, o.log);
  return [lease, compaction];
}

export function printStoreScenario(r: StoreScenarioResult, log: (s: string) => void): void {
  const line = (k: string, v: string | number) => log(`  ${k.padEnd(44)} ${v}`);
  log(`\n${r.name}: ${r.wallSeconds} s`);
  for (const [k, v] of r.facts) line(k, v);
  line('duplicates', r.duplicates.length ? r.duplicates.join(', ') : 0);
  line('missing', r.missing.length ? r.missing.slice(0, 20).join(', ') : 0);
  line('unexpected documents (orphans)', r.orphans.length ? r.orphans.slice(0, 20).join(', ') : 0);
  line('documents differing by a cent or more', r.centDifferences);
  if (r.problems.length) line('problems', r.problems.join(' | '));
  log(`  => ${r.ok ? 'exactly once, to the cent' : 'FAILED'}`);
}

if (require.main === module) {
  const log = (s: string) => process.stdout.write(s + '\n');
  runStoreScenarios({ orders: 60, seed: 2026, log })
    .then((rs) => process.exit(rs.every((r) => r.ok) ? 0 : 1))
    .catch((e) => {
      process.stderr.write(String(e?.stack ?? e) + '\n');
      process.exit(2);
    });
}

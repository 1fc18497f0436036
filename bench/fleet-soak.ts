/**
 * `npm run fleet:soak` / `npm run fleet:soak:ci`: many simulated shops (WooCommerce, Shopify,
 * CCV Shop) booked by fleet worker processes on PostgreSQL + pg-boss into shared Exact divisions
 * and Moneybird administrations (rate limits 60x faster than the real ones), while workers are
 * SIGKILLed at random points and PostgreSQL is restarted once. Broken connections (a revoked shop
 * key, a shop that is down, an administration without VAT codes) must end paused with a reason.
 *
 * Independent check: every shop is first synced without faults into a private, unlimited copy of
 * the books (the control); the fleet's books must hold exactly the control's references, each
 * once, with the same gross and VAT per rate. No 429 may be caused, and orders arriving during the
 * run must be booked within 60 s at p95. Exit 1 otherwise.
 *
 * Orders arrive while the fleet runs: a share of every WooCommerce shop's orders (--arrive, default
 * 0.34) is held back after the control run and put into the shops one by one once the backlog
 * is booked (or after --arrive-after seconds at the latest, default 60), spread evenly over
 * --arrive-over seconds (default 60), as checkouts would; their
 * documents' "arrived → booked" p95 is the latency figure. The other orders are a backlog at the
 * start (measured from the fleet's start). A worker process that exits unkilled is a crash: it
 * is restarted, counted, and fails the soak.
 *
 * Options: --shops N (per group: --group N) --orders N --workers N --kills N --seed N --json FILE
 *          --arrive FRACTION --arrive-over SECONDS --arrive-after SECONDS (latest start) --timeout SECONDS
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sync-core/src/sandbox';
import { startShopSource, type SandboxShop } from '../sync-core/src/sandbox/shops';
import type { BooksDocument } from '../sync-core/src/sandbox/books';
import { seededRandom } from '../sync-core/src/sandbox/woocommerce/generate';
import { startTestPostgres } from '../sync-core/src/fleet/test-postgres';
import { openPostgresStore } from '../sync-core/src/store/postgres-store';
import { MemoryStore } from '../sync-core/src/store/memory-store';
import { Connections } from '../sync-core/src/fleet/connections';
import { parseConfig } from '../sync-core/src/config';
import { createSource, createTarget } from '../sync-core/src/app/wiring';
import { runSync } from '../sync-core/src/engine/sync';
import type { Platform } from '../sync-core/src/model/order';
import type { WcOrderRecord } from '../sync-core/src/sandbox/woocommerce/types';
import { arg, sleep } from './lib/args';

const shopsWanted = Number(arg('shops', '200'));
const groupSize = Number(arg('group', '20'));
const orders = Number(arg('orders', '12'));
const workerCount = Number(arg('workers', '3'));
const kills = Number(arg('kills', '20'));
const seed = Number(arg('seed', '7'));
const timeoutSec = Number(arg('timeout', '900'));
const jsonOut = arg('json', '');
const arriveShare = Number(arg('arrive', '0.34'));
const arriveOverSeconds = Number(arg('arrive-over', '60'));
const arriveAfterSeconds = Number(arg('arrive-after', '60'));

const EXACT_LIMIT = { minutely: 60, windowMs: 1000, daily: 100_000_000 };
const MB_LIMIT = { limit: 150, windowSec: 5 };
const PLATFORMS: Platform[] = ['woocommerce', 'shopify', 'ccvshop'];

interface ShopPlan {
  id: string;
  prefix: string;
  platform: Platform;
  group: number;
  shop: SandboxShop;
}

const log = (s: string) => process.stderr.write(`[fleet-soak ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

function p95(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

async function main() {
  const t0 = Date.now();
  const rng = seededRandom(seed);
  const pg = await startTestPostgres({ maxConnections: 400 });
  const groups = Math.max(2, Math.ceil(shopsWanted / groupSize));
  const books: Sandbox[] = [];
  const controls: Sandbox[] = [];
  const shops: ShopPlan[] = [];
  const children = new Map<number, ChildProcess>();
  // a worker that exits without being killed by us crashed: counted (must be 0) and restarted
  const expectedExits = new Set<ChildProcess>();
  let workerCrashes = 0;
  let stoppingAll = false;
  const rss: number[] = [];
  try {
    // groups alternate Exact division / Moneybird administration; each is one simulator
    for (let g = 0; g < groups; g++) {
      const target = g % 2 === 0 ? 'exact' : 'moneybird';
      books.push(await startSandbox({ target, platform: 'woocommerce', orders: 1, seed: 1000 + g, exactSim: { rateLimit: EXACT_LIMIT }, moneybirdSim: { rateLimit: MB_LIMIT } }));
      controls.push(await startSandbox({ target, platform: 'woocommerce', orders: 1, seed: 1000 + g, exactSim: { rateLimit: { minutely: 1_000_000, daily: 100_000_000 } }, moneybirdSim: { rateLimit: { limit: 1_000_000, windowSec: 1 } } }));
    }
    for (let i = 0; i < shopsWanted; i++) {
      const platform = PLATFORMS[i % 3];
      const shop = await startShopSource(platform, { seed: seed * 1000 + i, orders, port: 0 });
      shops.push({ id: `shop-${i}`, prefix: `S${i}-`, platform, group: i % groups, shop });
    }
    const connConfig = (s: ShopPlan, sb: Sandbox, overrides: Record<string, unknown> = {}) => ({
      ...sb.config,
      source: { ...s.shop.sourceConfig, shopId: s.id },
      plan: { ...(sb.config.plan as object), referencePrefix: s.prefix },
      // short leases: a PostgreSQL restart strands the claims of runs it broke until their lease ends
      rules: { startDate: '2000-01-01', retryBaseSeconds: 1, claimLeaseSeconds: 15 },
      store: { kind: 'memory' },
      ...overrides,
    });

    // 1. control: each shop synced without faults into private, unlimited books
    log(`control runs of ${shops.length} shops`);
    // one store per administration: its connections share one token chain, as in the fleet
    // Administrations run side by side; within one, shops run in turn (they share its token chain).
    const controlStores = controls.map(() => new MemoryStore());
    await Promise.all(
      controls.map(async (_, g) => {
        for (const s of shops.filter((x) => x.group === g)) {
          const cfg = parseConfig(connConfig(s, controls[s.group]));
          const store = controlStores[s.group];
          const sum = await runSync({ source: createSource(cfg, store), target: createTarget(cfg), store, plan: cfg.plan, rules: cfg.rules }, { mode: 'sync' });
          if (sum.failed) log(`control ${s.id}: ${sum.failed} failed (${sum.failures[0]?.code}) — those are expected to stay failed in the fleet too`);
        }
      }),
    );
    log(`control runs done in ${Math.round((Date.now() - t0) / 1000)} s`);

    // orders that arrive during the fleet run: held back from the WooCommerce shops now
    const held: { s: ShopPlan; order: WcOrderRecord }[] = [];
    for (const s of shops.filter((x) => x.platform === 'woocommerce' && x.shop.woo)) {
      const all = [...s.shop.woo!.shop.orders.values()].sort((a, b) => a.id - b.id);
      for (const o of all.slice(all.length - Math.floor(all.length * arriveShare))) {
        s.shop.woo!.shop.orders.delete(o.id);
        held.push({ s, order: o });
      }
    }
    // interleave the shops: arrivals spread over the fleet, not one shop after another
    held.sort((a, b) => a.order.id - b.order.id || a.s.id.localeCompare(b.s.id));

    // 2. the fleet
    const keyHex = randomBytes(32).toString('hex');
    const schema = 'fleet';
    const admin = await openPostgresStore({ url: pg.url, schema, poolMax: 4 });
    const conns = new Connections(admin.pool, schema, Buffer.from(keyHex, 'hex'));
    for (const s of shops) await conns.add(s.id, connConfig(s, books[s.group]), { intervalSeconds: 3 });
    // broken connections
    const exactSb = books[0];
    const mbSb = books[1];
    const woo = shops.find((s) => s.platform === 'woocommerce')!;
    await conns.add('broken-revoked', connConfig({ ...woo, id: 'broken-revoked', prefix: 'BR-' }, mbSb, { source: { ...woo.shop.sourceConfig, shopId: 'broken-revoked', consumerSecret: 'cs_revoked' } }), { intervalSeconds: 2 });
    await conns.add('broken-down', connConfig({ ...woo, id: 'broken-down', prefix: 'BD-' }, mbSb, { source: { ...woo.shop.sourceConfig, shopId: 'broken-down', url: 'http://127.0.0.1:9' } }), { intervalSeconds: 2 });
    await conns.add('broken-vat', connConfig({ ...woo, id: 'broken-vat', prefix: 'BV-' }, exactSb, { exact: { ...(exactSb.config.exact as object), vatCodeMap: { 'domestic:99': '2' }, defaultVatCode: undefined } }), { intervalSeconds: 2 });
    const broken = ['broken-revoked', 'broken-down', 'broken-vat'];

    const opts = { url: pg.url, schema, keyHex, concurrency: 4, maxOrdersPerJob: 20, retryLimit: 2, retryDelaySeconds: 1, pauseAfterFailures: 3, pauseAfterRefusals: 5, schedulerIntervalMs: 1000, pollingIntervalSeconds: 0.5, expireInSeconds: 60, stopTimeoutMs: 3000, limits: { exact: { limit: 55, windowMs: 1000, padMs: 250 }, moneybird: { limit: 145, windowMs: 5000, padMs: 500 } } };
    const startWorker = (slot: number) => {
      const c = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'lib', 'fleet-worker-child.ts')], { env: { ...process.env, FLEET_SOAK_OPTS: JSON.stringify(opts) }, stdio: ['ignore', 'pipe', 'inherit'] });
      c.stdout!.on('data', (b: Buffer) => {
        for (const line of b.toString().split('\n')) {
          const m = /"rss":(\d+)/.exec(line);
          if (m) rss.push(Number(m[1]));
        }
      });
      c.on('exit', (code, signal) => {
        if (expectedExits.has(c) || stoppingAll) return;
        workerCrashes++;
        log(`worker in slot ${slot} crashed (${signal ?? code}); restarting it`);
        if (children.get(slot) === c) setTimeout(() => !stoppingAll && startWorker(slot), 500);
      });
      children.set(slot, c);
    };
    for (let i = 0; i < workerCount; i++) startWorker(i);

    const expected = new Map<string, BooksDocument>();
    for (const c of controls) for (const [k, v] of c.books()) expected.set(k, v);
    // first time each reference shows up in the fleet's books
    const firstSeen = new Map<string, number>();
    const fleetStart = Date.now();
    // An order's documents are "arrived" when the order is put into its shop. Arrivals start once
    // the backlog is booked (steady state: a checkout meets a fleet that has caught up) and are
    // spread over --arrive-over seconds; kills go on meanwhile.
    const orderKey = (ref: string): string => {
      const m = /^(.*?-)(\d+)/.exec(ref);
      return m ? `${m[1]}${m[2]}` : ref;
    };
    const heldKeys = new Set(held.map((h) => `${h.s.prefix}${h.order.number}`));
    const arrivedAt = new Map<string, number>();
    let released = 0;
    let arrivalsFrom = 0;
    const backlogBooked = () => [...expected.keys()].every((k) => heldKeys.has(orderKey(k)) || firstSeen.has(k));
    const feeder = setInterval(() => {
      const next = held[released];
      if (!next) return;
      if (!arrivalsFrom) {
        // a straggler of the backlog (an order in its retry backoff after the database restart)
        // does not hold the checkouts back for ever: they start after --arrive-after at the latest
        const waited = Date.now() - fleetStart;
        if (!backlogBooked() && waited < arriveAfterSeconds * 1000) return;
        arrivalsFrom = waited;
        const pending = [...expected.keys()].filter((k) => !heldKeys.has(orderKey(k)) && !firstSeen.has(k));
        log(`${pending.length ? `backlog not booked yet after ${Math.round(waited / 1000)} s (${pending.slice(0, 5).join(' ')})` : `backlog booked after ${Math.round(waited / 1000)} s`}; ${held.length} orders arrive over ${arriveOverSeconds} s`);
      }
      released++;
      const shop = next.s.shop.woo!.shop;
      shop.addOrder(next.order);
      shop.touch(next.order);
      arrivedAt.set(`${next.s.prefix}${next.order.number}`, Date.now() - fleetStart);
    }, Math.max(20, Math.floor((arriveOverSeconds * 1000) / Math.max(1, held.length))));
    const arrivalOf = (ref: string): number => arrivedAt.get(orderKey(ref)) ?? 0;
    const poll = setInterval(() => {
      for (const sb of books) for (const ref of sb.books().keys()) if (!firstSeen.has(ref)) firstSeen.set(ref, Date.now() - fleetStart);
    }, 250);

    log(`fleet: ${shops.length} shops + ${broken.length} broken, ${groups} administrations, ${workerCount} workers, ${expected.size} documents expected, ${held.length} orders arriving during the run`);

    let killed = 0;
    let restarted = false;
    const deadline = Date.now() + timeoutSec * 1000;
    for (;;) {
      await sleep(500 + Math.floor(rng() * 1500));
      const done = [...expected.keys()].filter((k) => firstSeen.has(k)).length;
      if (killed < kills && done < expected.size) {
        const slot = Math.floor(rng() * workerCount);
        const victim = children.get(slot);
        if (victim) expectedExits.add(victim);
        victim?.kill('SIGKILL');
        killed++;
        startWorker(slot);
      }
      if (!restarted && done >= expected.size / 2) {
        log('restarting PostgreSQL');
        restarted = true;
        await pg.restart({ downMs: 1500 });
      }
      const rows = await conns.list().catch(() => null);
      if (!rows) continue;
      const brokenPaused = broken.every((b) => rows.find((r) => r.id === b)?.paused);
      if (done >= expected.size && brokenPaused && restarted && released >= held.length) break;
      if (Date.now() > deadline) {
        log('timeout');
        break;
      }
    }
    await sleep(2000); // let any last write land (there must be none extra)
    clearInterval(poll);
    clearInterval(feeder);
    stoppingAll = true;
    for (const c of children.values()) c.kill('SIGTERM');
    await sleep(1500);
    for (const c of children.values()) c.kill('SIGKILL');

    // 3. the check
    const duplicates: string[] = [];
    const missing: string[] = [];
    const orphans: string[] = [];
    const centDifferences: string[] = [];
    const actual = new Map<string, BooksDocument>();
    for (const sb of books) for (const [k, v] of sb.books()) actual.set(k, v);
    for (const [ref, exp] of expected) {
      const got = actual.get(ref);
      if (!got) missing.push(ref);
      else {
        if (got.count > 1) duplicates.push(ref);
        if (got.gross !== exp.gross || JSON.stringify(got.vatByPercent) !== JSON.stringify(exp.vatByPercent)) centDifferences.push(ref);
      }
    }
    for (const ref of actual.keys()) if (!expected.has(ref)) orphans.push(ref);
    const caused429 = books.reduce((n, sb) => n + sb.booksStats().tooManyRequests, 0);
    const rows = await conns.list();
    const brokenRows = rows.filter((r) => broken.includes(r.id)).map((r) => ({ id: r.id, paused: r.paused, reason: r.pauseReason }));
    // latency of a document: first seen in the books minus its order's arrival (0 for the backlog)
    const latency = (k: string, t: number) => Math.max(0, t - arrivalOf(k));
    const perShop = shops.map((s) => p95([...firstSeen].filter(([k]) => k.startsWith(s.prefix) && expected.has(k)).map(([k, t]) => latency(k, t))));
    const all = [...firstSeen].filter(([k]) => expected.has(k)).map(([k, t]) => latency(k, t));
    const arrivals = [...firstSeen].filter(([k]) => expected.has(k) && arrivalOf(k) > 0).map(([k, t]) => latency(k, t));
    const wall = (Date.now() - fleetStart) / 1000;
    const budgets = (await admin.pool.query(`SELECT key, used_total, waited_ms, observed_429 FROM ${schema}.rate_budgets ORDER BY key`)).rows;
    const result = {
      shops: shops.length,
      administrations: groups,
      workers: workerCount,
      kills: killed,
      workerCrashes,
      postgresRestarts: restarted ? 1 : 0,
      expectedDocuments: expected.size,
      bookedDocuments: actual.size,
      duplicates,
      missing,
      orphans,
      centDifferences,
      caused429,
      brokenConnections: brokenRows,
      ordersArrivedDuringRun: released,
      backlogBookedAfterSeconds: arrivalsFrom / 1000,
      arrivedToBookedP95Seconds: p95(arrivals) / 1000,
      arrivedToBookedMaxSeconds: Math.max(0, ...arrivals) / 1000,
      /** Every document, the backlog's measured from the fleet's start: a throughput figure. */
      fleetP95Seconds: p95(all) / 1000,
      worstShopP95Seconds: Math.max(0, ...perShop) / 1000,
      perShopP95Seconds: Object.fromEntries(shops.map((s, i) => [s.id, perShop[i] / 1000])),
      throughputDocsPerSecond: Math.round((actual.size / wall) * 10) / 10,
      wallSeconds: Math.round(wall),
      maxWorkerRssMB: Math.round(Math.max(0, ...rss) / 1e6),
      rateBudgets: budgets,
      totalSeconds: Math.round((Date.now() - t0) / 1000),
    };
    const ok = !duplicates.length && !missing.length && !orphans.length && !centDifferences.length && caused429 === 0 && workerCrashes === 0 && brokenRows.every((b) => b.paused) && (arrivals.length > 0 || held.length === 0) && (held.length ? result.arrivedToBookedP95Seconds : result.fleetP95Seconds) <= 60;
    const { perShopP95Seconds, ...brief } = result;
    process.stdout.write(`${JSON.stringify(brief, null, 2)}\n`);
    process.stdout.write(`per-shop p95 (s): ${Object.entries(perShopP95Seconds).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
    process.stdout.write(ok ? 'FLEET SOAK OK\n' : 'FLEET SOAK FAILED\n');
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
    await admin.close();
    process.exitCode = ok ? 0 : 1;
  } finally {
    stoppingAll = true;
    for (const c of children.values()) c.kill('SIGKILL');
    for (const s of shops) await s.shop.close().catch(() => undefined);
    for (const b of [...books, ...controls]) await b.close().catch(() => undefined);
    await pg.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);

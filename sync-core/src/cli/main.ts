/**
 * The `shopbooks` command: preview, sync, backfill, status, demo, sandbox.
 * Exit codes: 0 = the run completed (failed orders are recorded, see `status`); 1 = the run could
 * not complete (e.g. authentication); 2 = bad configuration or usage.
 */
import { registerFleetCommands } from '../fleet/cli';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig, parseConfig, type ShopbooksConfig } from '../config';
import { ShopbooksError, asShopbooksError } from '../model/errors';
import { planCancellation, planOrder, planRefund } from '../plan/index';
import { checkPlanAgainstShop } from '../plan/check';
import { PlanSettings } from '../plan/settings';
import { runSync, type SyncSummary } from '../engine/sync';
import { createSource, createStore, createTarget } from './wiring';
import { printJson, table } from './output';
import { startSandbox, type SandboxOptions } from '../sandbox';
import type { Order } from '../model/order';
import type { SourceOrder } from '../sources/port';
import { fixed } from '../model/money';

interface GlobalOpts {
  config?: string;
  sandbox?: boolean;
  target?: 'exact' | 'moneybird';
  source?: 'woocommerce' | 'shopify' | 'ccvshop';
  json?: boolean;
}

/** Run `fn` with a configuration: the bundled sandbox (started in-process) or the user's. */
async function withConfig<T>(g: GlobalOpts, fn: (config: ShopbooksConfig) => Promise<T>, sandboxOpts: Partial<SandboxOptions> = {}): Promise<T> {
  if (!g.sandbox) return fn(loadConfig(g.config));
  const sb = await startSandbox({ target: g.target ?? 'exact', platform: g.source ?? 'woocommerce', ...sandboxOpts });
  try {
    return await fn(parseConfig(sb.config));
  } finally {
    await sb.close();
  }
}

const say = (g: GlobalOpts, text: string) => {
  if (!g.json) process.stdout.write(text + '\n');
};

function vatSummary(vat: Array<{ percent: string; shop: string; plan: string }>): string {
  return vat.map((v) => `${v.percent}%: ${v.plan}`).join('  ') || '-';
}

async function preview(g: GlobalOpts, o: { since?: string; status?: string; order?: string[] }) {
  await withConfig(g, async (config) => {
    const source = createSource(config);
    const settings = PlanSettings.parse(config.plan);
    const query = { ...(o.since ? { modifiedAfter: new Date(o.since).toISOString() } : {}), ...(o.status ? { statuses: o.status.split(',') } : {}), ...(o.order ? { ids: o.order } : {}) };
    const results: Array<Record<string, unknown>> = [];
    const rows: string[][] = [];
    let reconciled = 0;
    let refused = 0;
    const push = (so: SourceOrder) => {
      if (!so.ok) {
        refused++;
        results.push({ order: so.number ?? so.id, ok: false, code: so.error.code, reason: so.error.message });
        rows.push([so.number ?? so.id, '?', '-', '-', '-', `REFUSED ${so.error.code}: ${so.error.message}`]);
        return;
      }
      const order: Order = so.order;
      const docs = [{ what: 'order', r: order.state === 'cancelled' ? planCancellation(order, [], settings) : planOrder(order, settings) }, ...order.refunds.map((rf) => ({ what: `refund ${rf.id}`, r: planRefund(order, rf, settings) }))];
      for (const d of docs) {
        if (!d.r.ok) {
          if (d.r.disposition === 'fail') refused++;
          results.push({ order: order.number, document: d.what, ok: false, disposition: d.r.disposition, code: d.r.error.code, reason: d.r.error.message });
          rows.push([order.number, order.status, d.what, '-', '-', `${d.r.disposition === 'skip' ? 'SKIP' : 'REFUSED'} ${d.r.error.code}: ${d.r.error.message}`]);
          continue;
        }
        const plan = d.r.plan;
        const check = d.what === 'order' && order.state !== 'cancelled' ? checkPlanAgainstShop(order, plan) : null;
        if (!check || check.ok) reconciled++;
        results.push({ order: order.number, document: d.what, ok: true, reconciled: check ? check.ok : null, check, plan });
        const rounding = plan.roundingTotal !== '0.00' ? ` (rounding ${plan.roundingTotal})` : '';
        rows.push([order.number, order.status, d.what, `${plan.currency} ${plan.totals.gross}`, plan.vatByRate.map((v) => `${v.vatInfo.key} ${v.vat}`).join('\n'), check ? (check.ok ? `to the cent${rounding}` : `MISMATCH shop ${check.grossShop} ${vatSummary(check.vat)}`) : `credit note${rounding}`]);
      }
    };
    for await (const page of source.listOrders(query)) page.orders.forEach(push);
    if (g.json) printJson({ orders: results, reconciled, refused });
    else {
      say(g, table(['Order', 'Status', 'Document', 'Gross', 'VAT per rate', 'Reconciliation'], rows));
      say(g, `${reconciled} document(s) reconciled to the cent, ${refused} refused with a reason.`);
    }
  });
}

function printSummary(g: GlobalOpts, s: SyncSummary) {
  if (g.json) return printJson(s);
  if (s.runBusy) return say(g, s.message);
  say(g, `${s.dryRun ? '[dry run] ' : ''}${s.mode}: ${s.ordersSeen} order(s) read; booked ${s.booked.order} order(s), ${s.booked.refund} refund(s), ${s.booked.cancellation} cancellation(s); ${s.alreadyBooked} already booked, ${s.skipped} skipped, ${s.ignored} not (yet) sold, ${s.failed} failed${s.recovered ? `, ${s.recovered} recovered after an uncertain outcome` : ''}.`);
  if (s.failures.length) {
    say(g, table(['Entry', 'Order', 'Reason'], s.failures.map((f) => [f.key, f.orderNumber ?? '?', `${f.code}: ${f.message}${f.remoteMessage ? `\n(${f.remoteMessage})` : ''}`])));
  }
  say(g, `API calls: shop ${s.sourceCalls}; books ${Object.entries(s.targetCalls).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
}

async function syncCommand(g: GlobalOpts, mode: 'sync' | 'backfill', o: { dryRun?: boolean; since?: string; until?: string }) {
  await withConfig(g, async (config) => {
    const store = createStore(config);
    const bar = mode === 'backfill' && !g.json && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'backfill [{bar}] {value}/{total} orders', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
    let started = false;
    try {
      const summary = await runSync(
        { source: createSource(config, store), target: createTarget(config), store, plan: config.plan, rules: config.rules },
        {
          mode,
          dryRun: o.dryRun,
          since: o.since,
          until: o.until,
          onProgress: (p) => {
            if (!bar) return;
            if (!started) {
              bar.start(p.total, 0);
              started = true;
            }
            bar.update(p.done);
          },
        },
      );
      bar?.stop();
      printSummary(g, summary);
    } finally {
      bar?.stop();
      await store.close();
    }
  });
}

async function status(g: GlobalOpts) {
  await withConfig(g, async (config) => {
    const store = createStore(config);
    const entries = await store.listEntries();
    const runs = await store.listRuns(5);
    const count = (s: string) => entries.filter((e) => e.status === s).length;
    const failed = entries.filter((e) => e.status === 'failed');
    const out = {
      booked: count('booked'),
      failed: failed.length,
      skipped: count('skipped'),
      inProgress: count('claimed'),
      failures: failed.map((e) => ({ key: e.key, order: e.orderNumber, attempts: e.attempts, nextRetryAt: e.nextRetryAt, code: e.lastError?.code, reason: e.lastError?.message, remoteMessage: e.lastError?.remoteMessage })),
      lastRuns: runs,
    };
    if (g.json) return printJson(out);
    say(g, `Ledger: ${out.booked} booked, ${out.failed} failed, ${out.skipped} skipped, ${out.inProgress} in progress.`);
    if (failed.length) say(g, table(['Order', 'Entry', 'Attempts', 'Next retry', 'Reason'], out.failures.map((f) => [f.order, f.key, f.attempts, f.nextRetryAt ?? '-', `${f.code}: ${f.reason}`])));
    if (runs.length) say(g, table(['Run', 'Started', 'Finished', 'Booked', 'Failed', 'Skipped'], runs.map((r) => [r.command, r.startedAt, r.finishedAt ?? '(running or killed)', r.booked, r.failed, r.skipped])));
    await store.close();
  });
}

export function buildProgram(): Command {
  const program = new Command('shopbooks')
    .description('Book webshop orders into Exact Online or Moneybird: exactly once, to the cent.')
    .option('-c, --config <file>', 'configuration file (default shopbooks.config.json; or SHOPBOOKS_CONFIG_JSON)')
    .option('--sandbox', 'run against the bundled sandbox (simulated shop and books) instead of a configuration')
    .addOption(new Option('--target <target>', 'with --sandbox: the books to simulate').choices(['exact', 'moneybird']))
    .addOption(new Option('--source <platform>', 'with --sandbox: the shop to simulate').choices(['woocommerce', 'shopify', 'ccvshop']))
    .option('--json', 'machine-readable output')
    .enablePositionalOptions();
  const g = () => program.opts<GlobalOpts>();

  program
    .command('preview')
    .description('show, per order, exactly what would be booked and whether it reconciles to the cent (writes nothing)')
    .option('--since <date>', 'orders modified since this date')
    .option('--status <statuses>', 'only these shop statuses (comma-separated)')
    .option('--order <id...>', 'only these order ids')
    .option('--json', 'machine-readable output')
    .action(async (o) => preview({ ...g(), json: g().json || o.json }, o));
  program
    .command('sync')
    .description('book what changed since the last run (incremental)')
    .option('--dry-run', 'plan and validate, write nothing')
    .option('--json', 'machine-readable output')
    .action(async (o) => syncCommand({ ...g(), json: g().json || o.json }, 'sync', o));
  program
    .command('backfill')
    .description('book order history by creation date; rate-aware and resumable')
    .requiredOption('--since <date>', 'first creation date')
    .option('--until <date>', 'last creation date (exclusive)')
    .option('--dry-run', 'plan and validate, write nothing')
    .option('--json', 'machine-readable output')
    .action(async (o) => syncCommand({ ...g(), json: g().json || o.json }, 'backfill', o));
  program
    .command('worker')
    .description('keep syncing: on an interval and at once when a WooCommerce order webhook arrives (loopback port)')
    .option('--port <n>', 'loopback port for the webhooks (0 = any free port)', '8787')
    .option('--interval <seconds>', 'seconds between interval runs', '300')
    .option('--coalesce-ms <ms>', 'wait this long for more webhooks of a burst before running', '250')
    .option('--webhook-secret <secret>', 'the WooCommerce webhook secret (or SHOPBOOKS_WEBHOOK_SECRET)')
    .action(async (o) => {
      const { runWorkerCommand } = await import('../worker/command');
      await runWorkerCommand(g(), { port: Number(o.port), intervalSec: Number(o.interval), coalesceMs: Number(o.coalesceMs), webhookSecret: o.webhookSecret ?? process.env.SHOPBOOKS_WEBHOOK_SECRET });
    });
  program
    .command('status')
    .description('ledger summary, failures with their reasons, last runs')
    .option('--json', 'machine-readable output')
    .action(async (o) => status({ ...g(), json: g().json || o.json }));
  program
    .command('demo')
    .description('the bundled sandbox end to end: a simulated shop booked into simulated books, with a reconciliation')
    .addOption(new Option('--target <target>', 'simulated books').choices(['exact', 'moneybird']).default('exact'))
    .addOption(new Option('--source <platform>', 'simulated shop').choices(['woocommerce', 'shopify', 'ccvshop']).default('woocommerce'))
    .option('--orders <n>', 'orders in the simulated shop', '60')
    .option('--seed <n>', 'random seed of the simulated shop', '2026')
    .option('--document-kind <kind>', 'Exact: salesEntry, salesInvoice, salesOrder; Moneybird: salesInvoice, externalSalesInvoice')
    .option('--realistic-limits', "keep the real API rate limits (Exact 60 calls/min): slower, same pacing logic")
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const { runDemo } = await import('./demo');
      const ok = await runDemo({ target: o.target, platform: o.source, orders: Number(o.orders), seed: Number(o.seed), json: Boolean(g().json || o.json), documentKind: o.documentKind, realisticLimits: Boolean(o.realisticLimits) });
      if (!ok) process.exitCode = 1;
    });
  program
    .command('sandbox')
    .description('start the bundled simulators on loopback and print their URLs and credentials (for the plugin and manual tries)')
    .option('--port-base <n>', 'WooCommerce on +1, Exact on +2, Moneybird on +3', '8900')
    .option('--orders <n>', 'orders in the simulated shop', '40')
    .option('--seed <n>', 'random seed', '2026')
    .option('--exact-redirect-uri <uri>', 'register this OAuth redirect URI for the sandbox Exact app (e.g. the plugin callback)')
    .option('--moneybird-redirect-uri <uri>', 'register this OAuth redirect URI for the sandbox Moneybird app')
    .action(async (o) => {
      const { serveSandbox } = await import('../sandbox');
      await serveSandbox({ portBase: Number(o.portBase), orders: Number(o.orders), seed: Number(o.seed), exactRedirectUri: o.exactRedirectUri, moneybirdRedirectUri: o.moneybirdRedirectUri });
    });
  registerFleetCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    const err = asShopbooksError(e);
    const json = argv.includes('--json');
    if (json) process.stderr.write(JSON.stringify({ error: err.toJSON() }) + '\n');
    else process.stderr.write(`shopbooks: ${err.message}${err.remoteMessage ? `\n  (${err.remoteMessage})` : ''}\n`);
    process.exitCode = err.code === 'ConfigInvalid' ? 2 : 1;
  }
}

export { ShopbooksError, fixed };

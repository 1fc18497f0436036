/**
 * The `shopbooks` command: preview, sync, backfill, retry, rebook, export, status, demo, sandbox.
 * Exit codes: 0 = the run completed (failed orders are recorded, see `status`); 1 = the run could
 * not complete (e.g. authentication); 2 = bad configuration or usage.
 */
import { isDocumentEntry } from '../store/port';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isValid, parseISO } from 'date-fns';
import { registerFleetCommands } from '../fleet/cli';
import cliProgress from 'cli-progress';
import { loadConfig, parseConfig, type ShopbooksConfig } from '../config';
import { ShopbooksError, asShopbooksError } from '../model/errors';
import { runSync, type OrderOutcome, type SyncSummary } from '../engine/sync';
import { PREVIEW_VERDICTS, previewSync, type Preview, type PreviewVerdict } from '../engine/preview';
import { loadAwaitingPayment, recordAwaitingPayment } from './awaiting-payment';
import { configFingerprintOf, createSource, createStore, createTarget } from '../app/wiring';
import { targetNames, targetRegistration } from '../targets/index';
import { sourcePlatforms } from '../sources/index';
import { printJson, table } from './output';
import { loadSimulators } from './simulators';
import { runDemo } from './demo';
import { runWorkerCommand } from '../app/worker-command';
import type { SandboxOptions } from '../sandbox';
import { fixed } from '../model/money';
import { runExport } from './export';
import { runReconcile, type ReconcileFormat } from './reconcile';
import { parsePeriod } from '../period/period';
import { parseExportWindow } from '../export/exact-xml/select';

/** The first line of a stream (a secret piped in, never on the command line). */
async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0].trim();
}

interface GlobalOpts {
  config?: string;
  sandbox?: boolean;
  target?: string;
  source?: string;
  json?: boolean;
}

/** Run `fn` with a configuration: the bundled sandbox (started in-process) or the user's. */
async function withConfig<T>(g: GlobalOpts, fn: (config: ShopbooksConfig) => Promise<T>, sandboxOpts: Partial<SandboxOptions> = {}): Promise<T> {
  if (!g.sandbox) return fn(loadConfig(g.config));
  const { startSandbox } = await loadSimulators();
  const target = g.target ?? 'exact';
  const sb = await startSandbox({ target, simulator: targetRegistration(target).simulator, platform: g.source ?? 'woocommerce', ...sandboxOpts });
  try {
    return await fn(parseConfig(sb.config));
  } finally {
    await sb.close();
  }
}

const say = (g: GlobalOpts, text: string) => {
  if (!g.json) process.stdout.write(text + '\n');
};

const VERDICT_LABEL: Record<PreviewVerdict, string> = { 'would-book': 'would book', 'already-booked': 'already booked', 'not-sold-yet': 'not sold yet', 'would-fail': 'would fail', 'not-booked': 'not booked', busy: 'busy elsewhere' };

/** `preview`: the next sync as a dry run (engine/preview.ts), per order, with the counts. */
async function preview(g: GlobalOpts, o: { since?: string; until?: string; status?: string; order?: string[] }) {
  await withConfig(g, async (config) => {
    const store = createStore(config);
    try {
      const source = createSource(config, store);
      const p = await previewSync(
        { source, target: createTarget(config), store, plan: config.plan, rules: config.rules, attachments: config.attachments, configFingerprint: configFingerprintOf(config) },
        { ...(o.since ? { mode: 'backfill' as const, since: o.since, until: o.until } : {}), ...(o.order?.length ? { orderIds: o.order } : {}) },
      );
      const statuses = o.status ? o.status.split(',').map((x) => x.trim()) : null;
      const orders = statuses ? p.orders.filter((x) => x.status !== null && statuses.includes(x.status)) : p.orders;
      const counts = statuses ? (Object.fromEntries(PREVIEW_VERDICTS.map((v) => [v, orders.filter((x) => x.verdict === v).length])) as Preview['counts']) : p.counts;
      if (g.json) return printJson({ counts, wouldBook: p.wouldBook, orders });
      if (orders.length) say(g, table(['Order', 'Status', 'Next sync'], orders.map((x) => [x.order, x.status ?? '?', x.text])));
      const w = p.wouldBook;
      say(g, `Next ${o.since ? 'backfill' : 'sync'}: ${PREVIEW_VERDICTS.filter((v) => counts[v] || v === 'would-book').map((v) => `${counts[v]} ${VERDICT_LABEL[v]}`).join(', ')} (order(s)). It would book ${w.order + w.refund + w.cancellation} document(s): ${w.order} order(s), ${w.refund} refund(s), ${w.cancellation} cancellation(s).`);
    } finally {
      await store.close();
    }
  });
}

function printSummary(g: GlobalOpts, s: SyncSummary) {
  if (g.json) return printJson(s);
  if (s.runBusy) return say(g, s.message);
  const docs = `${s.booked.order} order(s), ${s.booked.refund} refund(s), ${s.booked.cancellation} cancellation(s)`;
  const did = s.dryRun ? `would book ${s.booked.order + s.booked.refund + s.booked.cancellation} (${docs})` : `booked ${docs}`;
  say(g, `${s.dryRun ? '[dry run] ' : ''}${s.mode}: ${s.ordersSeen} order(s) read; ${did}; ${s.alreadyBooked} already booked, ${s.skipped} skipped, ${s.ignored} not (yet) sold, ${s.failed} failed${s.recovered ? `, ${s.recovered} recovered after an uncertain outcome` : ''}.`);
  if (s.failures.length) {
    say(g, table(['Entry', 'Order', 'Reason'], s.failures.map((f) => [f.key, f.orderNumber ?? '?', `${f.code}: ${f.message}${f.remoteMessage ? `\n(${f.remoteMessage})` : ''}`])));
  }
  if (s.changed.length) {
    say(g, `${s.changed.length} booked order(s) changed in the shop after booking; the books still hold the booked version. Re-book each as it is now (a credit note and a new document, exactly once):`);
    say(g, table(['Order', 'Booked gross', 'Command'], s.changed.map((c) => [c.orderNumber ?? c.orderId, c.bookedGross ?? '?', c.rebook])));
  }
  say(g, `API calls: shop ${s.sourceCalls}; books ${Object.entries(s.targetCalls).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
}

async function syncCommand(g: GlobalOpts, mode: 'sync' | 'backfill' | 'retry' | 'rebook', o: { dryRun?: boolean; since?: string; until?: string; order?: string[] }) {
  await withConfig(g, async (config) => {
    const store = createStore(config);
    const bar = mode === 'backfill' && !g.json && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'backfill [{bar}] {value}/{total} orders', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
    let started = false;
    try {
      const source = createSource(config, store);
      const outcomes: OrderOutcome[] = [];
      const summary = await runSync(
        { source, target: createTarget(config), store, plan: config.plan, rules: config.rules, attachments: config.attachments, configFingerprint: configFingerprintOf(config) },
        {
          mode,
          ...(o.order?.length ? { orderIds: o.order } : {}),
          onOutcome: (oc) => outcomes.push(oc),
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
      const waiting = o.dryRun || summary.runBusy ? [] : await recordAwaitingPayment(store, source.shopId, outcomes, summary.finishedAt);
      printSummary(g, summary);
      if (waiting.length && !g.json) say(g, `Not paid yet (booked when the shop records the payment): ${waiting.map((w) => w.orderNumber ?? w.orderId).join(', ')}.`);
    } finally {
      bar?.stop();
      await store.close();
    }
  });
}

/**
 * `status --order ID…`: per order, booked (with its documents and their links), failed (with the
 * reason), or not yet — and then why, from a dry run of the next sync for that order ("not sold yet
 * (status on-hold)", "would fail: …", "would book").
 */
async function orderStatus(g: GlobalOpts, config: ShopbooksConfig, ids: string[]) {
  const store = createStore(config);
  try {
    const source = createSource(config, store);
    const mine = (await store.listEntries({ shopId: source.shopId })).filter(isDocumentEntry);
    const rows = ids.map((id) => {
      const entries = mine.filter((e) => e.orderId === id);
      const documents = entries.map((e) => ({ kind: e.kind, status: e.status, reference: e.reference, documentType: e.documentType, documentNumber: e.documentNumber, url: e.documentUrl, gross: e.gross, reason: e.status === 'failed' ? (e.lastError?.message ?? null) : e.status === 'skipped' ? e.skipReason : null }));
      const state: 'booked' | 'failed' | 'not yet' = entries.some((e) => e.status === 'failed') ? 'failed' : entries.some((e) => e.status === 'booked') ? 'booked' : 'not yet';
      return { orderId: id, order: entries[0]?.orderNumber ?? id, state, reason: documents.find((d) => d.status === 'failed')?.reason ?? null, documents, nextSync: null as string | null };
    });
    // why an order is not booked (yet): what the next sync would do with it
    const open = rows.filter((r) => r.state !== 'booked').map((r) => r.orderId);
    if (open.length) {
      const p = await previewSync({ source, target: createTarget(config), store, plan: config.plan, rules: config.rules, attachments: config.attachments, configFingerprint: configFingerprintOf(config) }, { orderIds: open });
      for (const r of rows) {
        const v = p.orders.find((o) => o.orderId === r.orderId);
        if (v) {
          r.order = v.order;
          r.nextSync = v.text;
          if (r.state === 'not yet') r.reason = v.text;
        } else if (r.state === 'not yet') r.reason = `order ${r.orderId} was not found in the shop`;
      }
    }
    if (g.json) return printJson({ orders: rows });
    say(g, table(['Order', 'State', 'Documents', 'Why / next sync'], rows.map((r) => [r.order, r.state, r.documents.map((d) => `${d.kind} ${d.status}${d.documentNumber ? ` ${d.documentType ?? ''} ${d.documentNumber}` : ''}${d.url ? `\n${d.url}` : ''}`).join('\n') || '-', [r.reason, r.nextSync && r.nextSync !== r.reason ? `next sync: ${r.nextSync}` : null].filter(Boolean).join('\n') || '-'])));
  } finally {
    await store.close();
  }
}

async function status(g: GlobalOpts, o: { order?: string[] } = {}) {
  if (o.order?.length) return withConfig(g, (config) => orderStatus(g, config, o.order!));
  await withConfig(g, async (config) => {
    const store = createStore(config);
    const entries = await store.listEntries();
    const runs = await store.listRuns(5);
    const isDocument = isDocumentEntry;
    const count = (s: string) => entries.filter((e) => e.status === s && isDocument(e)).length;
    const followUps = (kind: string) => entries.filter((e) => e.status === 'booked' && e.kind === kind).length;
    const failed = entries.filter((e) => e.status === 'failed');
    const notPaidYet = await loadAwaitingPayment(store, createSource(config, store).shopId);
    const fingerprint = configFingerprintOf(config);
    const out = {
      booked: count('booked'),
      paymentsRegistered: followUps('payment'),
      pdfsAttached: followUps('attachment'),
      failed: failed.length,
      skipped: count('skipped'),
      inProgress: count('claimed'),
      failures: failed.map((e) => ({ key: e.key, order: e.orderNumber, attempts: e.attempts, nextRetryAt: e.failedConfig ? null : e.nextRetryAt, waitsFor: e.failedConfig ? (e.failedConfig === fingerprint ? 'a configuration change or "shopbooks retry"' : 'the next run (the configuration changed)') : 'its retry time', code: e.lastError?.code, reason: e.lastError?.message, remoteMessage: e.lastError?.remoteMessage })),
      changedAfterBooking: entries.filter((e) => e.status === 'booked' && e.lastError?.code === 'ChangedAfterBooking').map((e) => ({ key: e.key, order: e.orderNumber, bookedGross: e.gross, reason: e.lastError?.message, rebook: `shopbooks rebook --order ${e.orderId}` })),
      notPaidYet,
      lastRuns: runs,
    };
    if (g.json) return printJson(out);
    say(g, `Ledger: ${out.booked} booked, ${out.failed} failed, ${out.skipped} skipped, ${out.inProgress} in progress.${out.paymentsRegistered || out.pdfsAttached ? ` Follow-ups: ${out.paymentsRegistered} payments registered, ${out.pdfsAttached} PDFs attached.` : ''}`);
    if (notPaidYet.length) say(g, table(['Order', 'State', 'Waiting since', 'Reason'], notPaidYet.map((w) => [w.orderNumber ?? w.orderId, w.state ?? '-', w.since, 'not paid yet: booked when the shop records the payment'])));
    if (failed.length) say(g, table(['Order', 'Entry', 'Attempts', 'Next retry', 'Reason'], out.failures.map((f) => [f.order, f.key, f.attempts, f.nextRetryAt ?? `waits for ${f.waitsFor}`, `${f.code}: ${f.reason}`])));
    if (out.changedAfterBooking.length) say(g, table(['Order', 'Changed after booking', 'Re-book with'], out.changedAfterBooking.map((c) => [c.order, c.reason ?? '', c.rebook])));
    if (runs.length) say(g, table(['Run', 'Started', 'Finished', 'Booked', 'Failed', 'Skipped'], runs.map((r) => [r.command, r.startedAt, r.finishedAt ?? '(running or killed)', r.booked, r.failed, r.skipped])));
    await store.close();
  });
}

/** A date option (`--since 2026-01-01`): refused as a usage error (exit 2) when it is not a date. */
function dateOption(value: string): string {
  if (!isValid(parseISO(value))) throw new InvalidArgumentError(`"${value}" is not a date (write it as YYYY-MM-DD).`);
  return value;
}

export function buildProgram(): Command {
  const program = new Command('shopbooks')
    // usage errors become exceptions (exit 2, see main) instead of commander's own exit 1
    .exitOverride()
    .description('Book webshop orders into Exact Online or Moneybird: exactly once, to the cent.')
    .option('-c, --config <file>', 'configuration file (default shopbooks.config.json; or SHOPBOOKS_CONFIG_JSON)')
    .option('--sandbox', 'run against the bundled sandbox (simulated shop and books) instead of a configuration')
    .addOption(new Option('--target <target>', 'with --sandbox: the books to simulate').choices(targetNames()))
    .addOption(new Option('--source <platform>', 'with --sandbox: the shop to simulate').choices(sourcePlatforms()))
    .option('--json', 'machine-readable output')
    .enablePositionalOptions();
  const g = () => program.opts<GlobalOpts>();

  program
    .command('preview')
    .description('show, per order, exactly what the next sync would do: would book, already booked, not sold yet, or would fail and why (a dry run: writes nothing)')
    .option('--since <date>', 'preview "backfill --since DATE" instead of the next sync', dateOption)
    .option('--until <date>', 'with --since: last creation date (exclusive)', dateOption)
    .option('--status <statuses>', 'show only orders with these shop statuses (comma-separated)')
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
    .requiredOption('--since <date>', 'first creation date', dateOption)
    .option('--until <date>', 'last creation date (exclusive)', dateOption)
    .option('--dry-run', 'plan and validate, write nothing')
    .option('--json', 'machine-readable output')
    .action(async (o) => syncCommand({ ...g(), json: g().json || o.json }, 'backfill', o));
  program
    .command('export')
    .description('write the orders and refunds booked in a date window as a file for the books (Exact Online XML import); uploads nothing')
    .addOption(new Option('--format <format>', 'file format').choices(['exact-xml']).makeOptionMandatory())
    .requiredOption('--since <date>', 'first booking date, YYYY-MM-DD')
    .option('--until <date>', 'first booking date NOT exported, YYYY-MM-DD (default: no end)')
    .option('--out <file>', 'write the file here (default: stdout, summary on stderr)')
    .option('--json', 'machine-readable summary')
    .action(async (o) => {
      const window = parseExportWindow(o.since, o.until);
      await withConfig(g(), (config) => runExport(config, window, { format: o.format, out: o.out, json: Boolean(g().json || o.json) }));
    });
  program
    .command('reconcile')
    .description('per VAT-return box, the shop\'s orders and refunds of a period against the documents read back from the books, with the reason for every difference')
    .option('--period <period>', 'a month (2026-11) or a quarter (2026-Q4)')
    .option('--from <date>', 'first booking date, YYYY-MM-DD (with --to)')
    .option('--to <date>', 'last booking date, YYYY-MM-DD (included)')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
    .option('--json', 'same as --format json')
    .action(async (o) => {
      const period = parsePeriod({ period: o.period, from: o.from, to: o.to });
      const format = g().json || o.json ? 'json' : (o.format as ReconcileFormat);
      await withConfig(g(), async (config) => {
        await runReconcile(config, period, format);
      });
    });
  program
    .command('retry')
    .description('retry failed entries now, also those that wait for a configuration change (all, or --order)')
    .option('--order <id...>', 'only these order ids')
    .option('--json', 'machine-readable output')
    .action(async (o) => syncCommand({ ...g(), json: g().json || o.json }, 'retry', o));
  program
    .command('rebook')
    .description('an order changed after it was booked: credit the booked document and book the order as it is now (exactly once)')
    .requiredOption('--order <id...>', 'the order ids to re-book')
    .option('--json', 'machine-readable output')
    .action(async (o) => syncCommand({ ...g(), json: g().json || o.json }, 'rebook', o));
  program
    .command('worker')
    .description('keep syncing: on an interval and at once when a WooCommerce order webhook arrives (loopback port)')
    .option('--port <n>', 'loopback port for the webhooks (0 = any free port)', '8787')
    .option('--interval <seconds>', 'seconds between interval runs', '300')
    .option('--coalesce-ms <ms>', 'wait this long for more webhooks of a burst before running', '250')
    .option('--webhook-secret-stdin', 'read the WooCommerce webhook secret from the first line of stdin (or set SHOPBOOKS_WEBHOOK_SECRET)')
    // Refused: a value on the command line is visible to every user of the server (ps, /proc).
    .addOption(new Option('--webhook-secret <secret>').hideHelp())
    .action(async (o) => {
      if (o.webhookSecret !== undefined) {
        throw new ShopbooksError('ConfigInvalid', 'The webhook secret is not accepted on the command line, where other users of the server can read it (ps). Set the environment variable SHOPBOOKS_WEBHOOK_SECRET, or pipe it in with --webhook-secret-stdin.');
      }
      const webhookSecret = o.webhookSecretStdin ? await readFirstLine(process.stdin) : process.env.SHOPBOOKS_WEBHOOK_SECRET;
      await runWorkerCommand(g(), { port: Number(o.port), intervalSec: Number(o.interval), coalesceMs: Number(o.coalesceMs), webhookSecret: webhookSecret || undefined });
    });
  program
    .command('status')
    .description('ledger summary, failures with their reasons, last runs; with --order: per order booked / failed / not yet, and why')
    .option('--order <id...>', 'these orders: their documents (with links), or why they are not booked (yet)')
    .option('--json', 'machine-readable output')
    .action(async (o) => status({ ...g(), json: g().json || o.json }, o));
  program
    .command('demo')
    .description('the bundled sandbox end to end: a simulated shop booked into simulated books, with a reconciliation')
    .addOption(new Option('--target <target>', 'simulated books').choices(targetNames()).default('exact'))
    .addOption(new Option('--source <platform>', 'simulated shop').choices(sourcePlatforms()).default('woocommerce'))
    .option('--orders <n>', 'orders in the simulated shop', '60')
    .option('--seed <n>', 'random seed of the simulated shop', '2026')
    .option('--document-kind <kind>', 'Exact: salesEntry, salesInvoice, salesOrder; Moneybird: salesInvoice, externalSalesInvoice')
    .option('--realistic-limits', "keep the real API rate limits (Exact 60 calls/min): slower, same pacing logic")
    .option('--json', 'machine-readable output')
    .action(async (o) => {
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
      const { serveSandbox } = await loadSimulators();
      await serveSandbox({ portBase: Number(o.portBase), orders: Number(o.orders), seed: Number(o.seed), exactRedirectUri: o.exactRedirectUri, moneybirdRedirectUri: o.moneybirdRedirectUri });
    });
  registerFleetCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed the problem (or the help / version) already
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const err = asShopbooksError(e);
    const json = argv.includes('--json');
    if (json) process.stderr.write(JSON.stringify({ error: err.toJSON() }) + '\n');
    else process.stderr.write(`shopbooks: ${err.message}${err.remoteMessage ? `\n  (${err.remoteMessage})` : ''}\n`);
    process.exitCode = err.code === 'ConfigInvalid' ? 2 : 1;
  }
}

export { ShopbooksError, fixed };

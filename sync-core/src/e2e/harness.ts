/**
 * End-to-end harness: the sandbox (simulated shop + simulated books) and the real engine, source,
 * target and store, as a user runs them — in-process, or as separate `shopbooks` processes that
 * can be killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ShopbooksConfigInput } from '../config';
import { runSync, type SyncSummary } from '../engine/sync';
import { createSource, createTarget } from '../app/wiring';
import { reconcileBooks, type Reconciliation } from '../reconcile/reconcile-books';
import type { Sandbox } from '../sandbox';
import type { Order } from '../model/order';
import type { Store } from '../store/port';

export const REPO = join(__dirname, '..', '..', '..');

export async function syncOnce(sb: Sandbox, store: Store, overrides: Partial<ShopbooksConfigInput> = {}): Promise<SyncSummary> {
  const config = parseConfig({ ...sb.config, ...overrides });
  return runSync({ source: createSource(config, store), target: createTarget(config), store, plan: config.plan, rules: config.rules, attachments: config.attachments }, { mode: 'sync' });
}

export async function shopOrders(sb: Sandbox): Promise<Order[]> {
  const source = createSource(parseConfig(sb.config));
  const orders: Order[] = [];
  for await (const page of source.listOrders({ modifiedAfter: '2000-01-01T00:00:00Z' })) for (const so of page.orders) if (so.ok) orders.push(so.order);
  return orders;
}

export async function reconcile(sb: Sandbox, store: Store): Promise<Reconciliation> {
  const booked = (await store.listEntries()).filter((e) => e.status === 'booked');
  return reconcileBooks(await shopOrders(sb), booked, sb.books());
}

/** Write a config for child processes with a FileStore in a fresh directory. */
export function fileConfig(sb: Sandbox, extra: Partial<ShopbooksConfigInput> = {}): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const path = join(dir, 'shopbooks.config.json');
  writeFileSync(path, JSON.stringify({ ...sb.config, store: { kind: 'file', dir: join(dir, 'state') }, ...extra }));
  return { path, dir };
}

/** Start `shopbooks <args>` as its own process (TypeScript through tsx's loader). */
export function spawnCli(args: string[], cwd: string): CliProcess {
  return spawnCliWith([], args, cwd);
}

export type CliProcess = { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> };

/** `shopbooks <args>` with extra modules loaded first (`--require`), e.g. a test's own registrations. */
export function spawnCliWith(requires: string[], args: string[], cwd: string): CliProcess {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), ...requires.flatMap((r) => ['--require', r]), join(REPO, 'bin', 'shopbooks.ts'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHOPBOOKS_CONFIG_JSON: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** The two proofs every end-to-end test ends with: exactly one document each, to the cent. */
export function expectExactlyOnceToTheCent(rec: Reconciliation, minDocuments = 5): void {
  expect({ duplicates: rec.duplicates, missing: rec.missing, orphans: rec.orphans, cents: rec.centDifferences }).toEqual({ duplicates: [], missing: [], orphans: [], cents: [] });
  expect(rec.grossBooks).toBe(rec.grossShop);
  expect(rec.documents).toBeGreaterThan(minDocuments);
}

/** Sync again (retries become due after ~1 s) until only the expected failures are left. */
export async function syncUntilSettled(sb: Sandbox, store: Store, acceptable: string[] = [], rounds = 5): Promise<void> {
  const rules = { startDate: '2000-01-01', retryBaseSeconds: 1 };
  const unsettled = async () => (await store.listEntries({ status: 'failed' })).filter((e) => !acceptable.includes(e.lastError?.code ?? ''));
  for (let i = 0; i < rounds && (await unsettled()).length; i++) {
    await new Promise((r) => setTimeout(r, 1100));
    await syncOnce(sb, store, { rules });
  }
  expect((await unsettled()).map((e) => `${e.orderNumber}: ${e.lastError?.message}`)).toEqual([]);
}

/** Start `shopbooks sync` `rounds` times and SIGKILL it at a random point (1.5–4 s in); returns the kills. */
export async function killAtRandomPoints(config: { path: string; dir: string }, rounds: number): Promise<number> {
  let kills = 0;
  for (let i = 0; i < rounds; i++) {
    const run = spawnCli(['--config', config.path, 'sync'], config.dir);
    await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 2500)));
    if (run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      kills++;
    }
    await run.done;
  }
  return kills;
}

/** Two `shopbooks sync` processes at once: both must finish cleanly without losing the connection. */
export async function twoSyncsAtOnce(config: { path: string; dir: string }): Promise<void> {
  const [a, b] = await Promise.all([spawnCli(['--config', config.path, 'sync', '--json'], config.dir).done, spawnCli(['--config', config.path, 'sync', '--json'], config.dir).done]);
  expect([a.code, b.code, a.stderr + b.stderr]).toEqual([0, 0, '']);
  for (const r of [a, b]) {
    const s = JSON.parse(r.stdout) as { failures: Array<{ code: string }> };
    expect(s.failures.filter((f) => ['AuthFailed', 'TokenRevoked'].includes(f.code))).toEqual([]);
  }
}

/** Book on-hold (unpaid) orders too, so the proofs see unpaid orders with open items. */
export const WITH_UNPAID = { startDate: '2000-01-01', retryBaseSeconds: 1, bookStates: ['paid', 'completed', 'refunded', 'on-hold'] as Array<'paid' | 'completed' | 'refunded' | 'on-hold'> };

/**
 * The follow-up proofs (issue 17), read back out of the simulated books: every booked document of
 * a paid order (and every refund of one) has no open item, every document of an unpaid order has
 * one for its full amount, no payment matched nothing (a duplicate would), and with attachments on
 * every booked document has exactly one PDF.
 */
export async function expectPaymentsAndPdfs(sb: Sandbox, store: Store, o: { payments: boolean; pdfs: boolean }): Promise<{ paid: number; unpaid: number; pdfs: number }> {
  const orders = new Map((await shopOrders(sb)).map((x) => [x.id, x]));
  const books = sb.followUps();
  const docs = (await store.listEntries({ status: 'booked' })).filter((e) => e.kind === 'order' || e.kind === 'refund' || e.kind === 'cancellation');
  const wrong: string[] = [];
  let paid = 0;
  let unpaid = 0;
  for (const e of docs) {
    const order = orders.get(e.orderId)!;
    const isPaid = order.paidAt !== null || order.state === 'paid' || order.state === 'completed';
    const open = books.open.get(e.reference);
    if (o.payments) {
      if (isPaid) {
        paid++;
        if (open !== undefined) wrong.push(`${e.reference} (${e.kind}, paid) still has an open item of ${open}`);
      } else {
        unpaid++;
        if (open !== e.gross) wrong.push(`${e.reference} (${e.kind}, unpaid) has open ${open ?? 'nothing'}, expected ${e.gross}`);
      }
    }
    if (o.pdfs && books.pdfs.get(e.reference) !== 1) wrong.push(`${e.reference} has ${books.pdfs.get(e.reference) ?? 0} PDFs`);
  }
  expect({ wrong, unallocated: books.unallocated }).toEqual({ wrong: [], unallocated: 0 });
  return { paid, unpaid, pdfs: [...books.pdfs.values()].reduce((a, b) => a + b, 0) };
}

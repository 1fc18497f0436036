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
import { createSource, createTarget } from '../cli/wiring';
import { reconcileBooks, type Reconciliation } from '../cli/demo';
import type { Sandbox } from '../sandbox';
import type { Order } from '../model/order';
import type { Store } from '../store/port';

export const REPO = join(__dirname, '..', '..', '..');

export async function syncOnce(sb: Sandbox, store: Store, overrides: Partial<ShopbooksConfigInput> = {}): Promise<SyncSummary> {
  const config = parseConfig({ ...sb.config, ...overrides });
  return runSync({ source: createSource(config, store), target: createTarget(config), store, plan: config.plan, rules: config.rules }, { mode: 'sync' });
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
export function spawnCli(args: string[], cwd: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), join(REPO, 'bin', 'shopbooks.ts'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHOPBOOKS_CONFIG_JSON: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

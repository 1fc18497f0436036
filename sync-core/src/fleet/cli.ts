/**
 * `shopbooks fleet …`: manage the connections in the database, run workers, serve the status page.
 * Environment: SHOPBOOKS_DATABASE_URL (postgres://…), SHOPBOOKS_FLEET_KEY (32 bytes, hex or
 * base64), optionally SHOPBOOKS_FLEET_SCHEMA (default `shopbooks`).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ShopbooksError } from '../model/errors';
import type { Connections } from './connections';

type FleetRuntime = typeof import('./runtime');

/** The fleet's runtime, loaded when a fleet command runs (the plugin's bundle ships without it). */
function runtime(): FleetRuntime {
  try {
    // require, not import(): see cli/simulators.ts
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('./runtime') as FleetRuntime;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new ShopbooksError('ConfigInvalid', 'The fleet is not part of this build (the WordPress plugin ships without it). Run it from the repository: npx tsx bin/shopbooks.ts fleet …');
  }
}

function env() {
  const url = process.env.SHOPBOOKS_DATABASE_URL;
  if (!url) throw new ShopbooksError('ConfigInvalid', 'Set SHOPBOOKS_DATABASE_URL to the PostgreSQL database of the fleet (postgres://user:password@host/db).');
  return { url, schema: process.env.SHOPBOOKS_FLEET_SCHEMA ?? 'shopbooks', key: runtime().fleetKey() };
}

async function withConnections<T>(fn: (c: Connections) => Promise<T>): Promise<T> {
  const e = env();
  const { openPostgresStore, Connections } = runtime();
  const store = await openPostgresStore({ url: e.url, schema: e.schema, poolMax: 3 });
  try {
    return await fn(new Connections(store.pool, e.schema, e.key));
  } finally {
    await store.close();
  }
}

const out = (v: unknown): void => void process.stdout.write(typeof v === 'string' ? `${v}\n` : `${JSON.stringify(v, null, 2)}\n`);

export function registerFleetCommands(program: Command): void {
  const fleet = program.command('fleet').description('hosted worker for many shops on PostgreSQL and pg-boss (docs/fleet.md)');
  fleet
    .command('add <name> <configFile>')
    .description('add or replace a connection from a configuration file (docs/config.md); secrets are stored encrypted')
    .option('--interval <seconds>', 'seconds between syncs', '300')
    .option('--webhook-secret <secret>', 'the secret of the shop\'s order webhook')
    .action(async (name: string, file: string, o) => {
      const raw = JSON.parse(readFileSync(file, 'utf8'));
      out(await withConnections((c) => c.add(name, raw, { intervalSeconds: Number(o.interval), webhookSecret: o.webhookSecret })));
    });
  fleet
    .command('import <folder>')
    .description('add every <name>.json in a folder (with <name>.webhook-secret when present)')
    .option('--interval <seconds>', 'seconds between syncs', '300')
    .action(async (folder: string, o) => out((await withConnections((c) => c.importFolder(folder, { intervalSeconds: Number(o.interval) }))).map((r) => r.id)));
  fleet
    .command('list')
    .description('every connection with its health')
    .action(async () => out(await withConnections((c) => c.list())));
  fleet
    .command('remove <name>')
    .action(async (name: string) => out((await withConnections((c) => c.remove(name))) ? `removed ${name}` : `no connection ${name}`));
  fleet
    .command('pause <name>')
    .option('--reason <text>', 'shown on the status page', 'Paused by hand.')
    .action(async (name: string, o) => out((await withConnections((c) => c.pause(name, o.reason))) ? `paused ${name}` : `no connection ${name}`));
  fleet
    .command('resume <name>')
    .action(async (name: string) => out((await withConnections((c) => c.resume(name))) ? `resumed ${name}` : `no connection ${name}`));
  fleet
    .command('worker')
    .description('run jobs (start as many processes on as many hosts as you like)')
    .option('--concurrency <n>', 'jobs at once in this process', '4')
    .option('--max-orders-per-job <n>', 'orders one job books before it yields to other shops', '100')
    .action(async (o) => {
      const e = env();
      const { startFleetWorker, pauseNotifierFromEnv } = runtime();
      const w = await startFleetWorker({ ...e, notifyPaused: pauseNotifierFromEnv(), concurrency: Number(o.concurrency), maxOrdersPerJob: Number(o.maxOrdersPerJob), log: (ev, d) => process.stderr.write(`${JSON.stringify({ ev, ...d })}\n`) });
      out(`fleet worker ${process.pid} running`);
      await new Promise<void>((resolve) => {
        const stop = () => void w.stop().then(resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
  fleet
    .command('serve')
    .description('status page, /healthz, /metrics and webhooks (loopback by default)')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--port <n>', 'port', '8790')
    .action(async (o) => {
      const e = env();
      const { openPostgresStore, openBoss, startFleetServer, Connections, RateBudget } = runtime();
      const store = await openPostgresStore({ url: e.url, schema: e.schema, poolMax: 4 });
      const boss = await openBoss(e.url, e.schema);
      const s = await startFleetServer({ boss, connections: new Connections(store.pool, e.schema, e.key), budget: new RateBudget(store.pool, e.schema), host: o.host, port: Number(o.port) });
      out(`status page on ${s.url}`);
      await new Promise<void>((resolve) => {
        const stop = () => void s.close().then(() => boss.stop()).then(() => store.close()).then(resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}

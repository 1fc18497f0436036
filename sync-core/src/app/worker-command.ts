/** `shopbooks worker` wiring: the configured source, target and store, one run at a time, until SIGTERM/SIGINT. */
import { loadConfig } from '../config';
import { runSync } from '../engine/sync';
import { startWorker, type WorkerOptionsInput } from '../worker/index';
import { configFingerprintOf, createSource, createStore, createTarget } from './wiring';

export async function runWorkerCommand(g: { config?: string; json?: boolean }, o: WorkerOptionsInput): Promise<void> {
  const config = loadConfig(g.config);
  const store = createStore(config);
  const target = createTarget(config);
  const log = (line: Record<string, unknown>) => process.stdout.write((g.json ? JSON.stringify(line) : Object.entries(line).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')) + '\n');
  const worker = await startWorker(
    o,
    async () => {
      const s = await runSync({ source: createSource(config, store), target, store, plan: config.plan, rules: config.rules, attachments: config.attachments, configFingerprint: configFingerprintOf(config) }, { mode: 'sync' });
      log({ event: 'synced', booked: s.booked, failed: s.failed, skipped: s.skipped });
    },
    (e) => log({ event: e.type, ...e, at: new Date(e.at).toISOString() }),
  );
  log({ event: 'listening', webhookUrl: worker.webhookUrl, intervalSec: o.intervalSec ?? 300, webhookSecret: o.webhookSecret ? 'set' : 'NOT SET: webhooks are refused' });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await worker.close();
  await store.close();
}

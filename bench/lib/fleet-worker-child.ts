/** One fleet worker process for the fleet soak (spawned with `node --require tsx/cjs`; SIGKILLed at random). */
import { startFleetWorker, type FleetOptions } from '../../sync-core/src/fleet/worker';

const o = JSON.parse(process.env.FLEET_SOAK_OPTS ?? '{}') as Omit<FleetOptions, 'key'> & { keyHex: string };
void (async () => {
  for (;;) {
    try {
      const w = await startFleetWorker({ ...o, key: Buffer.from(o.keyHex, 'hex'), log: () => undefined });
      setInterval(() => process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`), 1000).unref();
      process.once('SIGTERM', () => void w.stop().then(() => process.exit(0)));
      process.stdout.write(`${JSON.stringify({ ready: process.pid })}\n`);
      setInterval(() => undefined, 1 << 30);
      return;
    } catch {
      // the database may be restarting: try again
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
})();
process.on('unhandledRejection', () => undefined);

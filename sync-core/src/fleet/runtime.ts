/**
 * What the `shopbooks fleet …` commands run: PostgreSQL, pg-boss, the workers, the status page and
 * the pause e-mail. Loaded on demand by fleet/cli.ts, so the CLI's other commands (and the
 * WordPress plugin's bundled core, which ships without this file: bin/build-core.mjs) never carry
 * pg, pg-boss or nodemailer.
 */
export { openPostgresStore } from '../store/postgres-store';
export { Connections } from './connections';
export { fleetKey } from './secrets';
export { RateBudget } from './rate-budget';
export { openBoss, startFleetWorker } from './worker';
export { startFleetServer } from './serve';
export { pauseNotifierFromEnv } from './notify';

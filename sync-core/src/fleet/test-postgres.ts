/**
 * A throwaway PostgreSQL cluster for tests and the fleet soak: `initdb` + `pg_ctl` in a temp
 * directory, listening on 127.0.0.1 on a free port, stopped (and deleted) by `stop()`.
 *
 * PostgreSQL refuses to run as root; when we are root the cluster runs as the `postgres` user
 * (`runuser -u postgres`), with the directory owned by it. Binaries are looked up in
 * $PG_BIN, then /usr/lib/postgresql/<newest>/bin, then the PATH.
 *
 * `fsync=off` only matters when the operating system crashes, never for a killed or restarted
 * PostgreSQL; `synchronous_commit` stays on: with it off, an immediate restart loses commits the
 * store was told were durable (the fleet soak booked a document twice that way).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  url: string;
  port: number;
  dir: string;
  /** Stop and start again on the same port and data (a database restart mid-run). */
  restart(opts?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export function findPgBin(): string | null {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const p = which.stdout.trim();
  return p ? p.replace(/\/initdb$/, '') : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function pgUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function run(bin: string, args: string[], quiet = true): void {
  const cmd = isRoot ? 'runuser' : bin;
  const argv = isRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: quiet ? 'pipe' : 'inherit' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

export async function startTestPostgres(opts: { maxConnections?: number } = {}): Promise<TestPostgres> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN).');
  const dir = mkdtempSync(join(tmpdir(), 'sb-pg-'));
  chmodSync(dir, 0o700);
  if (isRoot) {
    const { uid, gid } = pgUserIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const pgOpts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=${opts.maxConnections ?? 300} -c fsync=off -c full_page_writes=off`;
  const start = () => run(join(bin, 'pg_ctl'), ['-D', data, '-o', pgOpts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const stopNow = (mode: 'fast' | 'immediate') => run(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  start();
  let stopped = false;
  // a test run that times out or is interrupted must not leave the cluster behind
  const onExit = () => {
    if (stopped) return;
    try {
      stopNow('immediate');
    } catch {
      /* already down */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async restart(o = {}) {
      stopNow('immediate');
      await new Promise((r) => setTimeout(r, o.downMs ?? 1000));
      start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      try {
        stopNow('fast');
      } catch {
        try {
          stopNow('immediate');
        } catch {
          /* already down */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The `shopbooks` CLI bundled into one file with esbuild, as bin/build-core.sh ships it in the
 * plugin: a child process starts in a fraction of a second instead of compiling TypeScript through
 * tsx each time, so a soak can kill and restart it often.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

let built: string | null = null;

export function bundleCli(): string {
  if (built && existsSync(built)) return built;
  const out = join(mkdtempSync(join(tmpdir(), 'sb-cli-')), 'shopbooks.js');
  buildSync({ entryPoints: [join(__dirname, '..', '..', 'bin', 'shopbooks.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, logLevel: 'warning', legalComments: 'none' });
  built = out;
  return out;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Children still running: killed when the soak itself exits or is interrupted. */
const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const c of live) c.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
}

export function spawnBundled(bundle: string, args: string[], cwd: string): CliRun {
  hookExit();
  const child = spawn(process.execPath, [bundle, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHOPBOOKS_CONFIG_JSON: '' } });
  live.add(child);
  child.on('exit', () => live.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun extends { done: Promise<infer T> } ? T : never>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

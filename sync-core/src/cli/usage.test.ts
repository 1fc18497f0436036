/** Usage errors exit 2, as the README says (commander's own default is 1). */
import { main } from './main';

async function exitCodeOf(...args: string[]): Promise<{ code: number | undefined; err: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    process.exitCode = undefined;
    await main(['node', 'shopbooks', ...args]);
    return { code: process.exitCode as number | undefined, err };
  } finally {
    process.stderr.write = write;
    process.exitCode = before;
  }
}

describe('shopbooks usage errors', () => {
  it.each([
    ['an unknown option', ['--bogus']],
    ['an unknown command', ['nosuchcommand']],
    ['an unknown subcommand option', ['sync', '--nope']],
    ['a date that is no date', ['backfill', '--since', '2026-02-30']],
    ['garbage for a date', ['backfill', '--since', 'yesterday']],
    ['a missing required option', ['backfill']],
    ['an unknown target', ['--sandbox', '--target', 'exakt', 'preview']],
  ])('%s exits 2', async (_what, args) => {
    const r = await exitCodeOf(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error:/);
  });
});

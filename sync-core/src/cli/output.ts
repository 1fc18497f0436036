/** Human output of the CLI: tables and short lines. `--json` bypasses all of this. */
import Table from 'cli-table3';

export function table(head: string[], rows: Array<Array<string | number>>, align: Array<'left' | 'right'> = []): string {
  const t = new Table({ head, style: { head: [], border: [] }, colAligns: head.map((_, i) => align[i] ?? 'left'), wordWrap: true });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

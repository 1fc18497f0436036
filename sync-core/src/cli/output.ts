/** Human output of the CLI: tables and short lines. `--json` bypasses all of this. */
import Table from 'cli-table3';

export function table(head: string[], rows: Array<Array<string | number>>, align: Array<'left' | 'right'> = []): string {
  // the last column (reasons, explanations) wraps at a readable width
  const widest = Math.max(head[head.length - 1].length, ...rows.map((r) => String(r[r.length - 1] ?? '').length));
  const colWidths = head.map((_, i) => (i === head.length - 1 && widest > 72 ? 74 : null));
  const t = new Table({ head, style: { head: [], border: [] }, colAligns: head.map((_, i) => align[i] ?? 'left'), colWidths, wordWrap: true });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

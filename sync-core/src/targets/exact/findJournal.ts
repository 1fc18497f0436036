/** `financial/Journals` by code: the sales journal documents are booked in. */
import { z } from 'zod';
import { odataString, withQuery } from './odata';
import { Guid, NullableString, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

export const ExactJournal = z.object({
  ID: Guid,
  Code: z.string().transform((s) => s.trim()),
  Description: NullableString,
  /** 20 = sales, 21 = sales return. */
  Type: z.number().int().nullable().optional(),
  AllowVAT: z.boolean().nullable().optional(),
  AllowVariableCurrency: z.boolean().nullable().optional(),
  IsBlocked: z.boolean().nullable().optional().transform((b) => b ?? false),
  Currency: NullableString,
});
export type ExactJournal = z.infer<typeof ExactJournal>;

export async function findJournal(t: ExactTransport, code: string): Promise<ExactJournal | null> {
  const rows = await t.getFirst(withQuery('financial/Journals', { $filter: `Code eq ${odataString(code.trim())}`, $select: 'ID,Code,Description,Type,AllowVAT,AllowVariableCurrency,IsBlocked,Currency' }));
  return rows.length ? parseRecord(ExactJournal, rows[0], 'journal') : null;
}

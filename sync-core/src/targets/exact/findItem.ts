/** `logistics/Items` by code (the shop's SKU). */
import { z } from 'zod';
import { odataString, withQuery } from './odata';
import { Guid, NullableString, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

export const ExactItem = z.object({
  ID: Guid,
  Code: z.string().transform((s) => s.trim()),
  Description: NullableString,
  IsSalesItem: z.boolean().nullable().optional(),
});
export type ExactItem = z.infer<typeof ExactItem>;

export async function findItemByCode(t: ExactTransport, code: string): Promise<ExactItem | null> {
  const rows = await t.getFirst(withQuery('logistics/Items', { $filter: `Code eq ${odataString(code)}`, $select: 'ID,Code,Description,IsSalesItem' }));
  return rows.length ? parseRecord(ExactItem, rows[0], 'item') : null;
}

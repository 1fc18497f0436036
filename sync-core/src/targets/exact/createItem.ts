/** `POST logistics/Items`: a sales item for a SKU Exact does not know yet (itemMode 'match-or-create'). */
import { z } from 'zod';
import { unwrapEntity } from './odata';
import { ExactItem } from './findItem';
import { FIELD_LIMITS, parseRecord, requireLength, truncate } from './schemas';
import type { ExactTransport } from './transport';

export const CreateItemBody = z.object({
  Code: z.string().min(1),
  Description: z.string().min(1),
  IsSalesItem: z.literal(true),
  StartDate: z.string(),
});
export type CreateItemBody = z.infer<typeof CreateItemBody>;

/**
 * Items are only usable on documents dated within their active window, and Exact starts a new
 * item's window at its creation date. Orders are often booked after the fact (a backlog, a
 * retry), so the item Shopbooks creates is active from this fixed early date.
 */
export const ITEM_START_DATE = '2000-01-01T00:00:00';

export function buildItemBody(sku: string, description: string): CreateItemBody {
  return {
    StartDate: ITEM_START_DATE,
    Code: requireLength(sku.trim(), FIELD_LIMITS.itemCode, 'item code (SKU)'),
    Description: truncate(description || sku, FIELD_LIMITS.itemDescription),
    IsSalesItem: true,
  };
}

export async function createItem(t: ExactTransport, body: CreateItemBody): Promise<ExactItem> {
  const res = await t.post('logistics/Items', CreateItemBody.parse(body));
  return parseRecord(ExactItem, unwrapEntity(res), 'created item');
}

/** `vat/VATCodes`: all VAT codes of the administration (loaded once per run). */
import { z } from 'zod';
import { dec } from '../../model/money';
import { withQuery } from './odata';
import { Amount, Guid, NullableString, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

export const ExactVatCode = z.object({
  ID: Guid,
  Code: z.string().transform((s) => s.trim()),
  Description: NullableString,
  /** A fraction (0.21) per the reference docs. */
  Percentage: Amount.nullable().optional(),
  /** B = 0 % base only, E = excluding, I = including, N = no VAT. */
  Type: NullableString,
  /** B both, P purchase, S sales. */
  VATTransactionType: NullableString,
  IsBlocked: z.boolean().nullable().optional().transform((b) => b ?? false),
});
export type ExactVatCode = z.infer<typeof ExactVatCode>;

/** The VAT code's percentage as a percent string ("21", "9", "0"), from Exact's fraction. */
export function vatCodePercent(v: ExactVatCode): string {
  const p = dec(v.Percentage ?? '0');
  // Exact documents a fraction (0.21); tolerate a tenant/API that reports 21.
  const percent = p.abs().greaterThan(1) ? p : p.times(100);
  return percent.toDecimalPlaces(4).toFixed();
}

export async function listVatCodes(t: ExactTransport): Promise<ExactVatCode[]> {
  const rows = await t.getAll(withQuery('vat/VATCodes', { $select: 'ID,Code,Description,Percentage,Type,VATTransactionType,IsBlocked' }));
  return rows.map((r) => parseRecord(ExactVatCode, r, 'VAT code'));
}

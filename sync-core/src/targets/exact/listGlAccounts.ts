/** `financial/GLAccounts` by code: the revenue accounts the settings name per role. */
import { z } from 'zod';
import { odataString, withQuery } from './odata';
import { Guid, NullableString, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

export const ExactGlAccount = z.object({
  ID: Guid,
  Code: z.string().transform((s) => s.trim()),
  Description: NullableString,
  /** 110 = revenue (spec §5.4); 20 AR, 24 VAT, ... */
  Type: z.number().int().nullable().optional(),
  IsBlocked: z.boolean().nullable().optional().transform((b) => b ?? false),
});
export type ExactGlAccount = z.infer<typeof ExactGlAccount>;

/** GL account types sales lines may use. */
export const REVENUE_GL_TYPES = new Set([110]);

/** Look up several GL accounts by code in one call (`Code eq 'a' or Code eq 'b'`). */
export async function findGlAccountsByCode(t: ExactTransport, codes: string[]): Promise<ExactGlAccount[]> {
  const unique = [...new Set(codes.map((c) => c.trim()))];
  if (!unique.length) return [];
  const filter = unique.map((c) => `Code eq ${odataString(c)}`).join(' or ');
  const rows = await t.getAll(withQuery('financial/GLAccounts', { $filter: filter, $select: 'ID,Code,Description,Type,IsBlocked' }));
  return rows.map((r) => parseRecord(ExactGlAccount, r, 'GL account'));
}

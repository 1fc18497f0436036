/** `crm/Accounts` lookups: by e-mail (customer matching) and by code (the collective debtor). */
import { z } from 'zod';
import { odataString, padAccountCode, withQuery } from './odata';
import { Guid, NullableString, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

export const ExactAccount = z.object({
  ID: Guid,
  Code: NullableString,
  Name: NullableString,
  Email: NullableString,
  /** C = customer, P = prospect, S = suspect, A = none. */
  Status: NullableString,
  IsSupplier: z.boolean().nullable().optional(),
  Blocked: z.boolean().nullable().optional().transform((b) => b ?? false),
});
export type ExactAccount = z.infer<typeof ExactAccount>;

const SELECT = 'ID,Code,Name,Email,Status,IsSupplier,Blocked';

/** Prefer an active customer; then any active relation (documents may turn prospects into customers). */
export function pickAccount(rows: ExactAccount[]): ExactAccount | null {
  const active = rows.filter((a) => !a.Blocked);
  return active.find((a) => (a.Status ?? '').trim() === 'C') ?? active[0] ?? null;
}

/** Accounts whose e-mail equals `email` (already normalised: trimmed, lower case). */
export async function findAccountsByEmail(t: ExactTransport, email: string): Promise<ExactAccount[]> {
  const rows = await t.getAll(withQuery('crm/Accounts', { $filter: `Email eq ${odataString(email)}`, $select: SELECT }));
  return rows.map((r) => parseRecord(ExactAccount, r, 'account'));
}

/** The account with this code; codes are stored right-aligned to 18 characters and must be filtered padded. */
export async function findAccountByCode(t: ExactTransport, code: string): Promise<ExactAccount | null> {
  const rows = await t.getFirst(withQuery('crm/Accounts', { $filter: `Code eq ${odataString(padAccountCode(code))}`, $select: SELECT }));
  return rows.length ? parseRecord(ExactAccount, rows[0], 'account') : null;
}

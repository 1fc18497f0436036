/**
 * `GET sync/CRM/Accounts`: the accounts created or changed since a Timestamp cursor, 1 000 a page
 * (spec §4.3/§4.4; `$select` is mandatory, the only filter is `Timestamp gt <n>L`). The Timestamp
 * is a row version, not a date: the highest one seen is the next cursor.
 */
import { z } from 'zod';
import { ExactAccount } from './findAccount';
import { withQuery } from './odata';
import { parseRecord } from './schemas';
import type { ExactTransport } from './transport';

/** The cursor before the first read: Exact's docs say to filter on "timestamp greater than 1" the first time. */
export const FIRST_TIMESTAMP = '1';

/**
 * Edm.Int64 row version as a digit string. Exact may send it as a JSON number or a string; a
 * number beyond 2^53 has already lost digits in JSON.parse and would make a wrong cursor, so it is
 * refused rather than rounded.
 */
export const RowVersion = z
  .union([
    z.number().int().nonnegative().refine(Number.isSafeInteger, 'a Timestamp too large to read exactly'),
    z.string().regex(/^\d+$/),
  ])
  .transform((v) => BigInt(v).toString());

export const SyncedAccount = ExactAccount.extend({ Timestamp: RowVersion });
export type SyncedAccount = z.infer<typeof SyncedAccount>;

const SELECT = 'Timestamp,ID,Code,Name,Email,Status,IsSupplier,Blocked';

/** The first page's path: everything with a Timestamp above `since`. Later pages come from `next`. */
export function accountChangesPath(since: string): string {
  return withQuery('sync/CRM/Accounts', {
    $select: SELECT,
    $filter: `Timestamp gt ${BigInt(since).toString()}L`,
  });
}

/** One page of changed accounts and the link to the next page (null after the last). */
export async function readAccountChanges(
  t: ExactTransport,
  pathOrNext: string,
): Promise<{ accounts: SyncedAccount[]; next: string | null }> {
  const page = await t.getPage(pathOrNext);
  return { accounts: page.results.map((r) => parseRecord(SyncedAccount, r, 'account')), next: page.next };
}

/** The higher of two row versions (digit strings). */
export function laterTimestamp(a: string, b: string): string {
  return BigInt(a) >= BigInt(b) ? a : b;
}

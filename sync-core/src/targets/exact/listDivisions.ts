/** `current/Me` + `system/Divisions`: the administrations the connected user (and app) may use, for the plugin's picker. */
import { z } from 'zod';
import { unwrapCollection, withQuery } from './odata';
import { parseRecord, NullableString } from './schemas';
import type { ExactTransport } from './transport';

export const ExactMe = z.object({
  UserID: z.string(),
  CurrentDivision: z.number().int(),
  FullName: NullableString,
  Email: NullableString,
});
export type ExactMe = z.infer<typeof ExactMe>;

export const ExactDivision = z.object({
  Code: z.number().int(),
  Description: NullableString,
  Country: NullableString,
  Currency: NullableString,
  Current: z.boolean().nullable().optional(),
});

export interface DivisionChoice {
  code: number;
  description: string;
  country: string | null;
  currency: string | null;
  current: boolean;
}

export async function getMe(t: ExactTransport): Promise<ExactMe> {
  const body = await t.get(withQuery('current/Me', { $select: 'UserID,CurrentDivision,FullName,Email' }));
  const rows = unwrapCollection(body).results;
  return parseRecord(ExactMe, rows[0], 'user (current/Me)');
}

/** Divisions reachable with this connection. Needs a division in the URL: the user's current one. */
export async function listDivisions(t: ExactTransport): Promise<DivisionChoice[]> {
  const me = await getMe(t);
  const rows = await t.getAll(withQuery(`api/v1/${me.CurrentDivision}/system/Divisions`, { $select: 'Code,Description,Country,Currency,Current' }));
  return rows.map((r) => {
    const d = parseRecord(ExactDivision, r, 'administration (system/Divisions)');
    return { code: d.Code, description: d.Description ?? String(d.Code), country: d.Country, currency: d.Currency, current: d.Code === me.CurrentDivision };
  });
}


/**
 * What the sync endpoints (`/api/v1/{division}/sync/...`) accept, as Exact documents it: `$select`
 * is mandatory, the only filter is the `Timestamp gt <n>` cursor, and paging goes by `__next`
 * (pages of 1 000 ordered by Timestamp, schema.ts). Refusals are 400s, like Exact's.
 */
import { badRequest } from './errors';

/** `Timestamp gt 40000123L` (the L suffix of an Int64 literal is optional: clients send `gt 1` the first time). */
const CURSOR_FILTER = /^\s*Timestamp\s+gt\s+\d+L?\s*$/;
const REFUSED = ['$orderby', '$skip', '$expand', '$inlinecount'];

export function checkSyncQuery(params: URLSearchParams): void {
  const select = params.get('$select');
  if (select === null || select.trim() === '' || select.split(',').some((s) => s.trim() === '*')) {
    throw badRequest(
      'It is mandatory to provide the $select query option with a selection of one or more of the resource properties.',
    );
  }
  const filter = params.get('$filter');
  if (filter !== null && !CURSOR_FILTER.test(filter)) {
    throw badRequest(
      `Only the timestamp field is allowed as a parameter on sync endpoints: filter with 'Timestamp gt <value>' (got '${filter.slice(0, 100)}').`,
    );
  }
  for (const k of REFUSED)
    if (params.has(k)) throw badRequest(`The query option ${k} is not supported on sync endpoints.`);
}

/** zod building blocks for what Exact sends back (verbose OData JSON). */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import { dec } from '../../model/money';

/** Edm.Guid, lowercased. */
export const Guid = z.string().regex(/^[0-9a-fA-F-]{36}$/).transform((s) => s.toLowerCase());
/** Edm.Double as a decimal string (Exact sends JSON numbers; numeric strings are tolerated). */
export const Amount = z.union([z.number(), z.string()]).transform((v) => dec(v).toFixed());
export const NullableString = z.string().nullable().optional().transform((s) => s ?? null);

/** Parse one Exact record; a mismatch is a RemoteBadResponse naming the record kind. */
export function parseRecord<T extends z.ZodTypeAny>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ShopbooksError('RemoteBadResponse', `Exact sent a ${what} Shopbooks cannot read (${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}).`, { retryable: false });
  }
  return r.data;
}

/** Field lengths Shopbooks enforces before sending (Exact documents few; see exact-online.md §4.7). */
export const FIELD_LIMITS = {
  /** The booking reference is the duplicate key: never truncated, a longer one is a NameTooLong error. */
  yourRef: 30,
  /** Header and line descriptions: truncated (harmless, the reference identifies the document). */
  description: 60,
  /** Account (customer) name: truncated. */
  accountName: 50,
  /** Item description (documented: 60): truncated. */
  itemDescription: 60,
  /** Item code (the SKU is the match key): never truncated, a longer one is a NameTooLong error. */
  itemCode: 30,
  /** Address line, city, postcode: truncated. */
  addressLine: 100,
  city: 50,
  postcode: 20,
  /** E-mail: never truncated (it is the customer match key). */
  email: 100,
  vatNumber: 20,
  remarks: 255,
} as const;

/** Truncate where harmless (descriptions, names). */
export function truncate(value: string, max: number): string {
  const v = value.trim();
  return v.length <= max ? v : `${v.slice(0, max - 1)}…`;
}

/** Refuse where truncation would break matching (references, codes, e-mail). */
export function requireLength(value: string, max: number, what: string): string {
  if (value.length > max) {
    throw new ShopbooksError('NameTooLong', `The ${what} "${value}" is longer than the ${max} characters Exact Online accepts; shorten it (e.g. a shorter reference prefix or SKU).`, {
      retryable: false,
      details: { field: what, max, length: value.length },
    });
  }
  return value;
}
